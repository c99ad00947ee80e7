import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CursorPacer } from './cursor-pacer.js';
import { eventSummary } from './event-summary.js';
import { ModelWatcher } from './model-watcher.js';
import { formatCount } from './number-format.js';
import type { RunModel } from './run-model.js';
import { runTheme } from './run-styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'run-timeline': RunTimelineElement;
  }
}

/**
 * The run's timeline under the run controls: a track from the first event
 * to the newest, with the cursor on it. Drag it to any event; with the
 * keyboard, ← and → step one event, PageUp and PageDown a tenth of the run,
 * Home and End go to the first and the newest event. The lesson's named
 * moments are marks on the track: clicking one moves the cursor there.
 * "Live" follows the newest event again. Every view of the cell shows the
 * moment at the cursor.
 *
 * Below the track it says where the cursor is, and while the replay of a
 * finished run is catching up, or events came too fast to draw, it says so.
 */
@customElement('run-timeline')
export class RunTimelineElement extends LitElement {
  /** The run whose cursor it moves. */
  @property({ attribute: false }) model?: RunModel;
  /** The pacer that moves the cursor while following the run. */
  @property({ attribute: false }) pacer?: CursorPacer;

  private dragging = false;
  private stopHearingPacer: (() => void) | undefined;

  constructor() {
    super();
    new ModelWatcher(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopHearingPacer?.();
    this.stopHearingPacer = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('pacer') || this.stopHearingPacer === undefined) {
      this.stopHearingPacer?.();
      this.stopHearingPacer = this.pacer?.subscribe(() => this.requestUpdate());
    }
  }

  /** The event number (1 the run's first) shown at the cursor; 0 before the first event. */
  private get position(): number {
    const model = this.model;
    if (model === undefined) return 0;
    return model.forgottenEvents + model.eventIndexAt(model.cursor) + 1;
  }

  private get total(): number {
    return this.model === undefined ? 0 : this.model.forgottenEvents + this.model.eventCount;
  }

  /** Where the cursor is, in words. */
  private describe(position: number): string {
    const model = this.model;
    if (model === undefined || position === 0) return `before the first event, of ${formatCount(this.total)}`;
    const event = model.eventAt(position - model.forgottenEvents - 1);
    const what = event === undefined ? '' : `: ${eventSummary(event, (actor) => model.laneOf(actor))}`;
    return `event ${formatCount(position)} of ${formatCount(this.total)}${what}`;
  }

  /** Moves the cursor to an event by its number (1 the run's first), and holds it there. */
  private goTo(position: number): void {
    const model = this.model;
    if (model === undefined || this.total === 0) return;
    const first = model.forgottenEvents + 1;
    const clamped = Math.max(first, Math.min(this.total, Math.round(position)));
    const event = model.eventAt(clamped - first);
    if (event === undefined) return;
    if (this.pacer === undefined) model.moveCursor(event.seq);
    else this.pacer.hold(event.seq);
  }

  private fractionOf(position: number): number {
    const first = (this.model?.forgottenEvents ?? 0) + 1;
    const span = this.total - first;
    return span <= 0 ? 1 : Math.max(0, Math.min(1, (position - first) / span));
  }

  private positionAt(clientX: number): number {
    const track = this.renderRoot.querySelector<HTMLElement>('.track');
    if (track === null) return this.position;
    const box = track.getBoundingClientRect();
    const fraction = box.width === 0 ? 1 : Math.max(0, Math.min(1, (clientX - box.left) / box.width));
    const first = (this.model?.forgottenEvents ?? 0) + 1;
    return first + fraction * (this.total - first);
  }

  private readonly handlePointerDown = (event: PointerEvent): void => {
    if (event.button !== 0) return;
    const slider = event.currentTarget as HTMLElement;
    slider.setPointerCapture(event.pointerId);
    slider.focus();
    this.dragging = true;
    this.goTo(this.positionAt(event.clientX));
    event.preventDefault();
  };

  private readonly handlePointerMove = (event: PointerEvent): void => {
    if (this.dragging) this.goTo(this.positionAt(event.clientX));
  };

  private readonly handlePointerUp = (event: PointerEvent): void => {
    this.dragging = false;
    (event.currentTarget as HTMLElement).releasePointerCapture(event.pointerId);
  };

  private readonly handleKeydown = (event: KeyboardEvent): void => {
    const total = this.total;
    if (total === 0) return;
    const page = Math.max(10, Math.round(total / 10));
    const position = this.position;
    const moves: Record<string, number> = {
      ArrowLeft: position - 1,
      ArrowDown: position - 1,
      ArrowRight: position + 1,
      ArrowUp: position + 1,
      PageDown: position - page,
      PageUp: position + page,
      Home: 1,
      End: total,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    this.goTo(target);
  };

  protected override render() {
    const model = this.model;
    const pacer = this.pacer;
    const total = this.total;
    const position = this.position;
    const first = (model?.forgottenEvents ?? 0) + 1;
    const where = this.describe(position);
    const moments = model?.moments() ?? [];
    const following = pacer?.following ?? true;
    return html`
      <div class="bar">
        <div class="scrub">
          <div
            class="track"
            role="slider"
            tabindex=${total === 0 ? -1 : 0}
            aria-label="Run timeline"
            aria-valuemin=${total === 0 ? 0 : first}
            aria-valuemax=${total}
            aria-valuenow=${position}
            aria-valuetext=${where}
            aria-disabled=${total === 0 ? 'true' : 'false'}
            @pointerdown=${this.handlePointerDown}
            @pointermove=${this.handlePointerMove}
            @pointerup=${this.handlePointerUp}
            @pointercancel=${this.handlePointerUp}
            @keydown=${this.handleKeydown}
          >
            <span class="rail"></span>
            <span class="played" style="width:${this.fractionOf(position) * 100}%"></span>
            <span class="thumb" style="left:${this.fractionOf(position) * 100}%"></span>
          </div>
          <div class="marks">
            ${moments.map((moment) => {
              const index = model === undefined ? -1 : model.eventIndexAt(moment.seq);
              if (index < 0) return nothing;
              return html`<button
                type="button"
                class="mark"
                style="left:${this.fractionOf(first + index) * 100}%"
                title=${moment.title}
                aria-label="Go to the moment: ${moment.title}"
                @click=${() => this.pacer?.hold(moment.seq)}
              ></button>`;
            })}
          </div>
        </div>
        <button
          type="button"
          class="live ${following ? 'on' : ''}"
          aria-pressed=${following ? 'true' : 'false'}
          title="Follow the newest event"
          ?disabled=${total === 0}
          @click=${() => this.pacer?.follow()}
        >
          <span class="dot" aria-hidden="true"></span>Live
        </button>
      </div>
      <p class="where" aria-hidden="true">${total === 0 ? 'No events yet.' : capitalise(where)}</p>
      ${this.renderPace(model, pacer)}
    `;
  }

  private renderPace(model: RunModel | undefined, pacer: CursorPacer | undefined) {
    if (model === undefined || pacer === undefined) return nothing;
    const catchingUp = model.ended && pacer.catchingUp;
    if (!catchingUp && pacer.skipped === 0) return nothing;
    return html`<p class="pace" role="status">
      ${catchingUp ? html`<span>The run has finished; the replay is catching up.</span>` : nothing}
      ${pacer.skipped > 0 ? html`<span>Skipped ${formatCount(pacer.skipped)} events to keep up.</span>` : nothing}
      ${catchingUp ? html`<button type="button" class="jump" @click=${() => pacer.follow()}>Jump to the end</button>` : nothing}
    </p>`;
  }

  static override styles = [
    runTheme,
    css`
      :host {
        display: block;
        font-size: 0.875rem;
      }
      .bar {
        display: flex;
        align-items: center;
        gap: 0.75rem;
      }
      .scrub {
        position: relative;
        flex: 1;
        min-width: 8rem;
        padding: 0 0.6rem;
      }
      .track {
        position: relative;
        height: 2rem;
        cursor: pointer;
        touch-action: none;
        border-radius: 6px;
      }
      .rail,
      .played {
        position: absolute;
        top: 50%;
        left: 0;
        height: 6px;
        margin-top: -3px;
        border-radius: 3px;
      }
      .rail {
        right: 0;
        background: var(--_sunken);
        border: 1px solid var(--_line);
      }
      .played {
        background: var(--_accent);
      }
      .thumb {
        position: absolute;
        top: 50%;
        width: 1.1rem;
        height: 1.1rem;
        margin: -0.55rem 0 0 -0.55rem;
        border-radius: 50%;
        background: var(--_bg);
        border: 3px solid var(--_accent);
        box-shadow: 0 1px 3px rgb(0 0 0 / 30%);
      }
      .marks {
        position: absolute;
        inset: 0 0.6rem;
        pointer-events: none;
      }
      .mark {
        position: absolute;
        top: 0;
        width: 0.9rem;
        height: 0.9rem;
        margin-left: -0.45rem;
        padding: 0;
        border: 2px solid var(--_bg);
        border-radius: 2px;
        transform: rotate(45deg);
        background: var(--_warn);
        cursor: pointer;
        pointer-events: auto;
      }
      .live {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        padding: 0.3rem 0.7rem;
        border: 1px solid var(--_line);
        border-radius: 999px;
        background: var(--_bg);
        color: var(--_fg);
        font: inherit;
        font-weight: 700;
        cursor: pointer;
      }
      .live .dot {
        width: 0.6rem;
        height: 0.6rem;
        border-radius: 50%;
        background: var(--_muted);
      }
      .live.on .dot {
        background: var(--_bad);
      }
      .live:disabled {
        cursor: default;
        opacity: 0.6;
      }
      .where,
      .pace {
        margin: 0.15rem 0 0;
        color: var(--_muted);
        font-variant-numeric: tabular-nums;
      }
      .pace {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
        color: var(--_fg);
      }
      .jump {
        padding: 0.15rem 0.6rem;
        border: 1px solid var(--_line);
        border-radius: 6px;
        background: var(--_bg);
        color: var(--_accent);
        font: inherit;
        font-weight: 700;
        cursor: pointer;
      }
    `,
  ];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
