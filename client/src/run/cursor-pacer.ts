/**
 * Moves a run model's cursor over time, so that every view (counters,
 * broker panel, picture, sequence, output) shows the moment the dots are
 * drawing, never figures ahead of them. The one place where pacing happens.
 *
 * While it follows the run, the cursor advances event by event at the
 * animation speed: an event that moves a message takes a beat (the time a
 * dot needs to leave, at speed 1), any other event a short tick. A run
 * often ends before its replay does: the replay then catches up, at that
 * pace while few events wait, faster in proportion when many do (the
 * picture then counts on its edges the messages it cannot draw), so it
 * never lags far behind. When events come faster than even that, the cursor
 * skips ahead to the newest event in one jump and counts the events it
 * skipped.
 *
 * Once the learner moves the cursor (the scrubber, a sequence row), the
 * pacer holds it there until told to follow again.
 */
import type { RunModel } from './run-model.js';

/** Time an event that moves a message takes at speed 1. */
export const BEAT_MS = 110;
/** Time any other event takes at speed 1. */
export const TICK_MS = 12;
/** Up to this many events behind, the replay goes at the animation speed; with more, proportionally faster. */
export const CALM_BEHIND_EVENTS = 60;
/** More events behind than this cannot be drawn in good time: the cursor skips to the newest. */
export const MAX_BEHIND_EVENTS = 400;
/** Time the pacer may save up between frames (a hidden tab gets no frames). */
const MAX_BUDGET_MS = 250;

type FrameRequest = (callback: (now: number) => void) => unknown;

/** Paces one run model's cursor. */
export class CursorPacer {
  /** 1 is normal; 2 twice as fast. */
  speed = 1;
  /** Events skipped since the run started, to keep up. */
  skipped = 0;

  private followingRun = true;
  /** Where the pacer last put the cursor: found elsewhere, someone else moved it, and the pacer lets it be. */
  private placed = 0;
  private budget = 0;
  private lastFrame: number | undefined;
  private frameRequested = false;
  private generation: number;
  private readonly listeners = new Set<() => void>();
  private readonly requestFrame: FrameRequest;

  constructor(
    readonly model: RunModel,
    requestFrame?: FrameRequest,
  ) {
    this.requestFrame = requestFrame ?? pageFrames();
    this.generation = model.generation;
    model.subscribe(() => this.modelChanged());
    this.restart();
  }

  /** True while the cursor follows the run (rather than staying where the learner put it). */
  get following(): boolean {
    return this.followingRun;
  }

  /** True while following and the cursor is behind the newest event. */
  get catchingUp(): boolean {
    return this.followingRun && this.model.cursor < this.model.lastSeq;
  }

  /** Calls `listener` when following, skipping or holding changes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A new run: the cursor starts before its first event and follows it. */
  restart(): void {
    this.generation = this.model.generation;
    this.skipped = 0;
    this.followingRun = true;
    this.budget = 0;
    this.place(0);
    this.wake();
    this.told();
  }

  /** The learner put the cursor at this event: it stays there. */
  hold(seq: number): void {
    this.followingRun = false;
    this.place(seq);
    this.told();
  }

  /** Jumps to the newest event and follows the run from there. */
  follow(): void {
    this.followingRun = true;
    this.budget = 0;
    this.place(this.model.lastSeq);
    this.wake();
    this.told();
  }

  private modelChanged(): void {
    if (this.model.generation !== this.generation) {
      this.restart();
      return;
    }
    if (this.followingRun && this.model.cursor !== this.placed) {
      this.followingRun = false;
      this.told();
    }
    this.wake();
  }

  private wake(): void {
    if (this.frameRequested || !this.catchingUp) return;
    this.frameRequested = true;
    this.requestFrame((now) => {
      this.frameRequested = false;
      this.advance(now);
    });
  }

  /** One frame's worth of the replay. */
  private advance(now: number): void {
    if (!this.catchingUp) {
      this.lastFrame = undefined;
      return;
    }
    const model = this.model;
    const elapsed = this.lastFrame === undefined ? 16 : now - this.lastFrame;
    this.lastFrame = now;
    const speed = this.speed > 0 ? this.speed : 1;
    let index = model.eventIndexAt(model.cursor);
    const last = model.eventCount - 1;
    const hurry = Math.max(1, (last - index) / CALM_BEHIND_EVENTS);
    this.budget = Math.min(MAX_BUDGET_MS * hurry, this.budget + elapsed * speed * hurry);
    if (last - index > MAX_BEHIND_EVENTS) {
      this.skipped += last - index;
      this.budget = 0;
      this.place(model.lastSeq);
      this.told();
      return;
    }
    while (this.budget > 0 && index < last) {
      index += 1;
      const event = model.eventAt(index);
      if (event === undefined) break;
      const movesBefore = model.nextMoveId;
      this.place(event.seq, 'play');
      this.budget -= model.nextMoveId !== movesBefore ? BEAT_MS : TICK_MS;
    }
    this.wake();
    // Caught up: the next replay starts its clock afresh.
    if (!this.frameRequested) this.lastFrame = undefined;
  }

  private place(seq: number, how: 'jump' | 'play' = 'jump'): void {
    this.model.moveCursor(seq, how);
    this.placed = this.model.cursor;
  }

  private told(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** requestAnimationFrame in a page; a timer of a frame's length where there is none (Node). */
function pageFrames(): FrameRequest {
  const page = globalThis as { requestAnimationFrame?: (callback: (now: number) => void) => number };
  if (typeof page.requestAnimationFrame === 'function') return page.requestAnimationFrame.bind(globalThis);
  return (callback) => setTimeout(() => callback(performance.now()), 16);
}
