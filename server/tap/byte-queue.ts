/**
 * The bytes a tap has received on one side and not yet passed on. The tap
 * forwards exactly what it received, a whole frame (or message) at a time,
 * so this hands out the received bytes again by length, as views of the
 * original chunks: nothing is re-encoded and, mostly, nothing is copied.
 */
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

  /** Removes the next n bytes (n <= length) and appends them to `into` as views of the received chunks. */
  takeInto(n: number, into: Buffer[]): void {
    if (n > this.available) throw new RangeError(`asked for ${n} bytes but only ${this.available} are waiting`);
    this.available -= n;
    let left = n;
    while (left > 0) {
      const chunk = this.chunks[0];
      if (chunk === undefined) throw new Error('bytes were counted as waiting but no chunk holds them');
      const from = this.headOffset;
      const count = Math.min(chunk.length - from, left);
      appendView(into, chunk, from, from + count);
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

/**
 * Appends chunk[from, to) to a list of views, extending the last view when
 * the new bytes follow it directly in the same chunk, so consecutive frames
 * of one received chunk go out as one write.
 */
export function appendView(into: Buffer[], chunk: Buffer, from: number, to: number): void {
  const last = into[into.length - 1];
  if (last?.buffer === chunk.buffer && last.byteOffset + last.length === chunk.byteOffset + from) {
    into[into.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + (to - from));
    return;
  }
  into.push(chunk.subarray(from, to));
}

/** Appends every view of `views` to `into`, merging neighbours as appendView does. */
export function appendViews(into: Buffer[], views: readonly Buffer[]): void {
  for (const view of views) appendView(into, view, 0, view.length);
}
