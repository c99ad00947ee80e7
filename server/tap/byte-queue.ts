/**
 * The bytes a tap has received on one side and not yet passed on. The tap
 * forwards exactly what it received, a whole frame (or message) at a time,
 * so this hands out the received bytes again by length, as ranges of the
 * original chunks: nothing is re-encoded or copied, and no Buffer is made
 * until the bytes are written (a frame cut from a chunk costs a few numbers,
 * not a Buffer view, and a chunk passed on whole is written as it came).
 */

/** Bytes [from, to) of one received chunk. */
interface ChunkRange {
  readonly chunk: Buffer;
  readonly from: number;
  to: number;
}

/** Received bytes in order, as ranges of the chunks they arrived in; ranges that follow on in one chunk merge. */
export class WireBytes {
  private readonly ranges: ChunkRange[] = [];
  private total = 0;

  /** A chunk's bytes [from, to), or all of it. */
  static of(chunk: Buffer, from = 0, to = chunk.length): WireBytes {
    const bytes = new WireBytes();
    bytes.append(chunk, from, to);
    return bytes;
  }

  /** Total bytes held. */
  get length(): number {
    return this.total;
  }

  /** Appends chunk[from, to), extending the last range when the new bytes follow it directly in the same chunk. */
  append(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.total += to - from;
    const last = this.ranges[this.ranges.length - 1];
    if (last?.chunk === chunk && last.to === from) last.to = to;
    else this.ranges.push({ chunk, from, to });
  }

  /** Appends every byte of other, in order. */
  appendAll(other: WireBytes): void {
    for (const range of other.ranges) this.append(range.chunk, range.from, range.to);
  }

  /** The bytes as Buffers to write, one per range: a range that is a whole chunk is the chunk itself. */
  buffers(): Buffer[] {
    return this.ranges.map(({ chunk, from, to }) => (from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to)));
  }

  /** The bytes as one Buffer (copied only when they span more than one range). */
  toBuffer(): Buffer {
    const buffers = this.buffers();
    const [only] = buffers;
    return buffers.length === 1 && only !== undefined ? only : Buffer.concat(buffers, this.total);
  }
}

/** Received bytes waiting to be cut into frames, handed out by length. */
export class ByteQueue {
  private readonly chunks: Buffer[] = [];
  /** Read position inside chunks[0]. */
  private headOffset = 0;
  private available = 0;

  /** Bytes waiting. */
  get length(): number {
    return this.available;
  }

  /** Adds received bytes; the chunk must not be modified afterwards. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.length;
  }

  /** The first byte waiting, or undefined when none is. */
  peekByte(): number | undefined {
    return this.available === 0 ? undefined : this.chunks[0]?.[this.headOffset];
  }

  /** Removes the next n bytes (n <= length) and appends them to `into`. */
  takeInto(n: number, into: WireBytes): void {
    if (n > this.available) throw new RangeError(`asked for ${n} bytes but only ${this.available} are waiting`);
    this.available -= n;
    let left = n;
    while (left > 0) {
      const chunk = this.chunks[0];
      if (chunk === undefined) throw new Error('bytes were counted as waiting but no chunk holds them');
      const from = this.headOffset;
      const count = Math.min(chunk.length - from, left);
      into.append(chunk, from, from + count);
      left -= count;
      if (from + count === chunk.length) {
        this.chunks.shift();
        this.headOffset = 0;
      } else {
        this.headOffset = from + count;
      }
    }
  }
}
