/**
 * The trace of one run as it happens: every part of a run (the tap, the
 * broker, the actors, the state poller) adds events here, and the recorder
 * gives each its place (seq) and moment (time), so events from different
 * sources share one order and one clock.
 */
import { performance } from 'node:perf_hooks';
import type { TraceEvent } from '../protocol/trace.js';

/** Omit applied to each member of a union separately, so the result stays a discriminated union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as a source describes it; the recorder adds seq and time. */
export type NewTraceEvent = DistributiveOmit<TraceEvent, 'seq' | 'time'>;

/** One run's trace: numbers events and hands them to whoever listens. */
export interface TraceRecorder {
  /** Stamps the event with the next seq and the time since the run started, tells the listeners, and returns it. */
  add(event: NewTraceEvent): TraceEvent;
  /** Calls listener for every event added from now on; returns a function that stops it. */
  subscribe(listener: (event: TraceEvent) => void): () => void;
  /** How many events have been added. */
  readonly count: number;
}

/** Options for createTraceRecorder. */
export interface TraceRecorderOptions {
  /** Milliseconds on any monotonic clock; the run starts when the recorder is created. Defaults to performance.now. */
  now?: () => number;
  /** Told when a listener throws; the other listeners and the source that added the event carry on. Defaults to console.error. */
  onListenerError?: (error: unknown) => void;
}

/** Creates the recorder for one run. */
export function createTraceRecorder(options: TraceRecorderOptions = {}): TraceRecorder {
  const now = options.now ?? (() => performance.now());
  const onListenerError = options.onListenerError ?? ((error: unknown) => console.error('trace listener failed:', error));
  const startedAt = now();
  let listeners: ((event: TraceEvent) => void)[] = [];
  let count = 0;

  return {
    add(event) {
      count += 1;
      // Microsecond resolution is plenty to order and time frames, and keeps the JSON short.
      const time = Math.round((now() - startedAt) * 1000) / 1000;
      // kind, seq and time first, so a JSON line reads naturally.
      const stamped = Object.assign({ kind: event.kind, seq: count, time }, event);
      // A source (the tap's socket handler) must never be broken by a faulty listener.
      for (const listener of listeners) {
        try {
          listener(stamped);
        } catch (error) {
          onListenerError(error);
        }
      }
      return stamped;
    },
    subscribe(listener) {
      // A new array, so a listener that unsubscribes while events are being delivered does not skip another.
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    get count() {
      return count;
    },
  };
}
