/**
 * Dead-lettering: what a message looks like when a queue republishes it to
 * its dead-letter exchange, following RabbitMQ 3.x.
 *
 * The message keeps its body and properties, except that its expiration is
 * removed (kept as original-expiration) and its headers get an x-death
 * entry: {count, reason, queue, time, exchange, routing-keys}. An entry for
 * the same queue and reason is counted up and moved to the front instead of
 * added again. The first death is also recorded in x-first-death-reason,
 * -queue and -exchange. The routing key becomes x-dead-letter-routing-key
 * when the queue has one (and then the CC header is dropped), else the
 * message's original routing keys.
 */
import type { FieldTable, FieldValue } from '../amqp/index.js';
import { long, sortedTable, timestampNow } from './broker-headers.js';
import type { DeadLetterReason } from './events.js';
import { fieldValuesEqual, plainValue } from './field-values.js';
import type { Message } from './message.js';

/** A dead-lettered copy of a message and the routing keys to publish it with. */
export interface DeadLetter {
  readonly message: Message;
  readonly routingKeys: string[];
}

/** The CC header's routing keys (sender-selected distribution), if any. */
export function ccRoutingKeys(headers: FieldTable | undefined): string[] {
  const cc = headers?.CC;
  if (!Array.isArray(cc)) return [];
  const keys: string[] = [];
  for (const item of cc) {
    const plain = plainValue(item);
    if (typeof plain === 'string') keys.push(plain);
    else if (Buffer.isBuffer(plain)) keys.push(plain.toString('utf8'));
  }
  return keys;
}

/** Builds the message a queue republishes to its dead-letter exchange. */
export function makeDeadLetter(
  original: Message,
  reason: DeadLetterReason,
  queueName: string,
  deadLetterExchange: string,
  deadLetterRoutingKey: string | undefined,
): DeadLetter {
  const properties = original.properties();
  const headers: FieldTable = { ...(original.exactHeaders() ?? {}) };
  const originalKeys = [original.routingKey, ...ccRoutingKeys(headers)];
  const entry: FieldTable = {
    count: long(1),
    reason,
    queue: queueName,
    time: timestampNow(),
    exchange: original.exchange,
    'routing-keys': originalKeys,
  };
  if (properties.expiration !== undefined) entry['original-expiration'] = properties.expiration;
  const deaths = headers['x-death'];
  if (Array.isArray(deaths)) {
    // Like RabbitMQ: the entry for this queue and reason is counted up (or a new one added) at the front; all entries keys sorted.
    const others: FieldValue[] = [];
    let updated: FieldTable | undefined;
    for (const death of deaths) {
      const table = asTable(death);
      if (updated === undefined && table !== undefined && sameEvent(table, queueName, reason)) {
        updated = { ...table, count: long(Number(plainValue(table.count ?? 0)) + 1) };
      } else {
        others.push(table === undefined ? death : sortedTable(table));
      }
    }
    headers['x-death'] = [sortedTable(updated ?? entry), ...others];
  } else {
    headers['x-first-death-reason'] = reason;
    headers['x-first-death-queue'] = queueName;
    headers['x-first-death-exchange'] = original.exchange;
    headers['x-death'] = [entry];
  }
  if (deadLetterRoutingKey !== undefined) delete headers.CC;
  const routingKeys = deadLetterRoutingKey !== undefined ? [deadLetterRoutingKey] : originalKeys;
  // RabbitMQ keeps a header table it has changed sorted by key.
  const message = original.withHeader(
    { ...properties, headers: sortedTable(headers), expiration: undefined },
    deadLetterExchange,
    routingKeys[0],
  );
  return { message, routingKeys };
}

/**
 * Whether dead-lettering this message into `queueName` would go round a
 * cycle with no rejection in it (RabbitMQ drops it then, to stop messages
 * from expiring round a loop forever).
 */
export function isDeadLetterCycle(message: Message, queueName: string): boolean {
  const deaths = message.exactHeaders()?.['x-death'];
  if (!Array.isArray(deaths)) return false;
  for (const death of deaths) {
    const table = asTable(death);
    if (table === undefined) return false;
    if (fieldValuesEqual(table.reason ?? null, 'rejected')) return false;
    if (fieldValuesEqual(table.queue ?? null, queueName)) return true;
  }
  return false;
}

/** The value as a table, or undefined if it is anything else. */
function asTable(value: FieldValue): FieldTable | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) return undefined;
  if (Object.hasOwn(value, '!'))
    return (value as { '!': string; value: unknown })['!'] === 'table' ? (value as { value: FieldTable }).value : undefined;
  return value;
}

function sameEvent(death: FieldTable, queueName: string, reason: string): boolean {
  return fieldValuesEqual(death.queue ?? null, queueName) && fieldValuesEqual(death.reason ?? null, reason);
}
