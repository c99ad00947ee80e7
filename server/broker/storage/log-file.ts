/**
 * An append-only file written with group commit: records appended during
 * one turn of the event loop go to disk together, in one write and one
 * fdatasync, and whoever waits for them is called once that fdatasync is
 * done. While one batch is being written the next one gathers, so a busy
 * broker pays one disk flush per batch, not per message.
 */
import { closeSync, fdatasync, fsyncSync, openSync, renameSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** The log file being appended to. */
export class LogFile {
  /** Size of the file, batches being written included. */
  size: number;
  private fd: number;
  private pending: Buffer[] = [];
  private waiting: (() => void)[] = [];
  private batchListeners: (() => void)[] = [];
  private writing = false;
  private scheduled = false;
  private failed: Error | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Called between batches, when nothing is being written: the place to rewrite the file. */
  betweenBatches: (() => void) | undefined;

  constructor(
    readonly path: string,
    size: number,
  ) {
    this.fd = openSync(path, 'a');
    this.size = size;
  }

  /** Queues a record for the next batch. */
  append(record: Buffer): void {
    if (this.closed) return;
    this.pending.push(record);
    this.size += record.length;
    this.schedule();
  }

  /**
   * Calls done once everything appended so far is on disk. taken, if
   * given, is called when the batch done waits for is closed: whatever was
   * appended before that is on disk when done is called.
   */
  afterSync(done: () => void, taken?: () => void): void {
    this.waiting.push(done);
    if (taken !== undefined) this.batchListeners.push(taken);
    this.schedule();
  }

  /** Resolves once nothing is pending or being written (or the disk has failed). */
  flushed(): Promise<void> {
    if (this.failed !== undefined || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.afterSync(resolve);
      this.idleWaiters.push(resolve);
    });
  }

  /** Why the disk refused a write, if it did: confirms are never sent after that. */
  get error(): Error | undefined {
    return this.failed;
  }

  private schedule(): void {
    if (this.scheduled || this.writing || this.closed) return;
    this.scheduled = true;
    setImmediate(() => this.writeBatch());
  }

  private writeBatch(): void {
    this.scheduled = false;
    if (this.closed || this.failed !== undefined) return;
    this.betweenBatches?.();
    for (const taken of this.batchListeners.splice(0)) taken();
    if (this.pending.length === 0 && this.waiting.length === 0) return;
    const bytes = this.pending.length === 1 ? (this.pending[0] ?? Buffer.alloc(0)) : Buffer.concat(this.pending);
    const waiting = this.waiting;
    this.pending = [];
    this.waiting = [];
    this.writing = true;
    this.writeAll(bytes, 0, (error) => {
      if (error !== null) {
        this.fail(error);
        return;
      }
      fdatasync(this.fd, (syncError) => {
        if (syncError !== null) {
          this.fail(syncError);
          return;
        }
        this.writing = false;
        for (const done of waiting) done();
        if (this.pending.length > 0 || this.waiting.length > 0) this.schedule();
      });
    });
  }

  private writeAll(bytes: Buffer, from: number, done: (error: Error | null) => void): void {
    if (from >= bytes.length) {
      done(null);
      return;
    }
    write(this.fd, bytes, from, bytes.length - from, null, (error, written) => {
      if (error !== null) {
        done(error);
        return;
      }
      this.writeAll(bytes, from + written, done);
    });
  }

  private fail(error: Error): void {
    this.writing = false;
    this.failed = error;
    for (const done of this.idleWaiters.splice(0)) done();
    console.error(`[warren broker] cannot write ${this.path}: ${error.message}; nothing more is kept and no confirm is sent`);
  }

  /**
   * Replaces the file with other contents (a compacted copy): written to a
   * temporary file, flushed, then renamed over the log. Only between
   * batches. Whoever waited for the records it replaces is called.
   */
  replaceWith(chunks: Iterable<Buffer>): void {
    const temporary = `${this.path}.new`;
    const fd = openSync(temporary, 'w');
    let size = 0;
    try {
      for (const chunk of chunks) {
        for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
        size += chunk.length;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    syncDirectory(dirname(this.path));
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
    this.size = size;
    this.pending = [];
  }

  /** Writes what is pending and closes the file, synchronously; only when nothing is being written. */
  closeNow(last?: Buffer): void {
    if (this.closed) return;
    this.closed = true;
    if (this.failed === undefined) {
      const bytes = Buffer.concat(last === undefined ? this.pending : [...this.pending, last]);
      for (let at = 0; at < bytes.length;) at += writeSync(this.fd, bytes, at, bytes.length - at);
      fsyncSync(this.fd);
    }
    this.pending = [];
    closeSync(this.fd);
  }

  /** Whether an asynchronous write is under way (closing must wait for it). */
  get busy(): boolean {
    return this.writing;
  }
}

/** Flushes a directory, so a rename in it survives a crash. */
export function syncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
