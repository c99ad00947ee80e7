/**
 * Events let go, counted: how a trace that cannot keep everything says what
 * it left out, by method or decision, as one gap event in their place.
 */
import type { TraceEvent, TraceGapEvent } from '../protocol/trace.js';

/** Events folded away, and the place of the newest in the order. */
export interface GapTally {
  dropped: number;
  counts: Map<string, number>;
  /** seq and time of the newest folded event: the gap event takes its place in the order. */
  lastSeq: number;
  lastTime: number;
}

/** An empty tally. */
export function newGapTally(): GapTally {
  return { dropped: 0, counts: new Map<string, number>(), lastSeq: 0, lastTime: 0 };
}

/** Counts `event` into `tally`; returns how many events it stood for (a gap from further upstream carries its own). */
export function foldIntoGap(tally: GapTally, event: TraceEvent): number {
  let dropped: number;
  if (event.kind === 'gap') {
    for (const [what, n] of Object.entries(event.counts)) tally.counts.set(what, (tally.counts.get(what) ?? 0) + n);
    dropped = event.dropped;
  } else {
    const what = event.kind === 'frame' ? event.method : event.kind === 'broker' ? event.decision : event.kind;
    tally.counts.set(what, (tally.counts.get(what) ?? 0) + 1);
    dropped = 1;
  }
  tally.dropped += dropped;
  tally.lastSeq = event.seq;
  tally.lastTime = event.time;
  return dropped;
}

/** The gap event that stands for the tally. */
export function gapEventOf(tally: GapTally): TraceGapEvent {
  return { kind: 'gap', seq: tally.lastSeq, time: tally.lastTime, dropped: tally.dropped, counts: Object.fromEntries(tally.counts) };
}
