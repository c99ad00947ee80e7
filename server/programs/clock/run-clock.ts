/**
 * The runner's side of a run's clock: the file every actor's program reads
 * (see stopped-time.ts). Stopping the clock writes when the stop began;
 * letting it go again adds the stop to the time stood still. Each change
 * is written whole to a new file and renamed over the old one, so a program
 * never reads half a line.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NEVER_STOPPED, writeStoppedTime, type StoppedTime } from './stopped-time.js';

/** A run's clock as its programs see it. */
export interface RunClock {
  /** The file to give the programs (WARREN_STOPPED_TIME_FILE). */
  readonly file: string;
  readonly stopped: boolean;
  /** Stands the programs' clocks still; write this before freezing them. */
  stop(): void;
  /** Lets them go on; write this before thawing them, so they wake to the right time. */
  go(): void;
  /** Removes the file: the run is over, and later stops and goes change nothing on disk. */
  close(): void;
}

/** The name the programs find the file under. */
export const STOPPED_TIME_VARIABLE = 'WARREN_STOPPED_TIME_FILE';

/** Creates a running clock, its file in a folder of its own under the system's temporary folder. */
export function createRunClock(): RunClock {
  const folder = mkdtempSync(join(tmpdir(), 'warren-clock-'));
  const file = join(folder, 'stopped-time');
  let time: StoppedTime = NEVER_STOPPED;
  let closed = false;
  const write = (next: StoppedTime): void => {
    time = next;
    // Once the run is over there are no programs left to read it.
    if (closed) return;
    writeFileSync(`${file}.next`, writeStoppedTime(next));
    renameSync(`${file}.next`, file);
  };
  write(NEVER_STOPPED);
  return {
    file,
    get stopped() {
      return time.since !== null;
    },
    stop() {
      if (time.since === null) write({ before: time.before, since: process.hrtime.bigint() });
    },
    go() {
      if (time.since !== null) write({ before: time.before + (process.hrtime.bigint() - time.since), since: null });
    },
    close() {
      closed = true;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
