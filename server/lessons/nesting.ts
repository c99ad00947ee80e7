/**
 * How deep a run's parameters may nest. No lesson's parameters go deeper than
 * a few levels; a value nested thousands of levels deep would exhaust the
 * stack of every function that walks it, so it is refused before any does.
 */

/** The most levels of objects and lists a run's parameters may nest. */
export const MAX_PARAM_DEPTH = 32;

/**
 * The keys leading to the first object or list nested more than `limit`
 * levels deep in `value` (`{a: {b: {}}}` is three levels deep), or undefined
 * when none is. Walks with a list of its own instead of recursion, so any
 * depth is safe to measure.
 */
export function pathDeeperThan(value: unknown, limit: number): string[] | undefined {
  const pending: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.path.length >= limit) return next.path;
    for (const [key, inner] of Object.entries(next.value)) pending.push({ value: inner, path: [...next.path, key] });
  }
  return undefined;
}

/** A path for a message, cut to its first few keys: 'message.a.a.a...'. */
export function shortPath(path: string[]): string {
  const shown = 4;
  return path.length > shown ? `${path.slice(0, shown).join('.')}...` : path.join('.');
}
