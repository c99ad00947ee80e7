/**
 * Carries runs' trace events to the browsers watching them.
 *
 * Events are not sent one WebSocket message each: a watcher's events wait in
 * a short queue and go out together as one 'trace' message every frame or
 * so (flushIntervalMs), or as soon as a batch is full.
 *
 * A watcher that cannot keep up (its socket's bufferedAmount stays above
 * maxBufferedBytes: a slow network, a busy tab) must not make the server
 * hold an ever-growing backlog. While it lags, its queue is capped at
 * maxQueuedEvents: the oldest events are folded into a tally, and when the
 * socket has room again the watcher first gets one 'gap' event saying how
 * many events it missed and of which kinds, then the newest events. Loss is
 * always reported, never silent: for every watcher, events received plus the
 * `dropped` of its gap events equals the events published while it watched.
 */
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../protocol/messages.js';
import type { TraceEvent, TraceGapEvent } from '../protocol/trace.js';
import { foldIntoGap, gapEventOf, newGapTally, type GapTally } from './gap-tally.js';

/** Tuning for createTraceHub; the defaults suit a browser on loopback or a LAN. */
export interface TraceHubOptions {
  /** Longest wait before queued events are sent, in ms (about one animation frame). */
  flushIntervalMs?: number;
  /** Events per 'trace' message; a full batch is sent at once. */
  maxBatchEvents?: number;
  /** Events a lagging watcher may have queued; older ones are folded into a gap. */
  maxQueuedEvents?: number;
  /** Bytes waiting in a socket beyond which its watcher counts as lagging. */
  maxBufferedBytes?: number;
}

/** What the hub did for one run (or for all runs). */
export interface TraceHubStats {
  /** Sockets watching now. */
  watchers: number;
  /** Events handed to publish. */
  published: number;
  /** Events sent, counted once per watcher (gap events not included). */
  sent: number;
  /** Events summarised into gaps instead of sent, counted once per watcher. */
  dropped: number;
  /** Gap events sent. */
  gaps: number;
}

/** Fan-out of runs' trace events to WebSocket watchers. */
export interface TraceHub {
  /** Starts sending runId's events to socket, from the next one published (no history); returns a function that stops it. */
  attach(runId: string, socket: WebSocket): () => void;
  /** Queues one event for every watcher of runId. */
  publish(runId: string, event: TraceEvent): void;
  /** Sends a non-trace message (status, summary) to runId's watchers, after the events queued before it. */
  send(runId: string, message: ServerMessage): void;
  /** Sends what is queued for runId (or every run) now, even to lagging watchers. */
  flush(runId?: string): void;
  /** Counters for runId, or totals over every run the hub knows. */
  stats(runId?: string): TraceHubStats;
  /** Flushes runId, stops sending it to anyone and forgets its counters. */
  endRun(runId: string): void;
  /** Stops every timer and forgets every run; sockets are left open. */
  close(): void;
}

/** One socket watching one run. */
interface Watcher {
  readonly runId: string;
  readonly socket: WebSocket;
  queue: TraceEvent[];
  gap: GapTally | undefined;
  timer: NodeJS.Timeout | undefined;
  detach: () => void;
}

interface RunState {
  watchers: Set<Watcher>;
  stats: Omit<TraceHubStats, 'watchers'>;
}

/** Creates a hub; one per server is enough, it keeps runs apart by id. */
export function createTraceHub(options: TraceHubOptions = {}): TraceHub {
  const flushIntervalMs = options.flushIntervalMs ?? 16;
  const maxBatchEvents = options.maxBatchEvents ?? 500;
  // About a second of a 10,000 messages/s run (four events a message): a page busy for that long (a full
  // garbage collection, a burst of layout) catches up with every event rather than with a gap.
  const maxQueuedEvents = Math.max(options.maxQueuedEvents ?? 40_000, 2 * maxBatchEvents);
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const runs = new Map<string, RunState>();

  function runState(runId: string): RunState {
    let run = runs.get(runId);
    if (run === undefined) {
      run = { watchers: new Set(), stats: { published: 0, sent: 0, dropped: 0, gaps: 0 } };
      runs.set(runId, run);
    }
    return run;
  }

  function isOpen(socket: WebSocket): boolean {
    return socket.readyState === socket.OPEN;
  }

  function lagging(socket: WebSocket): boolean {
    return socket.bufferedAmount > maxBufferedBytes;
  }

  /** Folds the oldest queued events into the gap tally until at most `keep` remain. */
  function foldOldest(watcher: Watcher, keep: number): void {
    const excess = watcher.queue.length - keep;
    if (excess <= 0) return;
    const folded = watcher.queue.splice(0, excess);
    const gap = (watcher.gap ??= newGapTally());
    let droppedNow = 0;
    for (const event of folded) droppedNow += foldIntoGap(gap, event);
    const stats = runs.get(watcher.runId)?.stats;
    if (stats) stats.dropped += droppedNow;
  }

  function takeGapEvent(watcher: Watcher): TraceGapEvent | undefined {
    const gap = watcher.gap;
    if (gap === undefined) return undefined;
    watcher.gap = undefined;
    return gapEventOf(gap);
  }

  /** Sends queued events in batches while the socket has room (or regardless, when forced). */
  function deliver(watcher: Watcher, force: boolean): void {
    const { socket } = watcher;
    if (socket.readyState === socket.CLOSING || socket.readyState === socket.CLOSED) {
      watcher.detach();
      return;
    }
    const stats = runs.get(watcher.runId)?.stats;
    while (watcher.queue.length > 0 || watcher.gap !== undefined) {
      if (!isOpen(socket) || (!force && lagging(socket))) {
        // Fold a batch's worth at a time, not one event per publish: splicing a long queue is not free.
        if (watcher.queue.length > maxQueuedEvents) foldOldest(watcher, maxQueuedEvents - maxBatchEvents);
        schedule(watcher);
        return;
      }
      const batch = watcher.queue.length <= maxBatchEvents ? watcher.queue : watcher.queue.slice(0, maxBatchEvents);
      watcher.queue = batch === watcher.queue ? [] : watcher.queue.slice(maxBatchEvents);
      const gapEvent = takeGapEvent(watcher);
      const events: TraceEvent[] = gapEvent ? [gapEvent, ...batch] : batch;
      const message: ServerMessage = { type: 'trace', runId: watcher.runId, events };
      socket.send(JSON.stringify(message));
      if (stats) {
        stats.sent += batch.length;
        if (gapEvent) stats.gaps += 1;
      }
    }
  }

  function schedule(watcher: Watcher): void {
    if (watcher.timer !== undefined) return;
    watcher.timer = setTimeout(() => {
      watcher.timer = undefined;
      deliver(watcher, false);
    }, flushIntervalMs);
    watcher.timer.unref();
  }

  function watchersOf(runId: string | undefined): Watcher[] {
    if (runId !== undefined) return [...(runs.get(runId)?.watchers ?? [])];
    return [...runs.values()].flatMap((run) => [...run.watchers]);
  }

  return {
    attach(runId, socket) {
      const run = runState(runId);
      const onClose = () => watcher.detach();
      const watcher: Watcher = {
        runId,
        socket,
        queue: [],
        gap: undefined,
        timer: undefined,
        detach: () => {
          if (watcher.timer !== undefined) clearTimeout(watcher.timer);
          watcher.timer = undefined;
          socket.off('close', onClose);
          run.watchers.delete(watcher);
        },
      };
      socket.on('close', onClose);
      run.watchers.add(watcher);
      return watcher.detach;
    },
    publish(runId, event) {
      const run = runState(runId);
      run.stats.published += 1;
      for (const watcher of run.watchers) {
        watcher.queue.push(event);
        if (watcher.queue.length >= maxBatchEvents) deliver(watcher, false);
        else schedule(watcher);
      }
    },
    send(runId, message) {
      for (const watcher of watchersOf(runId)) {
        deliver(watcher, true);
        if (isOpen(watcher.socket)) watcher.socket.send(JSON.stringify(message));
      }
    },
    flush(runId) {
      for (const watcher of watchersOf(runId)) deliver(watcher, true);
    },
    stats(runId) {
      const selected = runId === undefined ? [...runs.values()] : [runs.get(runId)].filter((run) => run !== undefined);
      const total: TraceHubStats = { watchers: 0, published: 0, sent: 0, dropped: 0, gaps: 0 };
      for (const run of selected) {
        total.watchers += run.watchers.size;
        total.published += run.stats.published;
        total.sent += run.stats.sent;
        total.dropped += run.stats.dropped;
        total.gaps += run.stats.gaps;
      }
      return total;
    },
    endRun(runId) {
      for (const watcher of watchersOf(runId)) {
        deliver(watcher, true);
        watcher.detach();
      }
      runs.delete(runId);
    },
    close() {
      for (const watcher of watchersOf(undefined)) watcher.detach();
      runs.clear();
    },
  };
}
