import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from '../styles/controls.js';
import { icon } from './icons.js';
import { ConnectionStateEvent, ServerNoticeEvent, type WorkbookSocket } from './workbook-socket.js';

/** How long "Connected again" and server notices stay up. */
const SHOW_MS = 4000;
/** A first connection that takes longer than this gets a word; a quick one passes unseen. */
const SLOW_CONNECT_MS = 1500;

type Banner = { tone: 'warning' | 'ok' | 'info'; text: string } | undefined;

declare global {
  interface HTMLElementTagNameMap {
    'connection-banner': ConnectionBanner;
  }
}

/**
 * Says what the connection to the workbook server is doing when it matters:
 * "Reconnecting…" after it was lost, "Connected again" once it is back, and
 * what the server refused when it names no run.
 */
@customElement('connection-banner')
export class ConnectionBanner extends LitElement {
  /** The socket to watch. */
  @property({ attribute: false }) socket: WorkbookSocket | undefined;

  @state() private _banner: Banner;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _watched: WorkbookSocket | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.watch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unwatch();
  }

  protected override willUpdate(): void {
    if (this.socket !== this._watched) this.watch();
  }

  private watch(): void {
    this.unwatch();
    const socket = this.socket;
    if (socket === undefined || !this.isConnected) return;
    this._watched = socket;
    socket.addEventListener('connection-state', this.handleState);
    socket.addEventListener('server-notice', this.handleNotice);
    if (socket.state === 'connecting') {
      this.show({ tone: 'info', text: 'Connecting to the workbook server…' }, undefined, SLOW_CONNECT_MS);
    }
  }

  private unwatch(): void {
    this._watched?.removeEventListener('connection-state', this.handleState);
    this._watched?.removeEventListener('server-notice', this.handleNotice);
    this._watched = undefined;
    clearTimeout(this._timer);
  }

  private readonly handleState = (event: Event): void => {
    if (!(event instanceof ConnectionStateEvent)) return;
    const { state, reconnected } = event;
    if (state === 'reconnecting') {
      this.show({ tone: 'warning', text: 'Lost the connection to the workbook server. Reconnecting…' });
    } else if (state === 'connecting') {
      this.show({ tone: 'warning', text: 'Cannot reach the workbook server. Trying again…' });
    } else if (reconnected) {
      this.show({ tone: 'ok', text: 'Connected again. Runs that were going were stopped; run them again.' }, SHOW_MS);
    } else {
      this.show(undefined);
    }
  };

  private readonly handleNotice = (event: Event): void => {
    if (!(event instanceof ServerNoticeEvent)) return;
    this.show({ tone: 'info', text: `The server said: ${event.text}` }, SHOW_MS);
  };

  /** Shows a banner, optionally for a while only, optionally after a delay. */
  private show(banner: Banner, forMs?: number, afterMs?: number): void {
    clearTimeout(this._timer);
    if (afterMs !== undefined) {
      this._timer = setTimeout(() => this.show(banner, forMs), afterMs);
      return;
    }
    this._banner = banner;
    if (forMs !== undefined) {
      this._timer = setTimeout(() => {
        this._banner = undefined;
      }, forMs);
    }
  }

  protected override render() {
    const banner = this._banner;
    return html`<div class="live" role="status" aria-live="polite">
      ${
        banner === undefined
          ? nothing
          : html` <div class="banner ${banner.tone}">
              ${icon(banner.tone === 'ok' ? 'checkCircle' : banner.tone === 'warning' ? 'unplugged' : 'plug')}
              <span>${banner.text}</span>
            </div>`
      }
    </div>`;
  }

  static override styles = [
    baseStyles,
    css`
      /* Fixed at the foot of the window, so it shows wherever the learner has scrolled. */
      .live {
        position: fixed;
        left: 50%;
        bottom: var(--space-5);
        z-index: 20;
        transform: translateX(-50%);
        width: max-content;
        max-width: calc(100vw - 2rem);
      }
      .banner {
        display: flex;
        align-items: center;
        gap: var(--space-2);
        padding: var(--space-3) var(--space-4);
        font-size: var(--text-sm);
        font-weight: 600;
        border: 1px solid var(--tone);
        border-left-width: 5px;
        border-radius: var(--radius);
        color: var(--text);
        background: var(--surface-raised);
        box-shadow: 0 10px 30px rgb(0 0 0 / 0.18);
      }
      .banner svg {
        color: var(--tone);
      }
      .banner svg {
        width: 1.1rem;
        height: 1.1rem;
        flex: none;
      }
      .warning {
        --tone: var(--status-paused);
        --tone-soft: var(--status-paused-soft);
      }
      .ok {
        --tone: var(--status-finished);
        --tone-soft: var(--status-finished-soft);
      }
      .info {
        --tone: var(--status-running);
        --tone-soft: var(--status-running-soft);
      }
    `,
  ];
}
