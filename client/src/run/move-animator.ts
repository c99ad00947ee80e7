/**
 * Plans the dots that carry messages across the topology picture. A dot
 * waits for its message's previous hop to arrive, and dots on the same edge
 * leave a little apart so a burst reads as a stream, not one blob. At most
 * `maxFlights` dots are planned at once; the rest are counted on their edge
 * ("+37") instead, so a flood costs the same as a trickle.
 */
import type { MessageMove } from './message-moves.js';
import { pointOn, type Curve, type Point } from './topology-layout.js';
import { forgetOldest } from './forget-oldest.js';

/** How long one hop takes at speed 1. */
const TRAVEL_MS = 600;
/** How long a dot that falls off (unroutable, dropped, expired) takes, label included. */
const FALL_MS = 1200;
/** Time between two dots leaving on the same edge, at speed 1. */
const SPACING_MS = 110;
/** A dot that would queue longer than this behind others on its edge is counted instead, at speed 1: the picture never lags far behind the run. */
const MAX_QUEUE_MS = 1500;
/** How long a dot stays shown when motion is reduced (no travel). */
const STILL_MS = 900;
/** How long an edge's "+N" count stays after its last addition. */
const OVERFLOW_MS = 1200;
/** Journeys whose hop timings are remembered. */
const MAX_JOURNEYS = 2000;

/** Moves whose dot falls off the picture instead of reaching a box. */
const FALLING: ReadonlySet<MessageMove['kind']> = new Set(['unroutable', 'expire', 'drop', 'lost']);

/** One planned dot. Its way is looked up each frame, so it follows the picture if boxes move. */
export interface Flight {
  move: MessageMove;
  start: number;
  duration: number;
}

/** A dot as drawn in one frame. */
export interface FlightPosition {
  flight: Flight;
  at: Point;
  /** 0 at the start, 1 at the end. */
  progress: number;
  /** Shown where it arrived, without travelling (reduced motion). */
  still: boolean;
}

/** Messages not drawn as dots on one edge. */
export interface OverflowCount {
  at: Point;
  /** How many in the last full second, or so far when the edge has not been busy a whole second. */
  count: number;
  /** True when `count` is per second. */
  perSecond: boolean;
}

/** The dots of one topology picture. */
export class MoveAnimator {
  /** 1 is normal; 2 twice as fast. */
  speed = 1;
  /** No travel: each dot is shown where it arrives, for a moment. */
  reducedMotion = false;
  /** Messages counted instead of drawn, over the whole run. */
  notDrawn = 0;

  private flights: Flight[] = [];
  private readonly nextLeave = new Map<string, number>();
  /** journey -> stage -> when the dots of that stage arrive. */
  private readonly arrivals = new Map<number, Map<number, number>>();
  private readonly overflow = new Map<string, { at: Point; current: number; previous: number; since: number; until: number }>();

  constructor(readonly maxFlights = 100) {}

  /** Plans a dot for a move along `curve`; `lane` names the edge, for spacing and counting. */
  add(move: MessageMove, curve: Curve, lane: string, now: number): void {
    const speed = this.speed > 0 ? this.speed : 1;
    const still = this.reducedMotion || this.speed <= 0;
    const falling = FALLING.has(move.kind);
    const duration = still ? STILL_MS : (falling ? FALL_MS : TRAVEL_MS) / speed;
    // A dot leaves once its message's previous hop arrived, and once the dot before it on the edge is on its way.
    const ready = still ? now : Math.max(now, this.arrivalOf(move.journey, move.stage - 1));
    const start = still ? now : Math.max(ready, this.nextLeave.get(lane) ?? 0);
    if (this.flights.length >= this.maxFlights || start - ready > MAX_QUEUE_MS / speed) {
      this.count(lane, curve, now);
      this.noteArrival(move.journey, move.stage, now);
      return;
    }
    if (!still) this.nextLeave.set(lane, start + SPACING_MS / speed);
    this.flights.push({ move, start, duration });
    this.noteArrival(move.journey, move.stage, start + (falling ? duration / 2 : duration));
  }

  /** The dots to draw at `now`, each on the way `wayOf` gives its move; forgets those that arrived. */
  frame(now: number, wayOf: (move: MessageMove) => Curve | undefined): { dots: FlightPosition[]; overflow: OverflowCount[] } {
    this.flights = this.flights.filter((flight) => flight.start + flight.duration > now);
    const still = this.reducedMotion || this.speed <= 0;
    const dots: FlightPosition[] = [];
    for (const flight of this.flights) {
      const way = flight.start > now ? undefined : wayOf(flight.move);
      if (way === undefined) continue;
      const progress = still ? 1 : ease(Math.min(1, (now - flight.start) / flight.duration));
      dots.push({ flight, progress, still, at: pointOn(way, progress) });
    }
    const overflow: OverflowCount[] = [];
    for (const [lane, entry] of this.overflow) {
      if (entry.until <= now) this.overflow.delete(lane);
      else overflow.push({ at: entry.at, count: entry.previous > 0 ? entry.previous : entry.current, perSecond: entry.previous > 0 });
    }
    return { dots, overflow };
  }

  /** True while there is anything left to draw. */
  get busy(): boolean {
    return this.flights.length > 0 || this.overflow.size > 0;
  }

  /** Forgets every dot. */
  clear(): void {
    this.flights = [];
    this.nextLeave.clear();
    this.arrivals.clear();
    this.overflow.clear();
    this.notDrawn = 0;
  }

  private count(lane: string, curve: Curve, now: number): void {
    this.notDrawn += 1;
    const entry = this.overflow.get(lane) ?? { at: pointOn(curve, 0.5), current: 0, previous: 0, since: now, until: 0 };
    // Counted per second, so a steady flood reads as a rate rather than a number that only grows.
    if (now - entry.since >= 1000) {
      entry.previous = entry.current;
      entry.current = 0;
      entry.since = now;
    }
    entry.current += 1;
    entry.until = now + OVERFLOW_MS;
    this.overflow.set(lane, entry);
  }

  private arrivalOf(journey: number, stage: number): number {
    return this.arrivals.get(journey)?.get(stage) ?? 0;
  }

  private noteArrival(journey: number, stage: number, at: number): void {
    let stages = this.arrivals.get(journey);
    if (stages === undefined) {
      if (this.arrivals.size >= MAX_JOURNEYS) forgetOldest(this.arrivals);
      stages = new Map();
      this.arrivals.set(journey, stages);
    }
    stages.set(stage, Math.max(stages.get(stage) ?? 0, at));
  }
}

/** Starts and ends gently, so the eye can follow a dot. */
function ease(t: number): number {
  return t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
}
