/**
 * Values the broker itself writes into message headers (x-death,
 * x-first-death-*, x-delivery-count), typed as RabbitMQ types them: counts
 * are longs (l) whatever their size, times are timestamps (T) in seconds.
 * A plain number would go out in the smallest integer type that holds it,
 * the way amqplib encodes a client's table, and a Java client would read a
 * Byte where RabbitMQ gives it a Long.
 *
 * A header table the broker adds to comes out sorted by key, as RabbitMQ
 * rewrites it; the publisher's own values keep their exact wire types.
 */
import type { FieldTable, FieldValue } from '../amqp/index.js';

/** An integer sent as a long (l), as RabbitMQ sends every count it writes. */
export function long(value: number): FieldValue {
  return { '!': 'int64', value };
}

/** The current time as a timestamp (T): seconds since the epoch. */
export function timestampNow(): FieldValue {
  return { '!': 'timestamp', value: Math.floor(Date.now() / 1000) };
}

/** The table with its keys in sorted order. */
export function sortedTable(table: FieldTable): FieldTable {
  const sorted: FieldTable = {};
  for (const [key, value] of Object.entries(table).sort(([a], [b]) => (a < b ? -1 : 1))) sorted[key] = value;
  return sorted;
}

/** Headers with one entry set (replaced if present), sorted as RabbitMQ leaves a table it changed. */
export function withHeader(headers: FieldTable | undefined, key: string, value: FieldValue): FieldTable {
  return sortedTable({ ...headers, [key]: value });
}
