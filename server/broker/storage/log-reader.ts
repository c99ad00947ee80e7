/**
 * Reads the broker's log back a chunk at a time, so that starting on a
 * large data directory never holds the whole file in memory: a log of a
 * million messages is hundreds of megabytes, and the broker only needs
 * each record long enough to apply it. A record that straddles two chunks
 * is carried over to the next read; one larger than a chunk gets a buffer
 * of its own size.
 *
 * Reading stops at the first record that is cut short or does not match
 * its checksum, as a write torn by a crash leaves it: everything before is
 * kept, and the caller cuts the file there.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { checksum } from './checksum.js';
import { FRAME_OVERHEAD } from './records.js';

/** Bytes read from the file at a time. */
export const READ_CHUNK = 1024 * 1024;

/** Where reading stopped: the end of the last intact record, and the file's size (anything between is a torn tail). */
export interface LogExtent {
  goodLength: number;
  fileSize: number;
}

/**
 * Hands every whole, intact record of the file at path to visit, in order.
 * The payload is a view into a buffer that the next read overwrites: visit
 * copies what it keeps. A missing file reads as an empty one.
 */
export function readLogFile(path: string, visit: (kind: number, payload: Buffer) => void, chunkSize = READ_CHUNK): LogExtent {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { goodLength: 0, fileSize: 0 };
    throw error;
  }
  try {
    const fileSize = fstatSync(fd).size;
    return { goodLength: fileSize === 0 ? 0 : readRecords(fd, fileSize, visit, chunkSize), fileSize };
  } finally {
    closeSync(fd);
  }
}

/** Returns where the last intact record ends. */
function readRecords(fd: number, fileSize: number, visit: (kind: number, payload: Buffer) => void, chunkSize: number): number {
  let buffer = Buffer.allocUnsafe(Math.min(chunkSize, fileSize));
  /** Where buffer[0] is in the file. */
  let bufferAt = 0;
  /** The first byte in buffer not yet read as a record, and the end of what was read into it. */
  let start = 0;
  let end = 0;
  for (;;) {
    while (end - start >= FRAME_OVERHEAD + 1) {
      const length = buffer.readUInt32BE(start);
      const recordEnd = start + FRAME_OVERHEAD + length;
      // A length that runs past the end of the file is a torn (or garbled) record: nothing after it can be trusted.
      if (length < 1 || bufferAt + recordEnd > fileSize) return bufferAt + start;
      if (recordEnd > end) break;
      if (checksum(buffer, start + FRAME_OVERHEAD, recordEnd) !== buffer.readUInt32BE(start + 4)) return bufferAt + start;
      visit(buffer[start + FRAME_OVERHEAD] ?? 0, buffer.subarray(start + FRAME_OVERHEAD + 1, recordEnd));
      start = recordEnd;
    }
    if (bufferAt + end >= fileSize) return bufferAt + start;
    // Keep the unread part of a record at the front, in a buffer big enough for all of it
    // (and back to a chunk's size after a record that needed more).
    const carried = end - start;
    const recordSize = carried >= FRAME_OVERHEAD ? FRAME_OVERHEAD + buffer.readUInt32BE(start) : 0;
    if (recordSize <= buffer.length && (buffer.length <= chunkSize || recordSize > chunkSize)) {
      buffer.copy(buffer, 0, start, end);
    } else {
      const resized = Buffer.allocUnsafe(Math.max(chunkSize, recordSize));
      buffer.copy(resized, 0, start, end);
      buffer = resized;
    }
    bufferAt += start;
    start = 0;
    end = carried;
    const read = readSync(fd, buffer, end, buffer.length - end, bufferAt + end);
    // The file ended sooner than its size said (truncated while being read): what is left is a torn tail.
    if (read === 0) return bufferAt;
    end += read;
  }
}
