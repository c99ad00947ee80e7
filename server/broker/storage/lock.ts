/**
 * One broker per data directory: a lock file holding the process id of the
 * broker using it. A lock left by a process that no longer runs (a crash, a
 * kill -9) is taken over; one held by a running process is refused.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The data directory is in use by another broker. */
export class DataDirectoryLockedError extends Error {}

const LOCK_FILE = 'lock';

/** Takes the directory's lock for this process; returns what releases it. */
export function lockDataDirectory(directory: string): () => void {
  const path = join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(path);
    if (holder !== undefined && isRunning(holder)) {
      const who = holder === process.pid ? 'another broker in this process' : `process ${holder}`;
      throw new DataDirectoryLockedError(
        `data directory ${directory} is in use by ${who}; stop that broker or choose another data directory`,
      );
    }
    try {
      unlinkSync(path);
    } catch {
      // Another broker took the stale lock away first; the next attempt sees who holds it now.
    }
  }
  throw new DataDirectoryLockedError(`data directory ${directory} is being taken by another broker at the same time`);
}

function lockHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
