/**
 * Everything a run cell shows, derived from the server's messages about one
 * run: status, topology, sequence rows, totals and rates, broker state and
 * the moves to animate. Plain TypeScript, no DOM, so it runs in Node tests.
 *
 * Memory stays flat however long the run: rows, moves and every matching
 * table are bounded. Listeners hear about changes at most once per animation
 * frame, however many events a frame brings.
 */
import type { BrokerStateEvent, RunFailure, RunStatus, RunSummary, ServerMessage, TraceEvent } from '../../../server/protocol/index.js';
import type { MessageMove } from './message-moves.js';
import { RateWindow } from './rate-window.js';
import { RingBuffer } from './ring-buffer.js';
import { rowFor, type SequenceRow } from './sequence-rows.js';
import { TopologyTracker } from './topology-tracker.js';
import type { RunCounters, Topology } from './topology-types.js';

/** How many sequence rows a model keeps unless told otherwise. */
export const DEFAULT_MAX_ROWS = 5000;

/** Statuses after which a run sends nothing more. */
const ENDED: ReadonlySet<RunStatus> = new Set(['finished', 'stopped', 'failed']);

/** Messages per second, published and delivered, over the last two seconds of the run. */
export interface RunRates {
  published: number;
  delivered: number;
}

/** Options for a model; all optional. */
export interface RunModelOptions {
  /** Only messages about this run are taken; others are ignored. */
  runId?: string;
  /** How many sequence rows to keep (the newest); older ones are counted. */
  maxRows?: number;
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
  /** The newest broker snapshot. */
  brokerState: BrokerStateEvent | undefined;
  /** seq and time (ms since the run started) of the newest event. */
  lastSeq = 0;
  lastTime = 0;
  /** Increases whenever anything changes. */
  version = 0;
  /** Increases on every reset: views that keep their own copies start over when it changes. */
  generation = 0;

  private readonly runId: string | undefined;
  private readonly rows: RingBuffer<SequenceRow>;
  private tracker = new TopologyTracker();
  private readonly publishRate = new RateWindow();
  private readonly deliverRate = new RateWindow();
  /** Actors in the order they first appeared, for the sequence view's lanes. */
  private readonly actorOrder = new Set<string>();
  /** "connection 3" -> the name that connection gave itself once it said it. */
  private readonly aliases = new Map<string, string>();
  /** Connections that sent their protocol header and have not named themselves yet, oldest first. */
  private readonly unnamed: string[] = [];
  private readonly listeners = new Set<() => void>();
  private notifyScheduled = false;
  private readonly schedule: Schedule;

  constructor(options: RunModelOptions = {}) {
    this.runId = options.runId;
    this.rows = new RingBuffer(options.maxRows ?? DEFAULT_MAX_ROWS);
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
        this.takeSummary(message.summary);
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
    this.brokerState = undefined;
    this.lastSeq = 0;
    this.lastTime = 0;
    this.rows.clear();
    this.tracker = new TopologyTracker();
    this.publishRate.clear();
    this.deliverRate.clear();
    this.actorOrder.clear();
    this.aliases.clear();
    this.unnamed.length = 0;
    this.generation += 1;
    this.changed();
  }

  /** True once the run has ended (finished, stopped or failed). */
  get ended(): boolean {
    return this.status !== 'idle' && ENDED.has(this.status);
  }

  /** The totals so far. */
  get counters(): RunCounters {
    return this.tracker.counters;
  }

  /** Messages per second now; zero while paused and once the run has ended. */
  get rates(): RunRates {
    if (this.ended || this.status === 'paused') return { published: 0, delivered: 0 };
    return { published: this.publishRate.perSecond(this.lastTime), delivered: this.deliverRate.perSecond(this.lastTime) };
  }

  /** Actors, exchanges, queues, bindings and consumers, with what went through each. */
  topology(): Topology {
    return this.tracker.topology();
  }

  /** How many sequence rows are kept. */
  get rowCount(): number {
    return this.rows.length;
  }

  /** How many older rows were let go to keep memory flat. */
  get olderRowCount(): number {
    return this.rows.dropped;
  }

  /** A kept row, 0 being the oldest kept. */
  rowAt(index: number): SequenceRow | undefined {
    return this.rows.at(index);
  }

  /** Actors by first appearance, each connection under the name it gave itself. */
  actors(): string[] {
    return [...this.actorOrder].filter((actor) => !this.aliases.has(actor));
  }

  /** The name a connection gave itself ("connection 2" before it said its name). */
  laneOf(actor: string): string {
    return this.aliases.get(actor) ?? actor;
  }

  /** The queue a consumer tag consumes from, as far as the trace told. */
  consumerQueue(actor: string, channel: number, tag: string): string | undefined {
    return this.tracker.consumerQueue(actor, channel, tag);
  }

  /** Moves with an id of `fromId` or more that are still kept, and how many were let go before them. */
  movesSince(fromId: number): { moves: MessageMove[]; missed: number } {
    return this.tracker.moves.since(fromId);
  }

  /** The id the next move will get. */
  get nextMoveId(): number {
    return this.tracker.moves.nextMoveId;
  }

  private take(event: TraceEvent): void {
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    this.lastTime = Math.max(this.lastTime, event.time);
    const row = rowFor(event);
    if (row !== undefined) this.rows.push(row);
    switch (event.kind) {
      case 'frame':
        this.noteActor(event.actor, event.method);
        if (event.method === 'basic.publish' && event.direction === 'to-broker') this.publishRate.add(event.time);
        if ((event.method === 'basic.deliver' || event.method === 'basic.get-ok') && event.direction === 'to-client') {
          this.deliverRate.add(event.time);
        }
        this.tracker.frame(event);
        break;
      case 'broker':
        this.tracker.decision(event);
        break;
      case 'log':
        this.noteActor(event.actor, undefined);
        break;
      case 'state':
        this.brokerState = event;
        this.tracker.snapshot(event);
        break;
      case 'gap':
        this.tracker.gap(event);
        this.publishRate.add(event.time, event.counts['basic.publish'] ?? 0);
        this.deliverRate.add(event.time, (event.counts['basic.deliver'] ?? 0) + (event.counts['basic.get-ok'] ?? 0));
        break;
    }
  }

  /**
   * A connection is called "connection N" until its connection.start-ok names
   * it; connections name themselves in the order they connected, so the
   * oldest unnamed one takes the name.
   */
  private noteActor(actor: string, method: string | undefined): void {
    this.actorOrder.add(actor);
    if (method === 'protocol-header') {
      this.unnamed.push(actor);
    } else if (method === 'connection.start-ok') {
      const own = this.unnamed.indexOf(actor);
      if (own >= 0) {
        this.unnamed.splice(own, 1);
      } else {
        const unnamed = this.unnamed.shift();
        if (unnamed !== undefined) this.aliases.set(unnamed, actor);
      }
    }
  }

  private takeSummary(summary: RunSummary): void {
    const counters = this.tracker.counters;
    Object.assign(counters, {
      published: summary.published,
      delivered: Object.values(summary.delivered).reduce((total, count) => total + count, 0),
      acked: summary.acked,
      nacked: summary.nacked,
      requeued: summary.requeued,
      returned: summary.returned,
      dropped: summary.dropped,
      deadLettered: summary.deadLettered,
    });
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
