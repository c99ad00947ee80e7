/**
 * What the sequence view lists: one row per protocol event (frames, broker
 * decisions, actor logs, gaps), each sorted into a kind the learner can
 * filter by. Broker state snapshots are not rows: the broker panel shows them.
 */
import type { TraceEvent } from '../../../server/protocol/index.js';

/** The kinds of rows a learner can show or hide. */
export type RowKind = 'methods' | 'messages' | 'acks' | 'decisions' | 'logs';

/** Every row kind, in the order the filter offers them. */
export const ROW_KINDS: readonly RowKind[] = ['methods', 'messages', 'acks', 'decisions', 'logs'];

/** A trace event that gets a row. */
export type RowEvent = Exclude<TraceEvent, { kind: 'state' }>;

/** One row of the sequence view. */
export interface SequenceRow {
  kind: RowKind;
  event: RowEvent;
}

/** Methods that carry a message. */
const MESSAGE_METHODS: ReadonlySet<string> = new Set(['basic.publish', 'basic.deliver', 'basic.get-ok', 'basic.return']);

/** Methods that settle deliveries or confirm publishes. */
const ACK_METHODS: ReadonlySet<string> = new Set([
  'basic.ack',
  'basic.nack',
  'basic.reject',
  'basic.recover',
  'basic.recover-async',
  'basic.recover-ok',
]);

/** The row for an event, or undefined for events that are not rows (state snapshots). */
export function rowFor(event: TraceEvent): SequenceRow | undefined {
  switch (event.kind) {
    case 'frame':
      if (MESSAGE_METHODS.has(event.method)) return { kind: 'messages', event };
      if (ACK_METHODS.has(event.method)) return { kind: 'acks', event };
      return { kind: 'methods', event };
    case 'broker':
    case 'restart':
    case 'gap':
      return { kind: 'decisions', event };
    case 'log':
      return { kind: 'logs', event };
    case 'state':
      return undefined;
  }
}

/** Where the rows come from: a run's timeline, the oldest events of which may have been let go. */
export interface RowSource {
  /** Increases on every reset (a new run). */
  readonly generation: number;
  /** Events the timeline holds, and events it let go before them. */
  readonly eventCount: number;
  readonly forgottenEvents: number;
  /** A kept event, 0 being the oldest kept. */
  eventAt(index: number): TraceEvent | undefined;
}

/**
 * The rows a filter lets through, read from the timeline: an index of its
 * events (no copy of them, and no bound of its own), taking each new event
 * once as it comes and letting rows go as the timeline lets their events go.
 * Rows run to the timeline's newest event; the list shows them up to the
 * cursor (`countUpTo`).
 */
export class SequenceRowIndex {
  /** The rows' events are events[start] on (the front is cut off now and then, not on every let-go). */
  private events: (RowEvent | undefined)[] = [];
  private start = 0;
  /** The timeline position (let-go events included) of the next event to look at. */
  private nextPosition = 0;
  private generation = -1;
  private filterKey = '';

  /** How many rows there are, the cursor aside. */
  get length(): number {
    return this.events.length - this.start;
  }

  /**
   * Takes the timeline's new events and lets go of rows whose events it let
   * go; starts over for a new run or a new filter (`key` names the filter).
   * Returns true when it started over.
   */
  update(source: RowSource, key: string, accepts: (row: SequenceRow) => boolean): boolean {
    const restart = source.generation !== this.generation || key !== this.filterKey;
    if (restart) {
      this.events = [];
      this.start = 0;
      this.nextPosition = 0;
      this.generation = source.generation;
      this.filterKey = key;
    }
    const forgotten = source.forgottenEvents;
    const oldest = source.eventAt(0)?.seq ?? Infinity;
    const gone = this.firstAtOrAfter(oldest);
    if (gone > 0) {
      // Emptied at once, so the timeline's let-go events can be collected before the array is cut.
      this.events.fill(undefined, this.start, this.start + gone);
      this.start += gone;
      if (this.start > this.events.length / 2) {
        this.events = this.events.slice(this.start);
        this.start = 0;
      }
    }
    const end = forgotten + source.eventCount;
    for (let position = Math.max(this.nextPosition, forgotten); position < end; position += 1) {
      const event = source.eventAt(position - forgotten);
      const row = event === undefined ? undefined : rowFor(event);
      if (row !== undefined && accepts(row)) this.events.push(row.event);
    }
    this.nextPosition = end;
    return restart;
  }

  /** The row at `index`, 0 being the oldest kept. */
  at(index: number): SequenceRow | undefined {
    const event = index < 0 ? undefined : this.events[this.start + index];
    return event === undefined ? undefined : rowFor(event);
  }

  /** The index of the first row whose event's seq is at least `seq` (the row count when there is none). */
  firstAtOrAfter(seq: number): number {
    let low = this.start;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.events[middle]?.seq ?? seq) < seq) low = middle + 1;
      else high = middle;
    }
    return low - this.start;
  }

  /** How many rows are of events at or before `seq`. */
  countUpTo(seq: number): number {
    return this.firstAtOrAfter(seq + 1);
  }

  /** The index of the row of the event with this seq, or -1. */
  indexOfSeq(seq: number): number {
    const index = this.firstAtOrAfter(seq);
    return this.events[this.start + index]?.seq === seq ? index : -1;
  }
}
