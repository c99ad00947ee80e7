/**
 * What the lab has seen, for a page that opens it later: the newest events,
 * up to a bound. Older ones are let go a block at a time, and never
 * silently: the history then starts with one gap event counting them by
 * kind, as the trace hub tells a watcher that could not keep up.
 */
import type { TraceEvent } from '../protocol/trace.js';
import { foldIntoGap, gapEventOf, newGapTally, type GapTally } from '../trace/gap-tally.js';

/** Events the lab keeps by default: minutes of a busy application, far more than a learner's programs make. */
export const LAB_HISTORY_EVENTS = 50_000;

/** The lab's bounded memory of its trace. */
export class LabHistory {
  private events: TraceEvent[] = [];
  private gap: GapTally | undefined;

  constructor(private readonly limit = LAB_HISTORY_EVENTS) {}

  add(event: TraceEvent): void {
    this.events.push(event);
    // A quarter at a time, so letting go is rare and costs little per event.
    if (this.events.length > this.limit) {
      const gap = (this.gap ??= newGapTally());
      for (const gone of this.events.splice(0, Math.max(1, Math.floor(this.limit / 4)))) foldIntoGap(gap, gone);
    }
  }

  /** Everything kept, oldest first: the gap event for what was let go, then the events. */
  list(): TraceEvent[] {
    return this.gap === undefined ? [...this.events] : [gapEventOf(this.gap), ...this.events];
  }

  /** Events let go so far. */
  get forgotten(): number {
    return this.gap?.dropped ?? 0;
  }
}
