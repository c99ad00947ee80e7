import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { baseStyles, buttonStyles, srOnlyStyles } from '../styles/controls.js';
import { codeStyles } from '../styles/code.js';
import { highlight } from './highlight.js';
import { icon } from './icons.js';
import { PROGRAM_LANGUAGES, type ActorCode, type NamedMoment } from '../../../server/protocol/index.js';
import './language-switch.js';
import { fetchCellCode } from './lessons-api.js';
import { LANGUAGE_LIBRARIES, languageOfCell } from './languages.js';
import { programLanguage, type ProgramLanguage } from './program-language.js';

/** A broker's configuration file (rabbitmq.conf, rabbitmq.config): data, shown as it is, uncoloured. */
const CONFIG_FILE = /\.(conf|config)$/;

/** Parameters settle this long before the code is asked for again, so a slider drag asks once. */
const SETTLE_MS = 250;

type CodeView =
  | { kind: 'loading' }
  | { kind: 'code'; actors: ActorCode[]; moments: NamedMoment[] }
  | { kind: 'unavailable' }
  | { kind: 'invalid' }
  | { kind: 'refused'; problems: string[] }
  | { kind: 'error'; message: string };

/** What the code for the current parameters says of the run they make. */
export interface CellCodeFacts {
  /** The parameters the code is for. */
  params: Record<string, unknown>;
  /** The language it is written in. */
  language: ProgramLanguage;
  /** The named moments a run with these parameters reaches. */
  moments: NamedMoment[];
  /** What a person can start more of during a run, by actor: the button's words ("start another", "send again"). */
  another: Record<string, string>;
}

declare global {
  interface HTMLElementEventMap {
    'cell-code': CustomEvent<CellCodeFacts>;
  }
}

/**
 * The program of each actor of a run cell for the current parameters, in the
 * page's language (JavaScript with amqplib, or Python with pika), as the
 * server writes them: highlighted, one tab per actor, with its file name and a
 * copy button. Each program runs as it is against a RabbitMQ at
 * amqp://localhost. A switch above chooses the language for the whole page.
 *
 * @fires cell-code - with what the code says of a run (its moments, what can be started more of), each time it arrives.
 */
@customElement('code-cell')
export class CodeCell extends LitElement {
  /** The lesson's id. */
  @property() lesson = '';
  /** The run cell's id. */
  @property() cell = '';
  /** The parameter values to write the code for. */
  @property({ attribute: false }) params: Record<string, unknown> = {};
  /** False while the parameters cannot be run: the code waits for them. */
  @property({ type: Boolean }) valid = true;
  /** The languages the cell's programs exist in. */
  @property({ attribute: false }) languages: readonly ProgramLanguage[] = PROGRAM_LANGUAGES;

  @state() private _view: CodeView = { kind: 'loading' };
  @state() private _selected = 0;
  @state() private _copied = false;
  @state() private _chosen: ProgramLanguage = programLanguage().value;

  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _request: AbortController | undefined;

  /** The language the code is shown in: the page's, when the cell's programs exist in it. */
  get language(): ProgramLanguage {
    return languageOfCell(this._chosen, this.languages);
  }

  protected override updated(changed: PropertyValues): void {
    if (['lesson', 'cell', 'params', 'valid', 'languages', '_chosen'].some((name) => changed.has(name))) this.scheduleFetch();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    programLanguage().addEventListener('change', this.handleLanguage);
    this._chosen = programLanguage().value;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    programLanguage().removeEventListener('change', this.handleLanguage);
    clearTimeout(this._timer);
    this._request?.abort();
  }

  private readonly handleLanguage = (): void => {
    this._chosen = programLanguage().value;
  };

  private scheduleFetch(): void {
    clearTimeout(this._timer);
    if (!this.valid) {
      this._request?.abort();
      this._view = { kind: 'invalid' };
      return;
    }
    this._timer = setTimeout(() => void this.fetchCode(), this._view.kind === 'loading' ? 0 : SETTLE_MS);
  }

  private async fetchCode(): Promise<void> {
    this._request?.abort();
    const request = new AbortController();
    this._request = request;
    const params = this.params;
    const language = this.language;
    try {
      const answer = await fetchCellCode(this.lesson, this.cell, params, language, request.signal);
      if (request.signal.aborted) return;
      this._view = answer;
      if (answer.kind === 'code') {
        if (this._selected >= answer.actors.length) this._selected = 0;
        const another = Object.fromEntries(
          answer.actors.flatMap(({ actor, another }) => (another === undefined ? [] : [[actor, another]])),
        );
        const detail: CellCodeFacts = { params, language, moments: answer.moments, another };
        this.dispatchEvent(new CustomEvent<CellCodeFacts>('cell-code', { detail, bubbles: true, composed: true }));
      }
    } catch (error) {
      if (request.signal.aborted) return;
      this._view = { kind: 'error', message: (error as Error).message };
    }
  }

  protected override render() {
    return html`
      <div class="head">
        <h3 class="title">${icon('code')}Code</h3>
        <span class="note">${LANGUAGE_LIBRARIES[this.language]}, for these parameters</span>
        <language-switch .languages=${this.languages}></language-switch>
      </div>
      ${this.renderBody()}
    `;
  }

  private renderBody() {
    const view = this._view;
    switch (view.kind) {
      case 'loading':
        return html`<p class="message">Writing the code…</p>`;
      case 'unavailable':
        return html`<p class="message">Code for this cell is not available.</p>`;
      case 'invalid':
        return html`<p class="message">${icon('warning')}Fix the parameters to see their code.</p>`;
      case 'refused':
        return html`<p class="message problem">
          ${icon('warning')}The server cannot write code for these parameters: ${view.problems.join('; ')}
        </p>`;
      case 'error':
        return html`<p class="message problem">${icon('warning')}${view.message}</p>`;
      case 'code':
        return this.renderPrograms(view.actors);
    }
  }

  private renderPrograms(actors: ActorCode[]) {
    if (actors.length === 0) return html`<p class="message">Code for this cell is not available.</p>`;
    const selected = actors[this._selected] ?? actors[0];
    if (selected === undefined) return nothing;
    return html`<div class="programs">
      <div class="bar">
        <div class="tabs" role="tablist" aria-label="Programs" @keydown=${this.handleTabKey}>
          ${actors.map(
            (program, index) =>
              html` <button
                type="button"
                role="tab"
                id="tab-${index}"
                class="tab"
                aria-selected=${index === this._selected ? 'true' : 'false'}
                aria-controls="program"
                tabindex=${index === this._selected ? 0 : -1}
                @click=${() => this.select(index)}
              >
                ${program.actor}
              </button>`,
          )}
        </div>
        ${selected.file === undefined ? nothing : html`<span class="file" title="Save it as ${selected.file}">${selected.file}</span>`}
        <button
          type="button"
          class="button ghost copy"
          @click=${() => void this.handleCopy(selected.code)}
          aria-label="Copy the ${selected.actor} program${selected.file === undefined ? '' : ` (${selected.file})`}"
        >
          ${icon(this._copied ? 'check' : 'copy')}${this._copied ? 'Copied' : 'Copy'}
        </button>
        <span class="visually-hidden" aria-live="polite">${this._copied ? `${selected.actor} program copied` : ''}</span>
      </div>
      <pre
        class="code-block"
        id="program"
        role="tabpanel"
        aria-labelledby="tab-${this._selected}"
        tabindex="0"
      ><code class="hljs">${unsafeHTML(highlight(selected.code, CONFIG_FILE.test(selected.file ?? '') ? 'plaintext' : this.language))}</code></pre>
    </div>`;
  }

  private select(index: number): void {
    this._selected = index;
    this._copied = false;
  }

  private handleTabKey(event: KeyboardEvent): void {
    const count = this._view.kind === 'code' ? this._view.actors.length : 0;
    if (count === 0) return;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, Home: -this._selected, End: count - 1 - this._selected };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    this.select((this._selected + move + count) % count);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${this._selected}`)?.focus());
  }

  private async handleCopy(code: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(code);
    } catch {
      // Without clipboard access (an insecure origin), select the code so the learner can copy it by hand.
      const block = this.renderRoot.querySelector('#program');
      if (block !== null) getSelection()?.selectAllChildren(block);
      return;
    }
    this._copied = true;
    setTimeout(() => {
      this._copied = false;
    }, 2000);
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    srOnlyStyles,
    codeStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--space-2);
        min-width: 0;
      }
      .head {
        display: flex;
        align-items: baseline;
        gap: var(--space-3);
        flex-wrap: wrap;
      }
      .title {
        display: inline-flex;
        align-items: center;
        gap: var(--space-2);
        margin: 0;
        font-size: var(--text-sm);
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--text-muted);
      }
      .note {
        font-size: var(--text-xs);
        color: var(--text-faint);
      }
      .bar {
        display: flex;
        align-items: flex-end;
        gap: var(--space-2);
        border-bottom: 1px solid var(--border);
      }
      .tabs {
        display: flex;
        gap: var(--space-1);
        flex: 1;
        overflow-x: auto;
      }
      .tab {
        border: 0;
        border-bottom: 3px solid transparent;
        background: none;
        color: var(--text-muted);
        font: inherit;
        font-size: var(--text-sm);
        font-weight: 600;
        padding: var(--space-2) var(--space-3);
        cursor: pointer;
        white-space: nowrap;
      }
      .tab[aria-selected='true'] {
        color: var(--text);
        border-bottom-color: var(--accent);
      }
      .tab:hover {
        color: var(--text);
      }
      .copy {
        margin-bottom: var(--space-1);
      }
      .file {
        align-self: center;
        margin-bottom: var(--space-1);
        font-family: var(--font-mono);
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      language-switch {
        margin-left: auto;
      }
      pre.code-block {
        max-height: 26rem;
        font-size: 0.78rem;
        border-top-left-radius: 0;
        border-top-right-radius: 0;
        border-top: 0;
      }
      .message {
        display: flex;
        gap: var(--space-2);
        align-items: center;
        margin: 0;
        padding: var(--space-4);
        border: 1px dashed var(--border-strong);
        border-radius: var(--radius-sm);
        color: var(--text-muted);
        font-size: var(--text-sm);
      }
      .message.problem {
        color: var(--status-failed);
        border-color: var(--status-failed);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'code-cell': CodeCell;
  }
}
