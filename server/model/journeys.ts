/**
 * Each message's journey: published, routed (by which bindings) or dropped
 * and why, queued, delivered to whom and whether redelivered, acked,
 * nacked, requeued, returned, confirmed, expired, dead-lettered or lost.
 * Steps are only ever appended, each with the seq of the event that caused
 * it, so the journey at any moment of the run is the steps up to that seq.
 *
 * Memory stays bounded: the oldest messages' journeys are let go past a
 * limit (the state still counts them; their steps are just no longer told).
 */
import type { JsonValue, MessageView } from '../protocol/trace.js';

/** One thing that happened to a message. */
export type JourneyStep =
  | { kind: 'published'; seq: number; actor: string; exchange: string; routingKey: string; mandatory: boolean }
  /** The bindings that matched, as "exchange -> queue (key)", and the queues that got a copy. */
  | { kind: 'routed'; seq: number; exchange: string; bindings: string[]; queues: string[] }
  | { kind: 'unroutable'; seq: number; exchange: string; reason: string }
  | { kind: 'delivered'; seq: number; actor: string; queue: string; redelivered: boolean; noAck: boolean }
  | { kind: 'acked'; seq: number; actor: string; queue: string }
  | { kind: 'nacked'; seq: number; actor: string; queue: string; requeue: boolean }
  | { kind: 'requeued'; seq: number; queue: string; reason: string }
  | { kind: 'returned'; seq: number; actor: string; reason: string }
  | { kind: 'confirmed'; seq: number; actor: string }
  | { kind: 'refused'; seq: number; actor: string }
  | { kind: 'expired'; seq: number; queue: string }
  | { kind: 'dead-lettered'; seq: number; queue: string; exchange: string; queues: string[]; reason: string }
  | { kind: 'dropped'; seq: number; queue: string | undefined; reason: string }
  | { kind: 'lost'; seq: number; actor: string; queue: string; reason: string };

/** A message and what happened to it. */
export interface Journey {
  id: number;
  /** What to call it on screen: its body when short and readable, else its routing key. */
  label: string;
  exchange: string;
  routingKey: string;
  properties: Record<string, JsonValue>;
  bodyPreview: string;
  bodySize: number;
  /** Who published it; undefined for a message already in a queue when the run saw it first. */
  publishedBy: string | undefined;
  steps: JourneyStep[];
}

/** Where journeys are written. The timeline's replays fold events again without writing them twice. */
export interface JourneyLog {
  /** Whether it keeps what it is given: for a log that keeps nothing the fold does not build journeys at all. */
  readonly keeps: boolean;
  begin(journey: Omit<Journey, 'steps'>): void;
  step(message: number, step: JourneyStep): void;
}

/** Journeys kept unless told otherwise. */
export const DEFAULT_MAX_JOURNEYS = 100_000;

/** Steps kept in order of happening, for animating what happened between two moments. */
const STEP_LOG = 8192;

/** Steps kept per journey (a message requeued forever would otherwise grow without end). */
const MAX_STEPS = 64;

/** The journeys of one run, oldest let go first. */
export class Journeys implements JourneyLog {
  readonly keeps = true;
  private readonly byId = new Map<number, Journey>();
  /**
   * Message ids in the order their journeys began, from `orderStart` on: the
   * oldest to let go. (Asking the map for its first key instead gets slower
   * and slower as it lets keys go from its front.)
   */
  private order: number[] = [];
  private orderStart = 0;
  /** The newest steps of every message, in the order they happened (a ring of STEP_LOG entries). */
  private readonly log: { message: number; step: JourneyStep }[] = [];
  private logStart = 0;
  /** How many journeys were let go to keep memory bounded. */
  forgotten = 0;

  constructor(private readonly limit = DEFAULT_MAX_JOURNEYS) {}

  begin(journey: Omit<Journey, 'steps'>): void {
    if (!this.byId.has(journey.id)) this.order.push(journey.id);
    this.byId.set(journey.id, { ...journey, steps: [] });
    if (this.byId.size > this.limit) {
      const oldest = this.order[this.orderStart];
      if (oldest !== undefined) this.byId.delete(oldest);
      this.orderStart += 1;
      this.forgotten += 1;
      // Let the ids already let go leave the array now and then, not one at a time (a shift copies it all).
      if (this.orderStart >= this.limit) {
        this.order = this.order.slice(this.orderStart);
        this.orderStart = 0;
      }
    }
  }

  step(message: number, step: JourneyStep): void {
    const journey = this.byId.get(message);
    if (journey === undefined) return;
    if (journey.steps.length >= MAX_STEPS) journey.steps.splice(1, 1);
    journey.steps.push(step);
    if (this.log.length < STEP_LOG) this.log.push({ message, step });
    else {
      this.log[this.logStart] = { message, step };
      this.logStart = (this.logStart + 1) % STEP_LOG;
    }
  }

  /**
   * The steps that happened after `afterSeq` and up to `uptoSeq`, in order, with
   * their messages (the newest STEP_LOG steps are kept for this), and whether
   * older ones in that span were let go.
   */
  stepsBetween(afterSeq: number, uptoSeq: number): { steps: { message: number; step: JourneyStep }[]; complete: boolean } {
    const steps: { message: number; step: JourneyStep }[] = [];
    const count = this.log.length;
    let complete = false;
    for (let back = 1; back <= count; back += 1) {
      const entry = this.log[(this.logStart + count - back) % count];
      if (entry === undefined) continue;
      if (entry.step.seq <= afterSeq) {
        complete = true;
        break;
      }
      if (entry.step.seq <= uptoSeq) steps.push(entry);
    }
    return { steps: steps.reverse(), complete: complete || count < STEP_LOG };
  }

  /** A message's journey as it stood at `seq` (its whole journey when seq is left out). */
  get(message: number, seq = Infinity): Journey | undefined {
    const journey = this.byId.get(message);
    if (journey === undefined) return undefined;
    const first = journey.steps[0];
    if (first !== undefined && first.seq > seq) return undefined;
    return seq === Infinity ? journey : { ...journey, steps: journey.steps.filter((step) => step.seq <= seq) };
  }

  /** Every kept journey, oldest first. */
  all(): IterableIterator<Journey> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}

/** Writes nothing: for folding events a second time. */
export const NO_JOURNEYS: JourneyLog = {
  keeps: false,
  begin: () => undefined,
  step: () => undefined,
};

/** What to call a message on screen: on the default exchange (where the key is a queue name) its body, else its routing key. */
export function messageLabel(exchange: string, routingKey: string, message: MessageView | undefined): string {
  const body = message?.bodyPreview.trim() ?? '';
  if ((exchange === '' || routingKey === '' || routingKey.startsWith('amq.')) && body !== '') {
    return body.length > 24 ? `${body.slice(0, 23)}…` : body;
  }
  return routingKey;
}
