/**
 * A definitions import's report (POST /api/lab/definitions) in the words a
 * person reads: how many of each kind went in, and each item that did not
 * with why. Plain TypeScript, no DOM.
 */
import type { ImportedItem, ImportReport, ItemKind } from '../../../server/protocol/lab-definitions.js';

export type { ImportReport } from '../../../server/protocol/lab-definitions.js';

const KIND_WORDS: Readonly<Record<ItemKind, [one: string, many: string]>> = {
  exchange: ['exchange', 'exchanges'],
  queue: ['queue', 'queues'],
  binding: ['binding', 'bindings'],
};

/** '1 queue', '3 exchanges'. */
export function countOf(count: number, kind: ItemKind): string {
  const [one, many] = KIND_WORDS[kind];
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}

/** The items by kind, in the order exchanges, queues, bindings, leaving out kinds with none: '3 exchanges, 5 queues'. */
export function countsOf(items: readonly ImportedItem[]): string {
  const kinds: ItemKind[] = ['exchange', 'queue', 'binding'];
  return kinds
    .map((kind) => ({ kind, count: items.filter((item) => item.kind === kind).length }))
    .filter(({ count }) => count > 0)
    .map(({ kind, count }) => countOf(count, kind))
    .join(', ');
}

/** The report's first line: 'Imported 3 exchanges, 5 queues, 4 bindings into vhost "/".', or that nothing was. */
export function importHeadline(report: ImportReport): string {
  const from = report.sourceVhost === undefined ? '' : ` from the file's vhost "${report.sourceVhost}"`;
  if (report.imported.length === 0) return `Nothing was imported into vhost "${report.vhost}"${from}.`;
  return `Imported ${countsOf(report.imported)} into vhost "${report.vhost}"${from}.`;
}

/** '<kind> <name>', as each line about one item starts: 'queue orders', 'binding logs → q1 (routing key "")'. */
export function itemName(item: ImportedItem): string {
  return `${item.kind} ${item.name}`;
}
