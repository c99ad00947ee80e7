/**
 * A run's timeline: its events in order, and the state of the run after any
 * of them. The newest state is kept up to date as events come; an earlier
 * one is rebuilt from the nearest checkpoint before it (a copy of the state
 * taken every CHECKPOINT_EVERY events) by folding the events in between
 * again, so moving a cursor anywhere costs at most that many folds.
 *
 * Memory stays bounded: past `capacity` events the oldest are let go in
 * whole checkpoint intervals, and the timeline starts at the first event it
 * still holds (it says how many it let go).
 */
import type { TraceEvent } from '../protocol/trace.js';
import { Journeys, NO_JOURNEYS } from './journeys.js';
import { RunModel } from './run-model.js';
import { cloneState, emptyState, type RunState } from './state.js';

/** Events between checkpoints: the most a cursor move has to fold. */
export const CHECKPOINT_EVERY = 1000;

/** Events a timeline keeps unless told otherwise. */
export const DEFAULT_TIMELINE_CAPACITY = 250_000;

/** Options for a timeline. */
export interface TimelineOptions {
  /** How many events to keep (the newest); the rest are let go, a checkpoint interval at a time. */
  capacity?: number;
  /** How many messages' journeys to keep. */
  journeys?: number;
}

/** One run's events and its state at any of them. */
export class Timeline {
  /** Every message's journey, written as the events come. */
  readonly journeys: Journeys;
  private readonly live: RunModel;
  private readonly capacity: number;
  /** The kept events are events[start] on; the ones before were let go (cut off now and then, not on every let-go). */
  private events: (TraceEvent | undefined)[] = [];
  private start = 0;
  /** checkpoints[k]: the state after the kept event at index (k + 1) * CHECKPOINT_EVERY - 1. */
  private checkpoints: RunState[] = [];
  /** The state before the first kept event. */
  private base: RunState = emptyState();
  /** Events let go from the start. */
  private dropped = 0;
  /** The last state rebuilt for a cursor, to carry on from when the cursor moves forward. */
  private cached: { index: number; state: RunState } | undefined;

  constructor(options: TimelineOptions = {}) {
    this.capacity = Math.max(CHECKPOINT_EVERY, options.capacity ?? DEFAULT_TIMELINE_CAPACITY);
    this.journeys = new Journeys(options.journeys);
    this.live = new RunModel({ journeys: this.journeys });
  }

  /** Takes the run's next event. */
  add(event: TraceEvent): void {
    this.events.push(event);
    this.live.apply(event);
    if (this.length % CHECKPOINT_EVERY === 0) this.checkpoints.push(cloneState(this.live.state));
    if (this.length >= this.capacity + CHECKPOINT_EVERY) this.letGoOldest();
  }

  /** How many events it holds. */
  get length(): number {
    return this.events.length - this.start;
  }

  /** Events let go from the start to keep memory bounded. */
  get forgotten(): number {
    return this.dropped;
  }

  /** The kept event at an index (0 is the oldest kept). */
  at(index: number): TraceEvent | undefined {
    return index < 0 ? undefined : this.events[this.start + index];
  }

  /** The newest event, if any. */
  get newest(): TraceEvent | undefined {
    return this.length === 0 ? undefined : this.events[this.events.length - 1];
  }

  /** The index of the last kept event with a seq at or before `seq`; -1 when every kept event is later. */
  indexAt(seq: number): number {
    let low = this.start;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.events[middle]?.seq ?? Infinity) <= seq) low = middle + 1;
      else high = middle;
    }
    return low - 1 - this.start;
  }

  /** The state now, after the newest event. Read it, do not change it. */
  get current(): RunState {
    return this.live.state;
  }

  /**
   * The state just after the event at `index` (-1: before the first kept
   * event). The newest index gives the live state itself; any other a state
   * of its own, which the timeline may carry on from for a later index, so
   * read it and do not change it.
   */
  stateAfter(index: number): RunState {
    const last = this.length - 1;
    if (index >= last) return this.live.state;
    if (index < 0) return this.base;
    let from: { index: number; state: RunState };
    const checkpoint = Math.floor((index + 1) / CHECKPOINT_EVERY) - 1;
    const nearest = checkpoint >= 0 ? this.checkpoints[checkpoint] : undefined;
    const nearestIndex = nearest === undefined ? -1 : (checkpoint + 1) * CHECKPOINT_EVERY - 1;
    if (this.cached !== undefined && this.cached.index <= index && this.cached.index >= nearestIndex) from = this.cached;
    else from = { index: nearestIndex, state: cloneState(nearest ?? this.base) };
    if (from.index === index) return from.state;
    const model = new RunModel({ state: from.state, journeys: NO_JOURNEYS });
    for (let i = from.index + 1; i <= index; i += 1) {
      const event = this.at(i);
      if (event !== undefined) model.apply(event);
    }
    this.cached = { index, state: model.state };
    return model.state;
  }

  /** The state at a moment: after the last event with a seq at or before `seq`. */
  stateAt(seq: number): RunState {
    return this.stateAfter(this.indexAt(seq));
  }

  private letGoOldest(): void {
    const first = this.checkpoints.shift();
    if (first === undefined) return;
    this.base = first;
    // The slots let go are emptied at once, so their events can be collected before the array is cut.
    this.events.fill(undefined, this.start, this.start + CHECKPOINT_EVERY);
    this.start += CHECKPOINT_EVERY;
    if (this.start >= this.capacity) {
      this.events = this.events.slice(this.start);
      this.start = 0;
    }
    this.dropped += CHECKPOINT_EVERY;
    this.cached = undefined;
  }
}
