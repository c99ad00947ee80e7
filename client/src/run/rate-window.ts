/**
 * Events per second over a sliding window of trace time, counted in a few
 * fixed buckets so memory stays the same however fast events come.
 */
export class RateWindow {
  private readonly counts: number[];
  /** Which bucket number (time / bucketMs) each slot currently counts. */
  private readonly slots: number[];

  constructor(
    private readonly bucketMs = 250,
    private readonly bucketCount = 8,
  ) {
    this.counts = new Array<number>(bucketCount).fill(0);
    this.slots = new Array<number>(bucketCount).fill(-1);
  }

  /** Counts `n` events that happened at `time` (milliseconds since the run started). */
  add(time: number, n = 1): void {
    const bucket = Math.floor(time / this.bucketMs);
    const slot = bucket % this.bucketCount;
    if (this.slots[slot] !== bucket) {
      this.slots[slot] = bucket;
      this.counts[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + n;
  }

  /** Events per second in the window that ends at `now`. */
  perSecond(now: number): number {
    const newest = Math.floor(now / this.bucketMs);
    let total = 0;
    for (const [slot, bucket] of this.slots.entries()) {
      if (bucket > newest - this.bucketCount && bucket <= newest) total += this.counts[slot] ?? 0;
    }
    // The newest bucket is only partly over, so the window spans the older
    // full buckets plus the part of the newest up to `now`; early in a run
    // there is less time than that. One bucket at least, so a first event
    // does not read as a burst.
    const oldestStart = Math.max(0, (newest - this.bucketCount + 1) * this.bucketMs);
    const windowMs = Math.max(this.bucketMs, now - oldestStart);
    return (total * 1000) / windowMs;
  }

  /** Forgets every count. */
  clear(): void {
    this.counts.fill(0);
    this.slots.fill(-1);
  }
}
