import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { TraceFile } from '../../../server/protocol/index.js';
import { ActorOutput } from '../run/actor-output.js';
import '../run/actor-terminals.js';
import { CursorPacer } from '../run/cursor-pacer.js';
import { ModelWatcher } from '../run/model-watcher.js';
import { formatCount } from '../run/number-format.js';
import { RunModel } from '../run/run-model.js';
import '../run/run-output.js';
import '../run/run-timeline.js';
import { readTraceFile } from '../trace/read-trace-file.js';
import { baseStyles, buttonStyles, dropZoneStyles } from '../styles/controls.js';
import { FileDrop } from './file-drop.js';
import { icon } from './icons.js';
import { LANGUAGE_NAMES } from './languages.js';
import { ACTIVE_STATUSES, statusLook } from './run-status.js';
import { settings } from './settings.js';

declare global {
  interface HTMLElementTagNameMap {
    'trace-page': TracePage;
  }
}

/** Events fed to the views between two chances for the page to draw and answer. */
const EVENTS_PER_BATCH = 2000;

/** What the page holds: nothing yet, a file being read, or an opened run. */
type Opened =
  | { kind: 'none' }
  | { kind: 'reading'; name: string; fed: number; total: number }
  | { kind: 'open'; name: string; file: TraceFile; pacer: CursorPacer; output: ActorOutput };

/**
 * The page at /trace: opens a run saved with a run cell's "Save trace"
 * (server/protocol/trace-file.ts), from a file input or a file dropped on
 * it, and shows it as the run cell showed it: what ran (lesson, cell, broker,
 * language, when it was saved), its parameters, the timeline with its
 * cursor and named moments, each program's terminal and the run's views.
 * Everything happens in the page: no broker and no server connection is needed.
 *
 * A file that is not a trace, or a damaged one, is refused with what is
 * wrong and what is allowed. A long run is fed to the views a batch of
 * events at a time, so the page keeps answering while it opens.
 */
@customElement('trace-page')
export class TracePage extends LitElement {
  /** The opened run's views' model; its changes redraw the page (the terminals follow its cursor). */
  @state() model: RunModel | undefined;

  @state() private _opened: Opened = { kind: 'none' };
  @state() private _error = '';
  /** The trace file chosen or dropped anywhere on the page. */
  private readonly files = new FileDrop(this, (file) => void this.open(file));
  @state() private _speed = settings().value.speed;
  @state() private _presenter = settings().value.presenter;
  /** Counts the files asked for, so a slower earlier read never overwrites a later one. */
  private _reads = 0;

  constructor() {
    super();
    new ModelWatcher(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = 'Open a saved trace: Warren';
    settings().addEventListener('change', this.handleSettings);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    settings().removeEventListener('change', this.handleSettings);
    this._reads += 1;
  }

  private readonly handleSettings = (): void => {
    this._speed = settings().value.speed;
    this._presenter = settings().value.presenter;
    if (this._opened.kind === 'open') this._opened.pacer.speed = this._speed;
  };

  /** Reads a file, checks it, and shows its run; a refused file leaves what was open and says why. */
  async open(file: File): Promise<void> {
    const read = (this._reads += 1);
    this._error = '';
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      if (read === this._reads) this._error = `The file ${file.name} could not be read: ${(error as Error).message}.`;
      return;
    }
    if (read !== this._reads) return;
    const result = readTraceFile(text);
    if (!result.ok) {
      this._error = `${file.name}: ${result.error}`;
      return;
    }
    await this.show(file.name, result.file, read);
  }

  private async show(name: string, file: TraceFile, read: number): Promise<void> {
    const model = new RunModel();
    const output = new ActorOutput();
    // Held before the first event, so feeding records no moves to animate; it goes to the end once fed.
    model.moveCursor(0);
    model.apply({ type: 'status', runId: '', status: 'running' });
    this.model = undefined;
    this._opened = { kind: 'reading', name, fed: 0, total: file.events.length };
    for (let start = 0; start < file.events.length; start += EVENTS_PER_BATCH) {
      const message = { type: 'trace', runId: '', events: file.events.slice(start, start + EVENTS_PER_BATCH) } as const;
      model.apply(message);
      output.apply(message);
      this._opened = { kind: 'reading', name, fed: Math.min(file.events.length, start + EVENTS_PER_BATCH), total: file.events.length };
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (read !== this._reads) return;
    }
    if (file.summary !== undefined) model.apply({ type: 'summary', runId: '', summary: file.summary });
    // Nothing more comes: a run saved while going, or one the page lost touch with, has ended for the views as a
    // stopped one (no rates, no replay to wait for); the status it was saved with is shown above them.
    const status = file.status === 'finished' || file.status === 'ended-with-error' || file.status === 'failed' ? file.status : 'stopped';
    model.apply({ type: 'status', runId: '', status, ...(file.failure === undefined ? {} : { failure: file.failure }) });
    const pacer = new CursorPacer(model);
    pacer.speed = this._speed;
    pacer.follow();
    this.model = model;
    this._opened = { kind: 'open', name, file, pacer, output };
    document.title = `${file.title || `${file.lesson}: ${file.cell}`} (saved trace): Warren`;
  }

  protected override render() {
    const opened = this._opened;
    // The whole page takes a dropped file: one dropped beside the zone would otherwise make the browser leave the page for it.
    return html`<div class="page" @dragover=${this.files.dragOver} @dragleave=${this.files.dragLeave} @drop=${this.files.drop}>
      <header>
        <h1>Open a saved trace</h1>
        <p class="lead">
          A run cell's <strong>Save trace</strong> button downloads its run as a file; the Lab page's downloads what your programs did
          there. Open one here to see it again, with its timeline and every view, without a broker.
        </p>
      </header>
      <div class="drop ${this.files.dragging ? 'over' : ''}">
        ${icon('folder')}
        <label for="trace-file">Trace file (.json)</label>
        <input id="trace-file" type="file" accept=".json,application/json" @change=${this.files.chosen} />
        <span class="hint">or drop it here</span>
      </div>
      ${this._error === '' ? nothing : html`<p class="error" role="alert">${icon('warning')}<span>${this._error}</span></p>`}
      ${
        opened.kind === 'reading'
          ? html`<p class="reading" role="status">
              Opening ${opened.name}: ${formatCount(opened.fed)} of ${formatCount(opened.total)} events read…
            </p>`
          : nothing
      }
      ${opened.kind === 'open' ? this.renderRun(opened) : nothing}
    </div>`;
  }

  private renderRun(opened: Extract<Opened, { kind: 'open' }>) {
    const { file, pacer, output } = opened;
    const model = this.model;
    const look = statusLook(file.status);
    const saved = new Date(file.savedAt);
    const params = Object.entries(file.params);
    return html`<section class="run" aria-labelledby="run-title">
      <h2 id="run-title">${file.title || `${file.lesson}: ${file.cell}`}</h2>
      <dl class="facts">
        <div>
          <dt>Lesson</dt>
          <dd>${file.lesson}</dd>
        </div>
        <div>
          <dt>Cell</dt>
          <dd>${file.cell}</dd>
        </div>
        <div>
          <dt>Saved</dt>
          <dd>
            ${Number.isNaN(saved.getTime()) ? file.savedAt : saved.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}
          </dd>
        </div>
        <div>
          <dt>Broker</dt>
          <dd>${file.broker.kind === 'embedded' ? 'the embedded broker' : 'RabbitMQ'}</dd>
        </div>
        ${
          file.language === undefined
            ? nothing
            : html`<div>
                <dt>Language</dt>
                <dd>${LANGUAGE_NAMES[file.language]}</dd>
              </div>`
        }
        <div>
          <dt>Run</dt>
          <dd class="tone-${look.tone}">${ACTIVE_STATUSES.has(file.status) ? `Saved while ${look.label.toLowerCase()}` : look.label}</dd>
        </div>
        <div>
          <dt>File</dt>
          <dd>${opened.name}</dd>
        </div>
      </dl>
      ${
        file.letGo === undefined
          ? nothing
          : html`<p class="let-go" role="note">
              ${icon('warning')}<span
                >This file does not hold the run's first ${formatCount(file.letGo.events)} events: the page that saved it had let them go to
                keep its memory bounded. Its timeline starts after them, with their counts; the totals at the end are the run's own.</span
              >
            </p>`
      }
      ${
        file.failure === undefined
          ? nothing
          : html`<div class="failure">
              <strong>${file.status === 'failed' ? 'The run failed' : 'The broker closed a channel or connection with an error'}</strong>
              <p>${file.failure.explanation}</p>
              <details>
                <summary>Raw error</summary>
                <pre>${file.failure.raw}</pre>
              </details>
            </div>`
      }
      <details class="params" open>
        <summary>Parameters it ran with</summary>
        ${
          params.length === 0
            ? html`<p>The cell's own values, none changed.</p>`
            : html`<dl>
                ${params.map(
                  ([name, value]) =>
                    html`<div>
                      <dt>${name}</dt>
                      <dd><code>${JSON.stringify(value)}</code></dd>
                    </div>`,
                )}
              </dl>`
        }
      </details>
      ${this.renderMoments(pacer)}
      <run-timeline .model=${model} .pacer=${pacer}></run-timeline>
      <actor-terminals .output=${output} .cursor=${model?.cursor}></actor-terminals>
      <run-output .model=${model} .speed=${this._speed} ?presenter=${this._presenter}></run-output>
    </section>`;
  }

  /** The lesson's named moments the run reached, each a button that moves every view there. */
  private renderMoments(pacer: CursorPacer) {
    const moments = this.model?.moments() ?? [];
    if (moments.length === 0) return nothing;
    return html`<div class="moments">
      <span id="moments-title">The run reached these moments:</span>
      <ul aria-labelledby="moments-title">
        ${moments.map(
          (moment) => html`<li><button type="button" class="link" @click=${() => pacer.hold(moment.seq)}>${moment.title}</button></li>`,
        )}
      </ul>
    </div>`;
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    dropZoneStyles,
    css`
      :host {
        display: block;
      }
      .page {
        max-width: var(--content-width);
        margin: 0 auto;
        padding: var(--space-5) var(--space-6) var(--space-7);
        display: flex;
        flex-direction: column;
        gap: var(--space-4);
      }
      h1 {
        margin: 0 0 var(--space-2);
      }
      .lead {
        margin: 0;
        color: var(--text-muted);
        max-width: 70ch;
      }
      .error,
      .let-go {
        display: flex;
        gap: var(--space-2);
        align-items: flex-start;
        margin: 0;
        padding: var(--space-3) var(--space-4);
        border-left: 5px solid var(--status-failed);
        border-radius: var(--radius-sm);
        background: var(--status-failed-soft);
        color: var(--text);
      }
      .let-go {
        border-left-color: var(--status-paused);
        background: var(--status-paused-soft);
      }
      .error svg,
      .let-go svg {
        flex: none;
        width: 1.2rem;
        height: 1.2rem;
      }
      .moments {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: var(--space-1) var(--space-3);
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .moments ul {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-1) var(--space-3);
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .moments li::before {
        content: '◆ ';
        color: var(--accent);
      }
      .moments .link {
        padding: 0;
        border: none;
        border-bottom: 2px dotted currentColor;
        background: none;
        color: var(--link);
        font: inherit;
        cursor: pointer;
      }
      .reading {
        margin: 0;
        color: var(--text-muted);
      }
      .run {
        display: flex;
        flex-direction: column;
        gap: var(--space-3);
        min-width: 0;
      }
      h2 {
        margin: 0;
      }
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-2) var(--space-5);
        margin: 0;
      }
      dt {
        font-size: var(--text-xs);
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--text-muted);
      }
      dd {
        margin: 0;
        font-weight: 600;
      }
      .tone-finished {
        color: var(--status-finished);
      }
      .tone-failed {
        color: var(--status-failed);
      }
      .params summary {
        cursor: pointer;
        font-weight: 700;
        margin-bottom: var(--space-2);
      }
      .params p {
        margin: 0;
        color: var(--text-muted);
      }
      code,
      pre {
        font-family: var(--font-mono);
        font-size: var(--text-sm);
      }
      .failure {
        border: 1px solid var(--status-failed);
        border-left-width: 5px;
        border-radius: var(--radius-sm);
        background: var(--status-failed-soft);
        padding: var(--space-3) var(--space-4);
      }
      .failure p {
        margin: var(--space-2) 0;
      }
      .failure pre {
        white-space: pre-wrap;
        word-break: break-word;
      }
    `,
  ];
}
