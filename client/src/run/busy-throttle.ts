/**
 * Calls for a redraw on every change while a run is calm, and at most a few
 * times a second while it floods: nobody reads thousands of rows a second,
 * and redrawing text that fast costs the page its frame rate.
 */

/** Above this many events since the last redraw, the run counts as flooding. */
const FLOOD_EVENTS = 40;
/** Redraws per second while flooding. */
const FLOOD_REDRAWS_PER_SECOND = 8;

/** Decides when a view redraws for model changes. */
export class BusyThrottle {
  private lastRedraw = 0;
  private seqAtRedraw = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `redraw` asks the view to render; `newestSeq` tells the seq of the model's newest event. */
  constructor(
    private readonly redraw: () => void,
    private readonly newestSeq: () => number,
  ) {}

  /** The model changed. */
  changed(): void {
    const now = performance.now();
    const seq = this.newestSeq();
    const interval = 1000 / FLOOD_REDRAWS_PER_SECOND;
    // A reset run starts again from seq 0: that is calm, not a flood.
    const flooding = seq - this.seqAtRedraw > FLOOD_EVENTS;
    if (!flooding || now - this.lastRedraw >= interval) {
      this.redrawNow(now);
      return;
    }
    this.timer ??= setTimeout(
      () => {
        this.timer = undefined;
        this.redrawNow(performance.now());
      },
      interval - (now - this.lastRedraw),
    );
  }

  /** Stops a pending redraw. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private redrawNow(at: number): void {
    this.lastRedraw = at;
    this.seqAtRedraw = this.newestSeq();
    this.redraw();
  }
}
