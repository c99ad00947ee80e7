/**
 * Bounded waits for scenarios. Every wait polls in short sleeps of the run's
 * own clock (ScenarioContext.sleep), so pausing a run pauses the wait too and
 * stopping a run ends it: never a bare setTimeout.
 */
import type { ScenarioContext } from './define.js';

/** The run's sleep: counts only while the run is not paused, rejects when it is stopped. */
export type Sleep = ScenarioContext<unknown>['sleep'];

/** How often a wait looks again: short, so a run ends soon after what it waits for happens. */
const POLL_MS = 20;

/** Waits until `isDone()` holds or `timeoutMs` of run time have passed; true if it held. */
export async function waitUntil(sleep: Sleep, isDone: () => boolean, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; !isDone(); waited += POLL_MS) {
    if (waited >= timeoutMs) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/** What a settling wait watches. */
export interface SettleOptions {
  /** True once everything the scenario waits for has happened. */
  finished(): boolean;
  /** A count that grows whenever something happens (a delivery, a return, a worker stopping). */
  activity(): number;
  /** True while an actor is still working or something is still owed: not quiet, even if nothing arrives. */
  busy?(): boolean;
  /** How long nothing may happen before the wait decides nothing more will. */
  quietMs: number;
  /** The most the wait lasts, whatever happens. */
  timeoutMs: number;
}

/** How a settling wait ended. */
export type SettleOutcome = 'finished' | 'quiet' | 'timed out';

/**
 * Waits until the scenario has finished, or has gone quiet (nothing happened
 * and nobody was busy for `quietMs`), or `timeoutMs` passed. Quiet is how a
 * scenario ends when messages are lost on purpose: nobody can wait for them.
 */
export async function waitUntilSettled(sleep: Sleep, options: SettleOptions): Promise<SettleOutcome> {
  let lastActivity = options.activity();
  let quietFor = 0;
  for (let waited = 0; ; waited += POLL_MS) {
    if (options.finished()) return 'finished';
    const activity = options.activity();
    if (activity !== lastActivity || options.busy?.() === true) {
      lastActivity = activity;
      quietFor = 0;
    } else if (quietFor >= options.quietMs) {
      return 'quiet';
    }
    if (waited >= options.timeoutMs) return 'timed out';
    await sleep(POLL_MS);
    quietFor += POLL_MS;
  }
}
