/**
 * A clock that stands still while a run is paused, so a worker's "one second
 * per dot" or a run's time bound does not run out while a teacher talks.
 */
import { performance } from 'node:perf_hooks';
import { RunStoppedError } from './errors.js';

/** Timers that count only the time the clock runs. */
export interface PausableClock {
  readonly paused: boolean;
  pause(): void;
  resume(): void;
  /** Resolves after `ms` of running time; rejects with RunStoppedError as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

interface Sleeper {
  remaining: number;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
  wake: () => void;
}

/** Creates a running clock. */
export function createPausableClock(): PausableClock {
  let paused = false;
  const sleepers = new Set<Sleeper>();

  function start(sleeper: Sleeper): void {
    sleeper.startedAt = performance.now();
    sleeper.timer = setTimeout(sleeper.wake, Math.max(0, sleeper.remaining));
  }

  return {
    get paused() {
      return paused;
    },
    pause() {
      if (paused) return;
      paused = true;
      const now = performance.now();
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer);
        sleeper.timer = undefined;
        sleeper.remaining -= now - sleeper.startedAt;
      }
    },
    resume() {
      if (!paused) return;
      paused = false;
      for (const sleeper of sleepers) start(sleeper);
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal.aborted) {
          reject(new RunStoppedError());
          return;
        }
        const onAbort = (): void => {
          clearTimeout(sleeper.timer);
          sleepers.delete(sleeper);
          reject(new RunStoppedError());
        };
        const sleeper: Sleeper = {
          remaining: ms,
          startedAt: 0,
          timer: undefined,
          wake: () => {
            sleepers.delete(sleeper);
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        sleepers.add(sleeper);
        signal.addEventListener('abort', onAbort, { once: true });
        if (!paused) start(sleeper);
      });
    },
  };
}
