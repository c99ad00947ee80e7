import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { ServerMessage } from '../../../server/protocol/messages.js';
import { highlight } from '../app/highlight.js';
import { icon } from '../app/icons.js';
import { settings } from '../app/settings.js';
import { workbookSocket, type WorkbookSocket } from '../app/workbook-socket.js';
import { CursorPacer } from '../run/cursor-pacer.js';
import { ModelWatcher } from '../run/model-watcher.js';
import { RunModel } from '../run/run-model.js';
import '../run/run-output.js';
import '../run/run-timeline.js';
import { baseStyles, buttonStyles, srOnlyStyles, tabStyles } from '../styles/controls.js';
import { codeStyles } from '../styles/code.js';
import './lab-files.js';
import { labSnippets } from './lab-snippets.js';
import './lab-builder.js';

declare global {
  interface HTMLElementTagNameMap {
    'lab-page': LabPageElement;
  }
}

/** The id the page watches the lab under on its socket. */
const LAB_RUN_ID = 'lab';

/** Events the page's timeline keeps: the lab runs for as long as the workbook does. */
const LAB_TIMELINE_EVENTS = 20_000;

/** What the server said about the lab. */
type LabInfo = Extract<ServerMessage, { type: 'lab' }>;

/**
 * The Lab page: the address programs of your own connect to, programs to
 * paste for the common clients, and everything those programs do, live, in
 * the views a lesson's run has (picture, sequence, broker panel, timeline).
 */
@customElement('lab-page')
export class LabPageElement extends LitElement {
  /** The socket the lab is watched over; the page's own unless a test gives another. */
  @property({ attribute: false }) socket: WorkbookSocket = workbookSocket();
  /** A small lab the page's link carries, to build on the broker when the person asks. */
  @property({ attribute: false }) topology: string | undefined;

  @state() private _lab: LabInfo | undefined;
  @state() private _tab = 0;
  @state() private _copied: string | undefined;
  @state() private _speed = settings().value.speed;
  @state() private _presenter = settings().value.presenter;

  /** Everything the lab has seen, as the views show it. */
  readonly model = new RunModel({ runId: LAB_RUN_ID, maxEvents: LAB_TIMELINE_EVENTS });
  readonly pacer = new CursorPacer(this.model);
  private _stopListening: (() => void) | undefined;
  private _copiedTimer = 0;

  constructor() {
    super();
    new ModelWatcher(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = 'Lab · Warren';
    this.socket.addEventListener('connection-state', this.handleConnection);
    settings().addEventListener('change', this.handleSettings);
    this.watch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.socket.removeEventListener('connection-state', this.handleConnection);
    settings().removeEventListener('change', this.handleSettings);
    this.socket.send({ type: 'unwatch-lab', runId: LAB_RUN_ID });
    this._stopListening?.();
    this._stopListening = undefined;
    window.clearTimeout(this._copiedTimer);
  }

  /** Asks the server for the lab's trace, from the start of what it kept; the views start afresh. */
  private watch(): void {
    if (this.socket.state !== 'open') return;
    this._stopListening?.();
    this.model.reset();
    this.pacer.restart();
    this._stopListening = this.socket.listen(LAB_RUN_ID, {
      message: (message) => this.handleMessage(message),
      // The server forgets what a socket watched when it closes: watch again once it reconnects.
      interrupted: () => {
        this._stopListening = undefined;
      },
    });
    this.socket.send({ type: 'watch-lab', runId: LAB_RUN_ID });
  }

  private handleMessage(message: ServerMessage): void {
    if (message.type === 'lab') {
      this._lab = message;
      // The lab never ends: its views follow the newest event, as a running cell's do.
      if (message.available) this.model.apply({ type: 'status', runId: LAB_RUN_ID, status: 'running' });
      return;
    }
    this.model.apply(message);
  }

  private readonly handleConnection = (): void => {
    if (this.socket.state === 'open') this.watch();
    else this.requestUpdate();
  };

  private readonly handleSettings = (): void => {
    this._speed = settings().value.speed;
    this._presenter = settings().value.presenter;
    this.pacer.speed = this._speed;
  };

  private async copy(what: string, text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this._copied = what;
    } catch {
      this._copied = undefined;
      return;
    }
    window.clearTimeout(this._copiedTimer);
    this._copiedTimer = window.setTimeout(() => {
      this._copied = undefined;
    }, 2000);
  }

  /** Connections open at the newest event: who is connected now. */
  private openConnections(): string[] {
    const names = new Set<string>();
    for (const connection of this.model.state.connections.values()) {
      if (connection.state === 'open' || connection.state === 'opening') names.add(connection.actor);
    }
    return [...names];
  }

  protected override render() {
    const lab = this._lab;
    return html`
      <header class="intro">
        <h1>Lab</h1>
        <p class="lead">
          Point a program of your own at the address below, in any language with an AMQP 0-9-1 client, and watch what it does: every
          connection, declare, publish, delivery and acknowledgement, as the lessons show their programs.
        </p>
      </header>
      ${
        this.socket.state !== 'open' && lab === undefined
          ? html`<p class="notice" role="status">${icon('unplugged')}<span>Waiting for the connection to the workbook server.</span></p>`
          : nothing
      }
      ${lab === undefined ? nothing : lab.available ? this.renderLab(lab) : html`<p class="notice" role="alert">${icon('warning')}<span>There is no lab here: ${lab.reason}.</span></p>`}
    `;
  }

  private renderLab(lab: Extract<LabInfo, { available: true }>) {
    const snippets = labSnippets(lab.url);
    const shown = snippets[this._tab] ?? snippets[0];
    const open = this.openConnections();
    return html`
      <section class="address" aria-labelledby="address-title">
        <h2 id="address-title">Connect here</h2>
        <div class="url-row">
          <code class="url" data-testid="lab-url">${lab.url}</code>
          <button type="button" class="button" @click=${() => void this.copy('address', lab.url)}>
            ${icon(this._copied === 'address' ? 'check' : 'copy')}${this._copied === 'address' ? 'Copied' : 'Copy the address'}
          </button>
        </div>
        <p class="where">
          ${
            lab.broker === 'embedded'
              ? html`This is the workbook's embedded broker, vhost <code>${lab.vhost}</code>, user <code>guest</code> with password
                  <code>guest</code>.`
              : html`This port forwards to the RabbitMQ the workbook uses (AMQP_URL), vhost <code>${lab.vhost}</code>; programs that connect
                  to RabbitMQ directly are not seen here.`
          }
          Give your connection a name (the <code>connection_name</code> client property) and the picture shows it by that name; otherwise it
          shows the client library and the address it connects from.
        </p>
      </section>
      <lab-files .lab=${lab} .model=${this.model} .topology=${this.topology}></lab-files>
      <section class="snippets" aria-labelledby="snippets-title">
        <h2 id="snippets-title">A program to start with</h2>
        <div class="tabs" role="tablist" aria-label="Client">
          ${snippets.map(
            (snippet, index) =>
              html`<button
                type="button"
                role="tab"
                class="tab"
                aria-selected=${index === this._tab ? 'true' : 'false'}
                @click=${() => {
                  this._tab = index;
                }}
              >
                ${snippet.client}
              </button>`,
          )}
        </div>
        ${
          shown === undefined
            ? nothing
            : html`<div role="tabpanel" aria-label=${shown.client}>
                <p class="install">Install: ${shown.install}</p>
                <div class="code-box">
                  <pre><code class="hljs">${unsafeHTML(highlight(shown.code, shown.language))}</code></pre>
                  <button type="button" class="button copy" @click=${() => void this.copy(shown.client, shown.code)}>
                    ${icon(this._copied === shown.client ? 'check' : 'copy')}${this._copied === shown.client ? 'Copied' : 'Copy'}
                  </button>
                </div>
              </div>`
        }
        <span class="visually-hidden" aria-live="polite">${this._copied === undefined ? '' : `${this._copied} copied`}</span>
      </section>
      <lab-builder .model=${this.model}></lab-builder>
      <section class="live" aria-labelledby="live-title">
        <h2 id="live-title">What your programs do</h2>
        <p class="connected" role="status" data-testid="lab-connected">
          ${
            open.length === 0
              ? this.model.lastSeq === 0 || this.model.actors().length === 0
                ? 'No program has connected yet: run one, and it appears here.'
                : 'No program is connected now; what they did is below.'
              : html`Connected now: ${open.join(', ')}`
          }
        </p>
        <run-timeline .model=${this.model} .pacer=${this.pacer}></run-timeline>
        <run-output .model=${this.model} .speed=${this._speed} ?presenter=${this._presenter}></run-output>
      </section>
    `;
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    srOnlyStyles,
    tabStyles,
    codeStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--space-5);
        max-width: 72rem;
        margin: 0 auto;
        padding: var(--space-5);
      }
      h1 {
        margin: 0 0 var(--space-2);
      }
      h2 {
        margin: 0 0 var(--space-3);
        font-size: var(--text-lg);
      }
      .lead {
        margin: 0;
        color: var(--text-muted);
        max-width: 60rem;
      }
      .url-row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-3);
      }
      .url {
        font-size: var(--text-lg);
        padding: var(--space-2) var(--space-3);
        border: 1px solid var(--border);
        border-radius: var(--radius-sm);
        background: var(--surface-sunken);
        user-select: all;
      }
      .where,
      .install,
      .connected {
        color: var(--text-muted);
        max-width: 60rem;
      }
      .code-box {
        position: relative;
      }
      .code-box pre {
        margin: 0;
        overflow-x: auto;
      }
      .code-box .copy {
        position: absolute;
        top: var(--space-2);
        right: var(--space-2);
      }
      .notice {
        display: flex;
        align-items: center;
        gap: var(--space-2);
      }
      .live {
        display: flex;
        flex-direction: column;
        gap: var(--space-3);
      }
    `,
  ];
}
