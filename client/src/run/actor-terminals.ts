import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { offeredActions, requestActorAction, type RunActions } from './actor-actions.js';
import type { ActorOutput, OutputLine, TerminalView } from './actor-output.js';
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
 * Lines the program wrote to its standard error are marked "stderr"; what
 * happened to its process (killed, stopped with Ctrl-C, ended) is written
 * apart from what it printed, between dashes, at its place among the lines.
 * While the run goes (`actions` set), each pane's title bar has buttons to
 * kill its program (SIGKILL), stop it (Ctrl-C), and start another copy of
 * it, or send once more, where the actor offers that; an ended program
 * offers only the last.
 *
 * Stable hooks: each pane is `[data-actor]`, its lines are in `.screen`.
 *
 * @fires actor-action - when one of a pane's action buttons is pressed.
 */
@customElement('actor-terminals')
export class ActorTerminalsElement extends LitElement {
  /** The lines the run's actors printed. */
  @property({ attribute: false }) output?: ActorOutput;
  /** The seq of the trace event up to which output is shown; undefined shows everything (live). */
  @property({ attribute: false }) cursor?: number;
  /** The actions offered on the programs, while the run goes; unset, no buttons. */
  @property({ attribute: false }) actions?: RunActions;

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
      ${this.renderActions(actor)} ${this.renderLetGo(terminal)}
      <pre class="screen" data-screen-of=${actor} tabindex="0" @scroll=${(event: Event) => this.handleScroll(actor, event)}>
${lines.length === 0 ? html`<span class="quiet">(nothing printed yet)</span>` : renderLines(lines)}</pre>
      ${
        this._scrolledUp.has(actor)
          ? html`<button type="button" class="newest" @click=${() => this.handleFollow(actor)}>↓ Newest line</button>`
          : nothing
      }
    </div>`;
  }

  private renderActions(actor: string) {
    const actions = this.actions;
    if (actions === undefined) return nothing;
    const offered = offeredActions(actor, actions, this.output?.isRunning(actor) ?? false);
    if (offered.length === 0) return nothing;
    return html`<div class="actions" role="group" aria-label=${`Actions on ${actor}`}>
      ${offered.map(
        (choice) =>
          html`<button
            type="button"
            aria-label=${choice.name}
            title=${choice.hint}
            @click=${() => requestActorAction(this, actor, choice.action)}
          >
            ${choice.label}
          </button>`,
      )}
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
      .process {
        color: #f5c26b;
        font-style: italic;
      }
      .stderr {
        color: #ff9b94;
      }
      .stream {
        padding: 0 0.3em;
        border: 1px solid currentColor;
        border-radius: 3px;
        font-size: 0.85em;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        padding: 0.35rem 0.6rem;
        background: var(--_term-bar);
        border-top: 1px solid #4a505c;
      }
      .actions button {
        min-height: 2rem;
        padding: 0.2rem 0.7rem;
        border-radius: 6px;
        border: 1px solid var(--_term-muted);
        background: var(--_term-bg);
        color: var(--_term-fg);
        font: inherit;
        font-size: 0.85em;
        font-weight: 600;
        cursor: pointer;
      }
      .actions button:hover {
        border-color: var(--_term-fg);
      }
      .actions button:focus-visible {
        outline: 3px solid #8ab4ff;
        outline-offset: 2px;
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

/**
 * A terminal's lines: what the program printed as plain text (runs of it as one piece, so a long output stays quick
 * to draw), a stderr line marked, a process note apart from both; a line break between each.
 */
function renderLines(lines: readonly OutputLine[]) {
  const parts: unknown[] = [];
  let printed: string[] = [];
  const flush = (): void => {
    if (printed.length > 0) parts.push(printed.join('\n'));
    printed = [];
  };
  lines.forEach((line, index) => {
    const end = index === lines.length - 1 ? '' : '\n';
    if (line.source === 'stdout') {
      printed.push(line.text);
      return;
    }
    // The printed run before it ends with its line break.
    if (printed.length > 0) printed.push('');
    flush();
    parts.push(
      line.source === 'process'
        ? html`<span class="process">— ${line.text} —</span>${end}`
        : html`<span class="stderr"><span class="stream">stderr</span> ${line.text}</span>${end}`,
    );
  });
  flush();
  return parts;
}
