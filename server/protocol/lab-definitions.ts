/**
 * The report of a definitions import (POST /api/lab/definitions), as the
 * server sends it and the Lab page shows it. Shared by the server and the
 * browser: types only.
 */
import type { NotImportedGroup } from '../lab/definitions/definitions-format.js';

/** What kind of item a line of the report is about. */
export type ItemKind = 'exchange' | 'queue' | 'binding';

/** One item of the file: its kind and a name a person recognises ('logs', 'logs → q1 (key "info")'). */
export interface ImportedItem {
  kind: ItemKind;
  name: string;
}

/** What importing a definitions file did. */
export interface ImportReport {
  /** The vhost the items went into. */
  vhost: string;
  /** The file's vhost whose items were taken (a whole-broker file); undefined for a per-vhost file. */
  sourceVhost: string | undefined;
  /** Declared, in the order they were. */
  imported: ImportedItem[];
  /** Refused, each with why in words and the broker's reply text. */
  failed: (ImportedItem & { error: string })[];
  /** Items of other vhosts of a whole-broker file, left alone. */
  skipped: (ImportedItem & { vhost: string })[];
  /** Groups of the file the lab does not import, once each, with how many entries and why. */
  notImported: { group: NotImportedGroup; count: number; reason: string }[];
}
