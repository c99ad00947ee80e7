import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ServerMessage } from '../../../server/protocol/messages.js';
import { FileDrop } from '../app/file-drop.js';
import { icon } from '../app/icons.js';
import { ModelWatcher } from '../run/model-watcher.js';
import type { RunModel } from '../run/run-model.js';
import { baseStyles, buttonStyles, dropZoneStyles } from '../styles/controls.js';
import { downloadJsonFile, downloadTraceFile } from '../trace/download-trace-file.js';
import { countOf, importHeadline, itemName, type ImportReport } from './import-report-text.js';
import { MOST_LINK_CHARACTERS, decodeTopology, encodeTopology, type LinkedTopology } from './lab-address.js';

declare global {
  interface HTMLElementTagNameMap {
    'lab-files': LabFilesElement;
  }
}

/** Where the lab's topology is saved and loaded, as RabbitMQ definitions. */
const DEFINITIONS_API = '/api/lab/definitions';

/** The lab as the server describes it. */
type LabInfo = Extract<ServerMessage, { type: 'lab'; available: true }>;

/** Where loading a definitions file stands. */
type Loading =
  | { kind: 'none' }
  | { kind: 'sending'; name: string }
  | { kind: 'report'; name: string; report: ImportReport }
  /** A whole-broker file with items of several vhosts: the person picks one, and the file is sent again. */
  | { kind: 'choose'; name: string; text: string; message: string; vhosts: string[] }
  | { kind: 'refused'; name: string; message: string; errors: string[] };

/**
 * The lab's files: its topology saved as a RabbitMQ definitions file (as
 * `rabbitmqctl export_definitions` writes one, for a vhost) and loaded from
 * one, with a report of what went in and what did not; and what the lab has
 * seen saved as a trace file, which /trace opens as it opens a lesson's run.
 */
@customElement('lab-files')
export class LabFilesElement extends LitElement {
  /** The lab's address, vhost and broker. */
  @property({ attribute: false }) lab: LabInfo | undefined;
  /** What the lab page has seen, saved by "Save trace". */
  @property({ attribute: false }) model: RunModel | undefined;
  /** A small lab the page's link carries (the `topology` of /lab?topology=…), offered to be built. */
  @property({ attribute: false }) topology: string | undefined;

  /** What the link carries, once read. */
  @state() private _linked: { ok: true; topology: LinkedTopology } | { ok: false; error: string } | undefined;
  /** The link "Share as a link" made, or why it could not. */
  @state() private _shared: { ok: true; url: string; copied: boolean } | { ok: false; error: string } | undefined;

  @state() private _loading: Loading = { kind: 'none' };
  @state() private _saved = '';
  /** The definitions file chosen or dropped on the drop zone. */
  private readonly files = new FileDrop(this, (file) => void this.loadFile(file));

  constructor() {
    super();
    new ModelWatcher(this);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (!changed.has('topology')) return;
    this._linked = undefined;
    const text = this.topology;
    if (text !== undefined) void decodeTopology(text).then((read) => (this._linked = this.topology === text ? read : this._linked));
  }

  /** Makes a link that carries the lab's topology, copies it, and shows it; a lab too large for a link is told so. */
  async shareLink(): Promise<void> {
    this._shared = undefined;
    try {
      const response = await fetch(DEFINITIONS_API, { headers: { accept: 'application/json' } });
      const text = await response.text();
      if (!response.ok) {
        this._shared = { ok: false, error: `the topology could not be read: ${errorOf(text, response)}` };
        return;
      }
      const encoded = await encodeTopology(JSON.parse(text) as LinkedTopology);
      if (encoded.length > MOST_LINK_CHARACTERS) {
        this._shared = {
          ok: false,
          error: `this lab is too large for a link (${encoded.length.toLocaleString('en')} characters; at most ${MOST_LINK_CHARACTERS.toLocaleString('en')}): save the topology as a file instead`,
        };
        return;
      }
      const url = `${location.origin}/lab?topology=${encoded}`;
      const copied = await navigator.clipboard.writeText(url).then(
        () => true,
        () => false,
      );
      this._shared = { ok: true, url, copied };
    } catch (error) {
      this._shared = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Downloads the lab vhost's exchanges, queues and bindings; says what the file holds, or why it could not be had. */
  async saveTopology(): Promise<void> {
    this._saved = 'Saving the topology…';
    try {
      const response = await fetch(DEFINITIONS_API, { headers: { accept: 'application/json' } });
      const text = await response.text();
      if (!response.ok) {
        this._saved = `The topology could not be saved: ${errorOf(text, response)}.`;
        return;
      }
      const file = JSON.parse(text) as { exchanges?: unknown[]; queues?: unknown[]; bindings?: unknown[] };
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'warren-lab-definitions.json';
      downloadJsonFile(name, text);
      this._saved = `Saved ${name}: ${[
        countOf(file.exchanges?.length ?? 0, 'exchange'),
        countOf(file.queues?.length ?? 0, 'queue'),
        countOf(file.bindings?.length ?? 0, 'binding'),
      ].join(', ')}.`;
    } catch (error) {
      this._saved = `The topology could not be saved: ${error instanceof Error ? error.message : String(error)}.`;
    }
  }

  /** Downloads everything the page holds of the lab as a trace file, which /trace opens. */
  saveTrace(): void {
    const { lab, model } = this;
    if (lab === undefined || model === undefined || model.eventCount === 0) return;
    const saved = downloadTraceFile(model, {
      lesson: 'lab',
      cell: 'lab',
      title: `Lab: ${lab.vhost} on ${lab.broker === 'embedded' ? 'the embedded broker' : 'RabbitMQ'}`,
      broker: { kind: lab.broker },
      params: { vhost: lab.vhost, address: lab.url },
      status: 'running',
    });
    const letGo =
      saved.letGo === undefined
        ? ''
        : ` The page had let go of the lab's oldest ${saved.letGo.toLocaleString('en')} events to keep its memory bounded: the file says so, and keeps their counts.`;
    this._saved = `Saved ${saved.name} (${saved.events.toLocaleString('en')} events): open it on the Saved trace page.${letGo}`;
  }

  /** Sends a definitions file to be imported, from the file's vhost `vhost` when the file holds several. */
  async load(name: string, text: string, vhost?: string): Promise<void> {
    this._loading = { kind: 'sending', name };
    const query = vhost === undefined ? '' : `?vhost=${encodeURIComponent(vhost)}`;
    let response: Response;
    let answer: unknown;
    try {
      response = await fetch(`${DEFINITIONS_API}${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
      answer = await response.json().catch(() => undefined);
    } catch (error) {
      const message = `the workbook server could not be reached (${error instanceof Error ? error.message : String(error)})`;
      this._loading = { kind: 'refused', name, message, errors: [] };
      return;
    }
    if (response.ok) {
      this._loading = { kind: 'report', name, report: answer as ImportReport };
      return;
    }
    const refusal = (answer ?? {}) as { error?: unknown; errors?: unknown; vhosts?: unknown };
    const message = typeof refusal.error === 'string' ? refusal.error : `the server answered ${response.status} ${response.statusText}`;
    if (Array.isArray(refusal.vhosts) && refusal.vhosts.length > 0) {
      this._loading = { kind: 'choose', name, text, message, vhosts: refusal.vhosts.map(String) };
      return;
    }
    const errors = Array.isArray(refusal.errors) ? refusal.errors.map(String).filter((line) => line !== message) : [];
    this._loading = { kind: 'refused', name, message, errors };
  }

  private async loadFile(file: File): Promise<void> {
    await this.load(file.name, await file.text());
  }

  protected override render() {
    const empty = (this.model?.eventCount ?? 0) === 0;
    return html`<section aria-labelledby="files-title">
      <h2 id="files-title">Save and load</h2>
      <p class="lead">
        Keep the lab's exchanges, queues and bindings as a RabbitMQ definitions file, or start from one (a file from
        <code>rabbitmqctl export_definitions</code> or the management UI's <em>Export definitions</em>).
      </p>
      <div class="actions">
        <button type="button" class="button" @click=${() => void this.saveTopology()}>${icon('download')}Save the topology</button>
        <button type="button" class="button" @click=${() => void this.shareLink()}>${icon('copy')}Share as a link</button>
        <button
          type="button"
          class="button"
          title="Save trace: download what the lab has seen as a file to open again on the Saved trace page"
          ?disabled=${empty}
          @click=${() => this.saveTrace()}
        >
          ${icon('download')}Save trace
        </button>
      </div>
      <p class="saved" role="status">${this._saved}</p>
      ${this.renderShared()} ${this.renderLinked()}
      <div
        class="drop ${this.files.dragging ? 'over' : ''}"
        @dragover=${this.files.dragOver}
        @dragleave=${this.files.dragLeave}
        @drop=${this.files.drop}
      >
        ${icon('folder')}
        <label for="definitions-file">Load a topology: definitions file (.json)</label>
        <input id="definitions-file" type="file" accept=".json,application/json" @change=${this.files.chosen} />
        <span class="hint">or drop it here</span>
      </div>
      ${this.renderLoading()}
    </section>`;
  }

  private renderShared() {
    const shared = this._shared;
    if (shared === undefined) return nothing;
    if (!shared.ok) return html`<p class="report refused" role="alert">${icon('warning')}<span>No link: ${shared.error}.</span></p>`;
    return html`<div class="report" role="status">
      <p>
        ${shared.copied ? 'Copied a link' : 'A link'} that builds this lab's exchanges, queues and bindings on the workbook that opens it
        (the messages stay here):
      </p>
      <input
        class="link"
        type="text"
        readonly
        aria-label="Link to this lab"
        .value=${shared.url}
        @focus=${(event: Event) => (event.target as HTMLInputElement).select()}
      />
    </div>`;
  }

  /** What the page's link carries, offered to be built: building changes the broker, so it waits for a click. */
  private renderLinked() {
    const linked = this._linked;
    if (linked === undefined) return nothing;
    if (!linked.ok)
      return html`<p class="report refused" role="alert">
        ${icon('warning')}<span>This link's lab cannot be read: ${linked.error}.</span>
      </p>`;
    const { exchanges, queues, bindings } = linked.topology;
    return html`<div class="report linked" role="group" aria-labelledby="linked-title">
      <p id="linked-title">
        This link carries a lab:
        ${[countOf(exchanges.length, 'exchange'), countOf(queues.length, 'queue'), countOf(bindings.length, 'binding')].join(', ')}.
      </p>
      <button type="button" class="button primary" @click=${() => void this.load('The link', JSON.stringify(linked.topology))}>
        Build it on the broker
      </button>
    </div>`;
  }

  private renderLoading() {
    const loading = this._loading;
    switch (loading.kind) {
      case 'none':
        return nothing;
      case 'sending':
        return html`<p class="report" role="status">Importing ${loading.name}…</p>`;
      case 'refused':
        return html`<div class="report refused" role="alert" data-testid="import-report">
          <p>${icon('warning')}<span>${loading.name} was not imported: ${loading.message}.</span></p>
          ${
            loading.errors.length === 0
              ? nothing
              : html`<ul>
                  ${loading.errors.map((line) => html`<li>${line}</li>`)}
                </ul>`
          }
        </div>`;
      case 'choose':
        return html`<div class="report" role="group" aria-labelledby="choose-title" data-testid="import-report">
          <p id="choose-title">${loading.name} holds the topology of several vhosts: choose the one to import.</p>
          <div class="actions">
            ${loading.vhosts.map(
              (vhost) =>
                html`<button type="button" class="button" @click=${() => void this.load(loading.name, loading.text, vhost)}>
                  Import vhost ${vhost}
                </button>`,
            )}
          </div>
        </div>`;
      case 'report':
        return this.renderReport(loading.name, loading.report);
    }
  }

  private renderReport(name: string, report: ImportReport) {
    return html`<div class="report" role="status" data-testid="import-report">
      <p class=${report.failed.length === 0 ? 'done' : ''}>
        ${icon(report.failed.length === 0 ? 'check' : 'warning')}<span>${name}: ${importHeadline(report)}</span>
      </p>
      ${
        report.failed.length === 0
          ? nothing
          : html`<p>Not imported, the broker refused:</p>
              <ul class="failed">
                ${report.failed.map((item) => html`<li><strong>${itemName(item)}</strong>: ${item.error}</li>`)}
              </ul>`
      }
      ${
        report.skipped.length === 0
          ? nothing
          : html`<p>Left out, from other vhosts of the file:</p>
              <ul>
                ${report.skipped.map((item) => html`<li>${itemName(item)} (vhost ${item.vhost})</li>`)}
              </ul>`
      }
      ${
        report.notImported.length === 0
          ? nothing
          : html`<p>Not imported, as the lab holds a vhost's topology only:</p>
              <ul>
                ${report.notImported.map((group) => html`<li><strong>${group.group}</strong> (${group.count}): ${group.reason}</li>`)}
              </ul>`
      }
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
      h2 {
        margin: 0 0 var(--space-3);
        font-size: var(--text-lg);
      }
      .lead {
        margin: 0 0 var(--space-3);
        color: var(--text-muted);
        max-width: 60rem;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-3);
      }
      .saved {
        min-height: 1.5em;
        color: var(--text-muted);
      }
      .link {
        width: 100%;
        font: inherit;
        font-family: var(--font-mono, monospace);
        font-size: var(--text-sm);
        padding: var(--space-2);
        border: 1px solid var(--border);
        border-radius: var(--radius-sm);
        background: var(--surface-sunken);
        color: var(--text);
      }
      .report {
        margin-top: var(--space-3);
      }
      .report p {
        display: flex;
        align-items: center;
        gap: var(--space-2);
        margin: var(--space-2) 0;
      }
      .report ul {
        margin: 0;
        padding-left: var(--space-5);
      }
      .report li {
        overflow-wrap: anywhere;
      }
    `,
  ];
}

/** What an error answer says, or its status. */
function errorOf(text: string, response: Response): string {
  try {
    const { error } = JSON.parse(text) as { error?: unknown };
    if (typeof error === 'string') return error;
  } catch {
    // Not JSON: the status says it.
  }
  return `the server answered ${response.status} ${response.statusText}`;
}
