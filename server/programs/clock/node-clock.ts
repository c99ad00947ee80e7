/**
 * The run's clock inside a JavaScript actor. Loaded before the program
 * (`node --import`), it makes the program's timers and clocks count only the
 * time the run has been going: setTimeout, setInterval (amqplib's heartbeats
 * among them), node:timers/promises' setTimeout, Date.now and
 * performance.now. A timer whose time comes while the run stands still waits
 * until the run has gone on for as long as it asked.
 *
 * The program itself is left as the learner reads it: nothing here changes
 * what it does, only when its timers find that their time has come. Without
 * the file (a program copied out and run by hand) nothing is changed.
 */
import { readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import { readStoppedTime, runningTime } from './stopped-time.js';

const file = process.env.WARREN_STOPPED_TIME_FILE;
if (file !== undefined && file !== '') installRunClock(file);

function installRunClock(path: string): void {
  const require = createRequire(import.meta.url);
  const timers = require('node:timers') as typeof import('node:timers');
  const timerPromises = require('node:timers/promises') as typeof import('node:timers/promises');

  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  const realDateNow = Date.now.bind(Date);
  const realPerformanceNow = performance.now.bind(performance);

  /** Nanoseconds the run has stood still so far, read afresh each time: the runner may have changed it. */
  const stoppedSoFar = (now: bigint): bigint => now - runningTime(readStoppedTime(readQuietly(path)), now);
  const runningNow = (): bigint => {
    const now = process.hrtime.bigint();
    return now - stoppedSoFar(now);
  };

  /** Node's own rule: a delay below 1 ms or past the largest one is 1 ms. */
  const TIMEOUT_MAX = 2 ** 31 - 1;
  const normalDelay = (ms: unknown): number => {
    const delay = Number(ms);
    return delay >= 1 && delay <= TIMEOUT_MAX ? delay : 1;
  };
  const NS_PER_MS = 1_000_000n;

  const byId = new Map<number, RunTimer>();
  let lastId = 0;

  /** A timer that counts running time: armed on the real clock, it re-arms for what is left when it fires early. */
  class RunTimer {
    readonly id = (lastId += 1);
    private handle: ReturnType<typeof realSetTimeout> | undefined;
    private due: bigint;
    private referenced = true;

    constructor(
      private readonly callback: (...args: unknown[]) => void,
      private readonly delay: number,
      private readonly args: unknown[],
      private readonly repeats: boolean,
    ) {
      this.due = runningNow() + BigInt(Math.round(delay)) * NS_PER_MS;
      byId.set(this.id, this);
      this.arm(delay);
    }

    private arm(ms: number): void {
      this.handle = realSetTimeout(() => this.fire(), ms);
      if (!this.referenced) this.handle.unref();
    }

    private fire(): void {
      const left = this.due - runningNow();
      if (left > 0n) {
        this.arm(Math.max(1, Math.ceil(Number(left) / 1e6)));
        return;
      }
      if (this.repeats) {
        this.due += BigInt(Math.round(this.delay)) * NS_PER_MS;
        this.arm(this.delay);
      } else {
        this.handle = undefined;
        byId.delete(this.id);
      }
      this.callback(...this.args);
    }

    close(): this {
      if (this.handle !== undefined) realClearTimeout(this.handle);
      this.handle = undefined;
      byId.delete(this.id);
      return this;
    }

    ref(): this {
      this.referenced = true;
      this.handle?.ref();
      return this;
    }

    unref(): this {
      this.referenced = false;
      this.handle?.unref();
      return this;
    }

    hasRef(): boolean {
      return this.referenced;
    }

    refresh(): this {
      if (this.handle === undefined) byId.set(this.id, this);
      else realClearTimeout(this.handle);
      this.due = runningNow() + BigInt(Math.round(this.delay)) * NS_PER_MS;
      this.arm(this.delay);
      return this;
    }

    [Symbol.toPrimitive](): number {
      return this.id;
    }

    [Symbol.dispose](): void {
      this.close();
    }
  }

  const clear = (timer: unknown): void => {
    if (timer instanceof RunTimer) timer.close();
    else if (typeof timer === 'number' && byId.has(timer)) byId.get(timer)?.close();
    else if (timer !== undefined && timer !== null) realClearTimeout(timer as Parameters<typeof realClearTimeout>[0]);
  };

  // The replacements keep Node's signatures; the casts say they stand in for Node's own functions.
  const setRunTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): RunTimer =>
    new RunTimer(callback, normalDelay(ms), args, false);
  const setRunInterval = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): RunTimer =>
    new RunTimer(callback, normalDelay(ms), args, true);
  const sleep = <T>(ms?: number, value?: T, options?: { signal?: AbortSignal; ref?: boolean }): Promise<T | undefined> =>
    new Promise((resolve, reject) => {
      const signal = options?.signal;
      if (signal?.aborted === true) {
        reject(abortError(signal));
        return;
      }
      const timer = setRunTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      }, ms);
      if (options?.ref === false) timer.unref();
      const onAbort = (): void => {
        timer.close();
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  for (const target of [globalThis, timers] as Record<string, unknown>[]) {
    target.setTimeout = setRunTimeout;
    target.setInterval = setRunInterval;
    target.clearTimeout = clear;
    target.clearInterval = clear;
  }
  (timerPromises as Record<string, unknown>).setTimeout = sleep;
  syncBuiltinESMExports();

  Date.now = () => realDateNow() - Number(stoppedSoFar(process.hrtime.bigint()) / NS_PER_MS);
  performance.now = () => realPerformanceNow() - Number(stoppedSoFar(process.hrtime.bigint())) / 1e6;
}

/** The file's line, or nothing when it cannot be read (the run is over and it is gone). */
function readQuietly(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  return new DOMException(signal?.reason instanceof Error ? signal.reason.message : 'The operation was aborted', 'AbortError');
}
