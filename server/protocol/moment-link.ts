/**
 * How lesson prose links to a named moment of a run cell:
 * `[while worker 1 is stopped](#moment:seven-tasks/worker-stopped)`, or
 * `(#moment:worker-stopped)` for a moment of the nearest run cell above the
 * link. The lesson loader checks every such link; the browser turns it into
 * a button that moves the cell's cursor there.
 */

/** What a link's address starts with when it points at a moment. */
export const MOMENT_LINK_PREFIX = '#moment:';

/** A moment link taken apart: the cell (absent in the short form) and the moment's id. */
export interface MomentLink {
  cell: string | undefined;
  moment: string;
}

/** The moment a link's address points at, or undefined when it is not a moment link. */
export function parseMomentLink(href: string): MomentLink | undefined {
  if (!href.startsWith(MOMENT_LINK_PREFIX)) return undefined;
  const target = href.slice(MOMENT_LINK_PREFIX.length);
  const slash = target.indexOf('/');
  if (slash < 0) return { cell: undefined, moment: target };
  return { cell: target.slice(0, slash), moment: target.slice(slash + 1) };
}
