/**
 * Everything a run cell shows, derived from the server's messages about one
 * run: status, the timeline's events (the sequence list's rows), and at its
 * cursor the topology, the totals, the broker's lists and the moves to
 * animate. Every view reads the state at the same cursor, from the one run
 * model (server/model), so they always show the same moment. Plain
 * TypeScript, no DOM, so it runs in Node tests.
 *
 * The cursor follows the newest event ("live") until it is moved; then every
 * view shows that moment until it is moved again or set back to live.
 *
 * Memory stays flat however long the run: the timeline and the moves are
 * bounded. Listeners hear about changes at most once per animation frame,
 * however many events a frame brings.
 */
import type { RunState } from '../../../server/model/state.js';
import { Timeline } from '../../../server/model/timeline.js';
import type {
  BrokerStateEvent,
  NamedMoment,
  RunFailure,
  RunStatus,
  RunSummary,
  ServerMessage,
  TraceEvent,
} from '../../../server/protocol/index.js';
import { MoveRecorder } from './journey-moves.js';
import { MoveLog, type MessageMove } from './message-moves.js';
import { RateWindow } from './rate-window.js';
import { countersOf, topologyOf } from './topology-of-state.js';
import type { RunCounters, Topology } from './topology-types.js';

/** Statuses after which a run sends nothing more. */
const ENDED: ReadonlySet<RunStatus> = new Set(['finished', 'ended-with-error', 'stopped', 'failed']);

/** Messages per second, published and delivered, over the last two seconds of the run. */
export interface RunRates {
  published: number;
  delivered: number;
}

/** Options for a model; all optional. */
export interface RunModelOptions {
  /** Only messages about this run are taken; others are ignored. */
  runId?: string;
  /** How many events the timeline keeps (the newest). */
  maxEvents?: number;
}

type Schedule = (callback: () => void) => void;

/** The state of one run's views. */
export class RunModel {
  /** Where the run is; 'idle' before its first status. */
  status: RunStatus | 'idle' = 'idle';
  /** Why the run failed, when it did. */
  failure: RunFailure | undefined;
  /** The run's totals, once it ended. */
  summary: RunSummary | undefined;
  /** seq and time (ms since the run started) of the newest event. */
  lastSeq = 0;
  lastTime = 0;
  /** Increases whenever anything changes. */
  version = 0;
  /** Increases on every reset: views that keep their own copies start over when it changes. */
  generation = 0;

  private readonly runId: string | undefined;
  private readonly maxEvents: number | undefined;
  private timeline: Timeline;
  /** The seq the views show; undefined follows the newest event. */
  private cursorSeq: number | undefined;
  /** The state at the cursor, until the cursor or the timeline changes. */
  private cursorState: { seq: number; events: number; state: RunState } | undefined;
  private readonly moves = new MoveRecorder(new MoveLog());
  private namedMoments: (NamedMoment & { seq: number })[] = [];
  /** The seq up to which moves were recorded. */
  private movesUpTo = 0;
  private readonly publishRate = new RateWindow();
  private readonly deliverRate = new RateWindow();
  /** Actors in the order they first appeared, for the sequence view's lanes. */
  private readonly actorOrder = new Set<string>();
  /**
   * The seqs of the broker decisions that were about one message the run saw,
   * in order, from `decidedStart` on, and the body of each one's message,
   * while the timeline keeps the decision. (Arrays searched by seq: a map
   * letting its oldest keys go one by one gets slower to walk from its front.)
   */
  private decidedSeqs: number[] = [];
  private decidedBodies: string[] = [];
  private decidedStart = 0;
  /**
   * Actors whose first publish came before anything was delivered to them (producers, RPC clients), and actors
   * that were delivered something first (workers, receivers, RPC servers), over the whole run so far.
   */
  private readonly publishedFirst = new Set<string>();
  private readonly receivedFirst = new Set<string>();
  /** Every event taken, by method, decision or kind (a gap's by what it summarised), kept or let go since. */
  private readonly takenCounts = new Map<string, number>();
  /** "connection 3" -> the name that connection gave itself once it said it. */
  private readonly aliases = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private notifyScheduled = false;
  private readonly schedule: Schedule;

  constructor(options: RunModelOptions = {}) {
    this.runId = options.runId;
    this.maxEvents = options.maxEvents;
    this.timeline = this.newTimeline();
    this.schedule = frameScheduler();
  }

  /** Takes one message from the server; ignores those about other runs or of no concern to the views. */
  apply(message: ServerMessage): void {
    if (message.type === 'hello' || message.type === 'error') return;
    if (this.runId !== undefined && message.runId !== this.runId) return;
    switch (message.type) {
      case 'trace':
        for (const event of message.events) this.take(event);
        break;
      case 'status':
        this.status = message.status;
        this.failure = message.failure;
        break;
      case 'summary':
        this.summary = message.summary;
        break;
    }
    this.changed();
  }

  /** Calls `listener` after changes, at most once per animation frame; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Forgets the run, ready for the next one (listeners stay). */
  reset(): void {
    this.status = 'idle';
    this.failure = undefined;
    this.summary = undefined;
    this.lastSeq = 0;
    this.lastTime = 0;
    this.timeline = this.newTimeline();
    this.cursorSeq = undefined;
    this.cursorState = undefined;
    this.moves.clear();
    this.movesUpTo = 0;
    this.namedMoments = [];
    this.publishRate.clear();
    this.deliverRate.clear();
    this.actorOrder.clear();
    this.decidedSeqs = [];
    this.decidedBodies = [];
    this.decidedStart = 0;
    this.publishedFirst.clear();
    this.receivedFirst.clear();
    this.aliases.clear();
    this.takenCounts.clear();
    this.generation += 1;
    this.changed();
  }

  /** True once the run has ended (finished, stopped or failed). */
  get ended(): boolean {
    return this.status !== 'idle' && ENDED.has(this.status);
  }

  /**
   * The totals at the cursor. Where the page was sent a gap's counts instead
   * of some events (it could not keep up), the acks and give-backs among
   * them are not known here; at the end of the run the server's totals,
   * counted from every event, are shown instead.
   */
  get counters(): RunCounters {
    const state = this.state;
    const counters = countersOf(state);
    const summary = this.summary;
    if (state.missedEvents === 0 || summary === undefined || this.cursor !== this.lastSeq) return counters;
    return {
      ...counters,
      published: summary.published,
      delivered: Object.values(summary.delivered).reduce((total, count) => total + count, 0),
      acked: summary.acked,
      nacked: summary.nacked,
      requeued: summary.requeued,
      returned: summary.returned,
      dropped: summary.dropped,
      deadLettered: summary.deadLettered,
      lost: summary.lost,
    };
  }

  /** The run's state at the cursor: read it, never change it. */
  get state(): RunState {
    const seq = this.cursor;
    const cached = this.cursorState;
    if (cached?.seq === seq && cached.events === this.timeline.length + this.timeline.forgotten) return cached.state;
    const state = this.timeline.stateAt(seq);
    this.cursorState = { seq, events: this.timeline.length + this.timeline.forgotten, state };
    return state;
  }

  /** The seq the views show: the newest event's, unless the cursor was moved. */
  get cursor(): number {
    return this.cursorSeq ?? this.lastSeq;
  }

  /** True while the cursor follows the newest event. */
  get live(): boolean {
    return this.cursorSeq === undefined;
  }

  /**
   * Moves the cursor to the moment after the event with this seq (or the
   * last one before it), and holds it there even as newer events come;
   * 'live' follows the newest event again. A move 'play'ed forward records
   * the moves of the events passed, for the picture to animate; a 'jump'
   * (the default) shows the moment as it is, with no dots on their way.
   */
  moveCursor(seq: number | 'live', how: 'jump' | 'play' = 'jump'): void {
    const target = seq === 'live' ? undefined : Math.max(this.firstSeq - 1, Math.min(this.lastSeq, Math.floor(seq)));
    if (target === this.cursorSeq) return;
    const from = this.cursor;
    this.cursorSeq = target;
    if (how === 'jump') this.restartMoves();
    else this.followMoves(from);
    this.changed();
  }

  /** The seq of the oldest event the timeline still holds (events before it were let go). */
  get firstSeq(): number {
    return this.timeline.at(0)?.seq ?? 1;
  }

  /** How many events the timeline holds, and how many older ones it let go. */
  get eventCount(): number {
    return this.timeline.length;
  }

  get forgottenEvents(): number {
    return this.timeline.forgotten;
  }

  /**
   * How many events the run brought, by method (frames), decision (broker
   * decisions) or kind, with a gap's counts added in: over the whole run,
   * the events the timeline let go included.
   */
  eventCounts(): ReadonlyMap<string, number> {
    return this.takenCounts;
  }

  /** The timeline's event at an index (0 the oldest kept). */
  eventAt(index: number): TraceEvent | undefined {
    return this.timeline.at(index);
  }

  /** The index in the timeline of the last event at or before a seq. */
  eventIndexAt(seq: number): number {
    return this.timeline.indexAt(seq);
  }

  /** The lesson's named moments this run reached so far, in order, with the seq of each. */
  moments(): (NamedMoment & { seq: number })[] {
    return this.namedMoments;
  }

  /** The newest broker snapshot at the cursor. */
  get brokerState(): BrokerStateEvent | undefined {
    return this.state.snapshot;
  }

  /** Messages per second now; zero while paused and once the run has ended. */
  get rates(): RunRates {
    if (this.ended || this.status === 'paused') return { published: 0, delivered: 0 };
    return { published: this.publishRate.perSecond(this.lastTime), delivered: this.deliverRate.perSecond(this.lastTime) };
  }

  /** Actors, exchanges, queues, bindings and consumers at the cursor, with what went through each. */
  topology(): Topology {
    return topologyOf(this.state);
  }

  /** Actors by first appearance, each connection under the name it gave itself. */
  actors(): string[] {
    return [...this.actorOrder].filter((actor) => !this.aliases.has(actor));
  }

  /**
   * True for an actor that published before the broker delivered it anything,
   * over the whole run so far, whatever the cursor: a producer, or an RPC
   * client sending its first request, drawn left of the broker.
   */
  publishesFirst(actor: string): boolean {
    return this.publishedFirst.has(this.laneOf(actor));
  }

  /** The body of the message the broker decision with this seq was about, when it was about one message the run saw. */
  decidedBody(seq: number): string | undefined {
    let low = this.decidedStart;
    let high = this.decidedSeqs.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.decidedSeqs[middle] ?? seq) < seq) low = middle + 1;
      else high = middle;
    }
    return this.decidedSeqs[low] === seq ? this.decidedBodies[low] : undefined;
  }

  /** The name a connection gave itself ("connection 2" before it said its name). */
  laneOf(actor: string): string {
    return this.aliases.get(actor) ?? actor;
  }

  /** The queue a consumer tag consumes from, as far as the trace told. */
  consumerQueue(actor: string, channel: number, tag: string): string | undefined {
    for (const connection of this.timeline.current.connections.values()) {
      if (connection.actor !== actor) continue;
      const queue = connection.channels.get(channel)?.consumers.get(tag)?.queue;
      if (queue !== undefined) return queue;
    }
    return undefined;
  }

  /** Moves with an id of `fromId` or more that are still kept, and how many were let go before them. */
  movesSince(fromId: number): { moves: MessageMove[]; missed: number } {
    return this.moves.log.since(fromId);
  }

  /** The id the next move will get. */
  get nextMoveId(): number {
    return this.moves.log.nextMoveId;
  }

  /** Records the moves between the moment the cursor was at and where it is now; starts over when it went back. */
  private followMoves(from: number): void {
    const to = this.cursor;
    if (to < from || to < this.movesUpTo) {
      this.restartMoves();
      return;
    }
    this.moves.record(this.timeline.journeys, Math.max(from, this.movesUpTo), to);
    this.movesUpTo = to;
  }

  /** Forgets the moves recorded: the picture shows the cursor's moment with nothing on its way. */
  private restartMoves(): void {
    this.moves.clear();
    this.movesUpTo = this.cursor;
  }

  private newTimeline(): Timeline {
    return new Timeline(this.maxEvents === undefined ? {} : { capacity: this.maxEvents });
  }

  private take(event: TraceEvent): void {
    const before = this.lastSeq;
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    this.lastTime = Math.max(this.lastTime, event.time);
    this.timeline.add(event);
    countEvent(this.takenCounts, event);
    if (event.kind === 'broker') this.noteDecidedBody(event.seq);
    if (this.cursorSeq === undefined) this.followMoves(before);
    switch (event.kind) {
      case 'frame':
        this.noteActor(event.actor, event.connection);
        this.noteRole(event.actor, event.method);
        if (event.method === 'basic.publish' && event.direction === 'to-broker') this.publishRate.add(event.time);
        if ((event.method === 'basic.deliver' || event.method === 'basic.get-ok') && event.direction === 'to-client') {
          this.deliverRate.add(event.time);
        }
        break;
      case 'log':
        this.noteActor(event.actor, undefined);
        break;
      case 'state':
        if (event.moment !== undefined) this.namedMoments = [...this.namedMoments, { ...event.moment, seq: event.seq }];
        break;
      case 'broker':
        break;
      case 'gap':
        this.publishRate.add(event.time, event.counts['basic.publish'] ?? 0);
        this.deliverRate.add(event.time, (event.counts['basic.deliver'] ?? 0) + (event.counts['basic.get-ok'] ?? 0));
        break;
    }
  }

  /** A connection is called "connection N" (N its number at the tap) until its connection.start-ok names it. */
  private noteActor(actor: string, connection: number | undefined): void {
    this.actorOrder.add(actor);
    const unnamed = `connection ${connection}`;
    if (connection !== undefined && actor !== unnamed && this.actorOrder.has(unnamed)) this.aliases.set(unnamed, actor);
  }

  /**
   * Notes the body of the message a broker decision (the event just folded,
   * at `seq`) was about, when it was about one message the run saw; lets go
   * of those of decisions the timeline let go.
   */
  private noteDecidedBody(seq: number): void {
    const journeys = this.timeline.journeys;
    const { steps } = journeys.stepsBetween(seq - 1, seq);
    const message = steps[0]?.message;
    const body = message === undefined ? undefined : journeys.get(message)?.bodyPreview;
    if (body !== undefined && steps.every((step) => step.message === message)) {
      this.decidedSeqs.push(seq);
      this.decidedBodies.push(body);
    }
    const firstSeq = this.firstSeq;
    while ((this.decidedSeqs[this.decidedStart] ?? Infinity) < firstSeq) this.decidedStart += 1;
    if (this.decidedStart > 0 && this.decidedStart >= this.decidedSeqs.length / 2) {
      this.decidedSeqs = this.decidedSeqs.slice(this.decidedStart);
      this.decidedBodies = this.decidedBodies.slice(this.decidedStart);
      this.decidedStart = 0;
    }
  }

  private noteRole(actor: string, method: string): void {
    const name = this.laneOf(actor);
    if (this.publishedFirst.has(name) || this.receivedFirst.has(name)) return;
    if (method === 'basic.publish') this.publishedFirst.add(name);
    else if (method === 'basic.deliver' || method === 'basic.get-ok') this.receivedFirst.add(name);
  }

  private changed(): void {
    this.version += 1;
    if (this.notifyScheduled || this.listeners.size === 0) return;
    this.notifyScheduled = true;
    this.schedule(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }
}

/** Adds an event to counts by method, decision or kind, as a gap counts what it summarised; a gap adds its own counts. */
export function countEvent(counts: Map<string, number>, event: TraceEvent): void {
  if (event.kind === 'gap') {
    for (const [what, n] of Object.entries(event.counts)) counts.set(what, (counts.get(what) ?? 0) + n);
    return;
  }
  const what = event.kind === 'frame' ? event.method : event.kind === 'broker' ? event.decision : event.kind;
  counts.set(what, (counts.get(what) ?? 0) + 1);
}

/** requestAnimationFrame in a page; a zero timeout where there is none (Node). */
function frameScheduler(): Schedule {
  const page = globalThis as { requestAnimationFrame?: (callback: () => void) => number };
  if (typeof page.requestAnimationFrame === 'function') {
    const requestFrame = page.requestAnimationFrame.bind(globalThis);
    return (callback) => {
      requestFrame(callback);
    };
  }
  return (callback) => {
    setTimeout(callback, 0);
  };
}
