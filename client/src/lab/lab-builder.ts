import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LabBuildAnswer, LabBuildProblem } from '../../../server/protocol/lab-build.js';
import { EXCHANGE_TYPES, OVERFLOW_MODES } from '../../../server/protocol/lab-build.js';
import { ModelWatcher } from '../run/model-watcher.js';
import type { RunModel } from '../run/run-model.js';
import { baseStyles, buttonStyles, inputStyles, tabStyles } from '../styles/controls.js';
import { postLabBuild } from './lab-build-api.js';
import { fieldOf, INITIAL_VALUES, readForm, type BuildForm, type FormValues } from './lab-build-request.js';

declare global {
  interface HTMLElementTagNameMap {
    'lab-builder': LabBuilderElement;
  }
}

/** The forms, in the order their tabs show them. */
const FORMS: { id: BuildForm; label: string }[] = [
  { id: 'exchange', label: 'Exchange' },
  { id: 'queue', label: 'Queue' },
  { id: 'bind', label: 'Bind' },
  { id: 'delete', label: 'Delete' },
];

/** A choice of a select: its value and what it says. */
type Choice = [value: string, label: string];

/** Which names a text field suggests: the lab's exchanges, its queues, or either. */
type Suggest = 'exchanges' | 'queues' | 'both';

/**
 * Forms that build in the lab's vhost from the page: declare an exchange or
 * a queue, bind and unbind, delete. Each form checks what was typed and
 * says beside each field what is wrong and what is allowed; what passes goes
 * to the server, which declares it through the lab's port on the "Lab page"
 * connection, so it shows in the picture and sequence like any program's
 * work. The broker's answer, or its refusal in its own words, is shown
 * under the form.
 */
@customElement('lab-builder')
export class LabBuilderElement extends LitElement {
  /** What the lab has seen, whose exchanges and queues the name fields suggest. */
  @property({ attribute: false }) model: RunModel | undefined;

  @state() private _form: BuildForm = 'exchange';
  @state() private _values: Record<BuildForm, FormValues> = structuredClone(INITIAL_VALUES);
  @state() private _problems: LabBuildProblem[] = [];
  @state() private _answer: LabBuildAnswer | undefined;
  @state() private _busy = false;

  constructor() {
    super();
    new ModelWatcher(this);
  }

  private set(field: string, value: string | boolean): void {
    this._values = { ...this._values, [this._form]: { ...this._values[this._form], [field]: value } };
    // A corrected field loses its complaint at once; the others keep theirs until the next try.
    this._problems = this._problems.filter((problem) => fieldOf(problem) !== field);
  }

  private choose(form: BuildForm): void {
    this._form = form;
    this._problems = [];
    this._answer = undefined;
  }

  private async submit(event: Event, action?: 'bind' | 'unbind'): Promise<void> {
    event.preventDefault();
    if (this._busy) return;
    const read = readForm(this._form, this._values[this._form], action);
    this._answer = undefined;
    if (!read.ok) {
      this._problems = read.problems;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this._problems = [];
    this._busy = true;
    try {
      const answer = await postLabBuild(read.request);
      this._answer = answer;
      if (!answer.ok && answer.problems !== undefined) this._problems = answer.problems;
    } finally {
      this._busy = false;
    }
  }

  protected override render() {
    return html`
      <section aria-labelledby="build-title">
        <h2 id="build-title">Build in the lab</h2>
        <p class="lead">
          Declare exchanges and queues and bind them from here: the workbook does it through the lab's port on a connection named
          <code>Lab page</code>, so each declare, the broker's reply and any refusal show below like your programs' work.
        </p>
        <div class="tabs" role="tablist" aria-label="What to build">
          ${FORMS.map(
            (form) =>
              html`<button
                type="button"
                role="tab"
                class="tab"
                aria-selected=${form.id === this._form ? 'true' : 'false'}
                @click=${() => {
                  this.choose(form.id);
                }}
              >
                ${form.label}
              </button>`,
          )}
        </div>
        <form
          role="tabpanel"
          aria-label=${FORMS.find((form) => form.id === this._form)?.label ?? ''}
          novalidate
          @submit=${(event: Event) => void this.submit(event)}
        >
          ${this.renderForm()} ${this.renderAnswer()}
        </form>
        ${this.renderSuggestions()}
      </section>
    `;
  }

  private renderForm(): TemplateResult {
    switch (this._form) {
      case 'exchange':
        return html`
          <div class="fields">
            ${this.text('name', 'Name', 'At most 255 bytes; names starting with amq. are the broker’s.')}
            ${this.select(
              'type',
              'Type',
              EXCHANGE_TYPES.map((type) => [type, type]),
            )}
            ${this.text('alternateExchange', 'Alternate exchange', 'Where messages no binding takes go; empty: nowhere.', false, 'exchanges')}
          </div>
          <div class="ticks">
            ${this.tick('durable', 'Durable', 'survives a broker restart')}
            ${this.tick('autoDelete', 'Auto-delete', 'goes once its last binding does')}
            ${this.tick('internal', 'Internal', 'only other exchanges publish to it')}
          </div>
          <div class="actions">${this.button('Declare exchange')}</div>
        `;
      case 'queue':
        return this.renderQueueForm();
      case 'bind':
        return html`
          <div class="fields">
            ${this.text('source', 'From exchange', 'The exchange messages come from.', false, 'exchanges')}
            ${this.select('destinationType', 'To a', [
              ['queue', 'queue'],
              ['exchange', 'exchange'],
            ])}
            ${this.text('destination', 'Queue or exchange', 'What the binding delivers to.', false, 'both')}
            ${this.text('routingKey', 'Routing key', 'Direct: the exact key; topic: words with * and #; fanout and headers ignore it.')}
            ${this.select('match', 'Headers must match', [
              ['all', 'all (x-match all)'],
              ['any', 'any (x-match any)'],
            ])}
            ${this.textarea('headers', 'Headers (headers exchange only)', 'One name=value a line; values are text.')}
          </div>
          <div class="actions">
            ${this.button('Bind')}
            <button type="button" class="button" ?disabled=${this._busy} @click=${(event: Event) => void this.submit(event, 'unbind')}>
              Unbind
            </button>
          </div>
        `;
      case 'delete':
        return html`
          <div class="fields">
            ${this.select('kind', 'Delete a', [
              ['queue', 'queue (and its messages)'],
              ['exchange', 'exchange (and its bindings)'],
            ])}
            ${this.text('name', 'Name', 'The queue or exchange to delete.', false, 'both')}
          </div>
          <div class="actions">${this.button('Delete')}</div>
        `;
    }
  }

  private renderQueueForm(): TemplateResult {
    const overflow: Choice[] = [['', 'not set (drop-head)'], ...OVERFLOW_MODES.map((mode): Choice => [mode, mode])];
    return html`
      <div class="fields">
        ${this.text('name', 'Name', 'Empty: the broker names it (amq.gen-…). At most 255 bytes, not amq.…')}
        ${this.select('queueType', 'Type', [
          ['classic', 'classic'],
          ['quorum', 'quorum (durable, never auto-delete)'],
        ])}
        ${this.text('messageTtl', 'Message TTL (ms)', 'A message older than this is dropped or dead-lettered. 0 to 4,294,967,295.', true)}
        ${this.text('maxLength', 'Max length', 'Messages it holds at most. 0 or more.', true)}
        ${this.select('overflow', 'When full', overflow)}
        ${this.text('deadLetterExchange', 'Dead-letter exchange', 'Where dropped, expired and rejected messages go.', false, 'exchanges')}
        ${this.text('deadLetterRoutingKey', 'Dead-letter routing key', 'Empty: the message keeps its own.')}
        ${this.text('deliveryLimit', 'Delivery limit (quorum)', 'Deliveries before a message is dropped or dead-lettered.', true)}
        ${this.text('maxPriority', 'Max priority (classic)', 'Makes a priority queue: 1 to 255 (10 or less is wise).', true)}
      </div>
      <div class="ticks">
        ${this.tick('durable', 'Durable', 'survives a broker restart')}
        ${this.tick('autoDelete', 'Auto-delete', 'goes once its last consumer does')}
      </div>
      <p class="note">
        There is no exclusive here: an exclusive queue belongs to the connection that declares it, the Lab page's own, and no program of
        yours could use it.
      </p>
      <div class="actions">${this.button('Declare queue')}</div>
    `;
  }

  /** The lab's exchanges (but the default one) and queues now, for the name fields to suggest. */
  private renderSuggestions() {
    const state = this.model?.state;
    const exchanges = [...(state?.exchanges.keys() ?? [])].filter((name) => name !== '').sort();
    const queues = [...(state?.queues.keys() ?? [])].sort();
    const options = (names: string[]) => names.map((name) => html`<option value=${name}></option>`);
    return html`<datalist id="lab-exchanges">${options(exchanges)}</datalist>
      <datalist id="lab-queues">${options(queues)}</datalist>
      <datalist id="lab-both">${options([...exchanges, ...queues])}</datalist>`;
  }

  private renderAnswer() {
    const answer = this._answer;
    if (this._problems.length > 0) {
      const count = this._problems.length;
      return html`<p class="answer failed" role="alert" data-testid="lab-build-answer">
        ${count === 1 ? 'One thing to fix' : `${String(count)} things to fix`} before this goes to the broker.
      </p>`;
    }
    if (answer === undefined) return html`<p class="answer" role="status" data-testid="lab-build-answer"></p>`;
    return answer.ok
      ? html`<p class="answer done" role="status" data-testid="lab-build-answer">${answer.done}</p>`
      : html`<p class="answer failed" role="alert" data-testid="lab-build-answer">${answer.error}</p>`;
  }

  private problemsOf(field: string): string[] {
    return this._problems.filter((problem) => fieldOf(problem) === field).map((problem) => problem.message);
  }

  private field(field: string, label: string, hint: string, control: (described: string, invalid: boolean) => TemplateResult) {
    const problems = this.problemsOf(field);
    const id = `${this._form}-${field}`;
    const described = `${id}-hint${problems.length > 0 ? ` ${id}-error` : ''}`;
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${control(described, problems.length > 0)}
      ${problems.length > 0 ? html`<p class="error" id=${`${id}-error`} data-testid="field-error">${problems.join('; ')}</p>` : nothing}
      <p class="hint" id=${`${id}-hint`}>${hint}</p>
    </div>`;
  }

  private text(field: string, label: string, hint: string, numeric = false, suggest?: Suggest) {
    const value = this._values[this._form][field];
    return this.field(
      field,
      label,
      hint,
      (described, invalid) =>
        html`<input
          type="text"
          id=${`${this._form}-${field}`}
          class=${numeric ? 'mono' : ''}
          inputmode=${numeric ? 'numeric' : nothing}
          list=${suggest === undefined ? nothing : `lab-${suggest}`}
          autocomplete="off"
          .value=${typeof value === 'string' ? value : ''}
          aria-describedby=${described}
          aria-invalid=${invalid ? 'true' : 'false'}
          @input=${(event: Event) => {
            this.set(field, (event.target as HTMLInputElement).value);
          }}
        />`,
    );
  }

  private textarea(field: string, label: string, hint: string) {
    const value = this._values[this._form][field];
    return this.field(
      field,
      label,
      hint,
      (described, invalid) =>
        html`<textarea
          id=${`${this._form}-${field}`}
          rows="2"
          .value=${typeof value === 'string' ? value : ''}
          aria-describedby=${described}
          aria-invalid=${invalid ? 'true' : 'false'}
          @input=${(event: Event) => {
            this.set(field, (event.target as HTMLTextAreaElement).value);
          }}
        ></textarea>`,
    );
  }

  private select(field: string, label: string, choices: readonly Choice[]) {
    const value = this._values[this._form][field];
    return this.field(
      field,
      label,
      '',
      (described, invalid) =>
        html`<select
          id=${`${this._form}-${field}`}
          aria-describedby=${described}
          aria-invalid=${invalid ? 'true' : 'false'}
          @change=${(event: Event) => {
            this.set(field, (event.target as HTMLSelectElement).value);
          }}
        >
          ${choices.map(([choice, text]) => html`<option value=${choice} ?selected=${choice === value}>${text}</option>`)}
        </select>`,
    );
  }

  private tick(field: string, label: string, hint: string) {
    const problems = this.problemsOf(field);
    const id = `${this._form}-${field}`;
    return html`<div class="tick">
      <label>
        <input
          type="checkbox"
          id=${id}
          .checked=${this._values[this._form][field] === true}
          aria-describedby=${problems.length > 0 ? `${id}-error` : nothing}
          aria-invalid=${problems.length > 0 ? 'true' : 'false'}
          @change=${(event: Event) => {
            this.set(field, (event.target as HTMLInputElement).checked);
          }}
        />
        ${label} <span class="hint">(${hint})</span>
      </label>
      ${problems.length > 0 ? html`<p class="error" id=${`${id}-error`} data-testid="field-error">${problems.join('; ')}</p>` : nothing}
    </div>`;
  }

  private button(label: string) {
    return html`<button type="submit" class="button primary" ?disabled=${this._busy}>${label}</button>`;
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    inputStyles,
    tabStyles,
    css`
      :host {
        display: block;
      }
      h2 {
        margin: 0 0 var(--space-3);
        font-size: var(--text-lg);
      }
      .lead,
      .note,
      .hint {
        color: var(--text-muted);
        max-width: 60rem;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: var(--space-3);
        padding-top: var(--space-3);
      }
      .fields {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr));
        gap: var(--space-3);
      }
      .field label {
        display: block;
        font-size: var(--text-sm);
        font-weight: 600;
        margin-bottom: var(--space-1);
      }
      .field .hint,
      .field .error {
        margin: var(--space-1) 0 0;
        font-size: var(--text-sm);
      }
      .error {
        color: var(--status-failed);
        font-size: var(--text-sm);
        margin: var(--space-1) 0 0;
      }
      .ticks {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-4);
      }
      .tick label {
        display: inline-flex;
        align-items: center;
        gap: var(--space-2);
      }
      .tick .hint {
        font-size: var(--text-sm);
      }
      .note {
        margin: 0;
        font-size: var(--text-sm);
      }
      .actions {
        display: flex;
        gap: var(--space-2);
      }
      .answer {
        margin: 0;
      }
      .answer:empty {
        display: none;
      }
      .answer.done {
        color: var(--status-finished, var(--text));
      }
      .answer.failed {
        color: var(--status-failed);
      }
    `,
  ];
}
