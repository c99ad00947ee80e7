/**
 * How long a run's clock has stood still, as the actors' programs read it.
 *
 * A run's programs are separate processes, and a paused run must not let
 * their own timers (an RPC client's timeout, a worker's second per dot) run
 * out behind the learner's back. The runner keeps one small file per run
 * saying how much time the run has spent stopped, and since when it has been
 * stopped if it is now; a clock loaded into each program (node-clock.ts,
 * python_clock/sitecustomize.py) reads it and counts only the time the run
 * has been going.
 *
 * Both sides measure with the system's monotonic clock (CLOCK_MONOTONIC, which
 * Node's process.hrtime and Python's time.monotonic_ns both read), so the
 * numbers mean the same in every process. The file holds one line:
 * "<nanoseconds stopped before> <nanoseconds at which the current stop began, or ->".
 */

/** The run's stopped time, read from or written to the file. */
export interface StoppedTime {
  /** Nanoseconds the run stood still in stops that have ended. */
  before: bigint;
  /** The monotonic time at which the current stop began, or null while the run goes. */
  since: bigint | null;
}

/** A run that has never stopped. */
export const NEVER_STOPPED: StoppedTime = { before: 0n, since: null };

/** The file's line for `time`. */
export function writeStoppedTime(time: StoppedTime): string {
  return `${time.before} ${time.since ?? '-'}\n`;
}

/** Reads the file's line; a line that cannot be read counts as never stopped. */
export function readStoppedTime(line: string): StoppedTime {
  const match = /^(\d+) (\d+|-)\s*$/.exec(line);
  if (match === null) return NEVER_STOPPED;
  const [, before = '0', since = '-'] = match;
  return { before: BigInt(before), since: since === '-' ? null : BigInt(since) };
}

/** Nanoseconds of running time at monotonic time `now`: the time since the system started, less every stop. */
export function runningTime(time: StoppedTime, now: bigint): bigint {
  const stoppedNow = time.since === null || now < time.since ? 0n : now - time.since;
  return now - time.before - stoppedNow;
}
