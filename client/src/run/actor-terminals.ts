import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ActorOutput, TerminalView } from './actor-output.js';
import { BusyThrottle } from './busy-throttle.js';
import { formatCount } from './number-format.js';
import { runTheme } from './run-styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'actor-terminals': ActorTerminalsElement;
  }
}

/** How close to its bottom a pane counts as following the newest line, in pixels. */
const FOLLOW_SLACK = 4;

/**
 * Each program's output as a terminal window of its own, titled with the
 * actor's name ("worker 1"), side by side where the width allows, as the
 * tutorials show their terminals. A pane holds every line its actor printed
 * up to the `cursor` (each pane keeps a generous number of the newest lines
 * and says how many earlier ones it let go); it scrolls, and follows the
 * newest line unless the learner scrolled it up.
 *
 * Stable hooks: each pane is `[data-actor]`, its lines are in `.screen`.
 */
@customElement('actor-terminals')
export class ActorTerminalsElement extends LitElement {
  /** The lines the run's actors printed. */
  @property({ attribute: false }) output?: ActorOutput;
  /** The seq of the trace event up to which output is shown; undefined shows everything (live). */
  @property({ attribute: false }) cursor?: number;

  /** Actors whose pane the learner scrolled up: those stay where they are. */
  @state() private _scrolledUp: ReadonlySet<string> = new Set();

  /** Where each screen last scrolled itself to following the newest line: that scrolling is not the learner's. */
  private readonly ownScrollTops = new WeakMap<HTMLElement, number>();
  private unsubscribe: (() => void) | undefined;
  private watched: ActorOutput | undefined;
  private readonly throttle = new BusyThrottle(
    () => this.requestUpdate(),
    () => this.output?.lastSeq ?? 0,
  );

  override connectedCallback(): void {
    super.connectedCallback();
    this.watch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.watched = undefined;
    this.throttle.cancel();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('output') && this.watched !== this.output) {
      this.watch();
      this._scrolledUp = new Set();
    }
  }

  protected override updated(): void {
    for (const screen of this.renderRoot.querySelectorAll<HTMLElement>('.screen')) {
      if (this._scrolledUp.has(screen.dataset.screenOf ?? '')) continue;
      screen.scrollTop = screen.scrollHeight;
      this.ownScrollTops.set(screen, screen.scrollTop);
    }
  }

  private watch(): void {
    this.unsubscribe?.();
    this.watched = this.output;
    this.unsubscribe = this.isConnected ? this.output?.subscribe(() => this.throttle.changed()) : undefined;
  }

  protected override render() {
    const terminals = this.output?.upTo(this.cursor) ?? [];
    if (terminals.length === 0) return html`<p class="none">No program has printed anything yet.</p>`;
    return html`<div class="panes">${terminals.map((terminal) => this.renderPane(terminal))}</div>`;
  }

  private renderPane(terminal: TerminalView) {
    const { actor, lines } = terminal;
    // A named group, not a landmark: a page of several run cells would repeat the same landmarks.
    return html`<div class="pane" role="group" data-actor=${actor} aria-label=${`Terminal of ${actor}`}>
      <div class="title-bar">
        <span class="lights" aria-hidden="true"><i></i><i></i><i></i></span>
        <span class="title">${actor}</span>
      </div>
      ${this.renderLetGo(terminal)}
      <pre class="screen" data-screen-of=${actor} tabindex="0" @scroll=${(event: Event) => this.handleScroll(actor, event)}>
${lines.length === 0 ? html`<span class="quiet">(nothing printed yet)</span>` : lines.map((line) => line.text).join('\n')}</pre>
      ${
        this._scrolledUp.has(actor)
          ? html`<button type="button" class="newest" @click=${() => this.handleFollow(actor)}>↓ Newest line</button>`
          : nothing
      }
    </div>`;
  }

  private renderLetGo(terminal: TerminalView) {
    if (terminal.momentLetGo) {
      return html`<p class="let-go">Lines up to this moment were let go to keep memory bounded; this pane keeps the newest lines only.</p>`;
    }
    if (terminal.letGo === 0) return nothing;
    const lines = terminal.letGo === 1 ? 'line' : 'lines';
    return html`<p class="let-go">${formatCount(terminal.letGo)} earlier ${lines} let go to keep memory bounded</p>`;
  }

  private handleScroll(actor: string, event: Event): void {
    const screen = event.currentTarget as HTMLElement;
    // Lines that came after the screen scrolled itself make it look scrolled up; only a move of the learner's counts.
    if (Math.abs(screen.scrollTop - (this.ownScrollTops.get(screen) ?? -1)) < 2) return;
    this.ownScrollTops.delete(screen);
    const atBottom = screen.scrollTop + screen.clientHeight >= screen.scrollHeight - FOLLOW_SLACK;
    if (atBottom === !this._scrolledUp.has(actor)) return;
    const scrolledUp = new Set(this._scrolledUp);
    if (atBottom) scrolledUp.delete(actor);
    else scrolledUp.add(actor);
    this._scrolledUp = scrolledUp;
  }

  private handleFollow(actor: string): void {
    const scrolledUp = new Set(this._scrolledUp);
    scrolledUp.delete(actor);
    this._scrolledUp = scrolledUp;
  }

  static override styles = [
    runTheme,
    css`
      :host {
        display: block;
        min-width: 0;
        --_term-bg: #1d2026;
        --_term-fg: #e6e8ec;
        --_term-muted: #b4bac6;
        --_term-bar: #2e333c;
        --_term-height: 16rem;
      }
      :host-context(html[data-presenter]) {
        font-size: 1.2rem;
        --_term-height: 20rem;
      }
      .panes {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr));
        gap: 0.75rem;
      }
      .pane {
        position: relative;
        display: flex;
        flex-direction: column;
        min-width: 0;
        border-radius: 8px;
        overflow: hidden;
        background: var(--_term-bg);
        color: var(--_term-fg);
        border: 1px solid var(--_line);
      }
      .title-bar {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.3rem 0.6rem;
        background: var(--_term-bar);
      }
      .lights {
        display: inline-flex;
        gap: 0.3rem;
      }
      .lights i {
        width: 0.65rem;
        height: 0.65rem;
        border-radius: 50%;
        background: #ff5f57;
      }
      .lights i:nth-child(2) {
        background: #febc2e;
      }
      .lights i:nth-child(3) {
        background: #28c840;
      }
      .title {
        flex: 1;
        margin: 0;
        text-align: center;
        font-size: 0.85em;
        font-weight: 600;
        /* Centred over the window, as a terminal's title is, not over the space beside the lights. */
        margin-right: 2.5rem;
      }
      .let-go {
        margin: 0;
        padding: 0.25rem 0.75rem;
        font-size: 0.8em;
        font-style: italic;
        color: var(--_term-muted);
        border-bottom: 1px dashed #4a505c;
      }
      .screen {
        margin: 0;
        padding: 0.5rem 0.75rem;
        flex: 1;
        min-height: 5.5rem;
        max-height: var(--_term-height);
        overflow: auto;
        overscroll-behavior: contain;
        font-family: var(--_mono);
        font-size: 0.85em;
        line-height: 1.4;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .quiet {
        color: var(--_term-muted);
        font-style: italic;
      }
      .newest {
        position: absolute;
        right: 0.75rem;
        bottom: 0.5rem;
        font: inherit;
        font-size: 0.8em;
        padding: 0.15rem 0.6rem;
        border-radius: 999px;
        border: 1px solid var(--_term-muted);
        background: var(--_term-bar);
        color: var(--_term-fg);
        cursor: pointer;
      }
      .none {
        margin: 0;
        color: var(--_muted);
        font-size: 0.9rem;
      }
    `,
  ];
}
