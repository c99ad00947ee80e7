/** One way to write counts across the run views, so "100,000" reads the same in the counters and the picture. */
const counts = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** A count with thousands separators in the reader's locale. */
export function formatCount(value: number): string {
  return counts.format(value);
}
