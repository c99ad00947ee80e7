/** Which vhost's items of a whole-broker file to import. */
import type { Definitions } from './definitions-format.js';

/** A choice of source vhost that cannot be made: several vhosts and none chosen, or the chosen one has no items. */
export class SourceVhostError extends Error {
  /** The vhosts the file has exchanges, queues or bindings for. */
  readonly vhosts: string[];

  constructor(message: string, vhosts: string[]) {
    super(message);
    this.name = 'SourceVhostError';
    this.vhosts = vhosts;
  }
}

/** Every vhost named by an exchange, queue or binding of the file, in the order first met. */
export function vhostsWithItems(definitions: Definitions): string[] {
  const items = [...definitions.exchanges, ...definitions.queues, ...definitions.bindings];
  return [...new Set(items.flatMap((item) => (item.vhost === undefined ? [] : [item.vhost])))];
}

/**
 * The vhost whose items to import: undefined for a per-vhost file (all its items are taken); for a whole-broker
 * file `chosen`, else '/' when it has items, else the only vhost that has any. Throws SourceVhostError otherwise.
 */
export function chooseSourceVhost(definitions: Definitions, chosen: string | undefined): string | undefined {
  if (definitions.form === 'vhost') return undefined;
  const vhosts = vhostsWithItems(definitions);
  const listed = vhosts.map((vhost) => `"${vhost}"`).join(', ');
  if (chosen !== undefined) {
    if (vhosts.includes(chosen)) return chosen;
    throw new SourceVhostError(`the file has no exchanges, queues or bindings in vhost "${chosen}"; it has some in ${listed}`, vhosts);
  }
  if (vhosts.includes('/')) return '/';
  const [only] = vhosts;
  if (vhosts.length === 1 && only !== undefined) return only;
  throw new SourceVhostError(
    `the file holds exchanges, queues or bindings of several vhosts (${listed}) and none of them is "/": choose the one to import`,
    vhosts,
  );
}
