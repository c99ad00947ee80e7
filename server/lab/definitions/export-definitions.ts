/**
 * A vhost's topology as the per-vhost definitions file RabbitMQ's management
 * UI downloads (GET /api/definitions/{vhost}): its exchanges but the
 * default and amq.* ones, its queues but exclusive ones, and its bindings
 * but the default exchange's implicit ones, with RabbitMQ's field names and
 * value types. The embedded broker's comes from its own state; RabbitMQ's
 * from its management API.
 */
import type { BrokerTarget } from '../../broker-connection.js';
import type { BrokerSnapshot } from '../../broker/index.js';
import { plainTable } from '../../broker/field-values.js';
import { managementApiFor } from '../../runs/management-api.js';
import { isBuiltInExchange } from './topology-names.js';

/** The RabbitMQ version the embedded broker announces to clients, written as the file's rabbit_version. */
const EMBEDDED_RABBIT_VERSION = '3.10.8';

/** An exchange as a per-vhost file holds it. */
export interface ExportedExchange {
  name: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  internal: boolean;
  arguments: Record<string, unknown>;
}

/** A queue as a per-vhost file holds it. */
export interface ExportedQueue {
  name: string;
  durable: boolean;
  auto_delete: boolean;
  arguments: Record<string, unknown>;
}

/** A binding as a per-vhost file holds it. */
export interface ExportedBinding {
  source: string;
  destination: string;
  destination_type: 'queue' | 'exchange';
  routing_key: string;
  arguments: Record<string, unknown>;
}

/** A per-vhost definitions file with the vhost's topology only (no policies or parameters). */
export interface ExportedDefinitions {
  rabbit_version: string;
  queues: ExportedQueue[];
  exchanges: ExportedExchange[];
  bindings: ExportedBinding[];
}

/** `vhost`'s exchanges, queues and bindings on `target`, sorted by name so two exports of one topology are alike. */
export async function exportDefinitions(target: BrokerTarget, vhost: string): Promise<ExportedDefinitions> {
  const definitions =
    target.embedded !== undefined ? fromSnapshot(target.embedded.snapshot(vhost)) : await fromManagementApi(target.url, vhost);
  return {
    rabbit_version: definitions.rabbit_version,
    queues: [...definitions.queues].sort((a, b) => compare(a.name, b.name)),
    exchanges: [...definitions.exchanges].sort((a, b) => compare(a.name, b.name)),
    bindings: [...definitions.bindings].sort(
      (a, b) =>
        compare(a.source, b.source) ||
        compare(a.destination_type, b.destination_type) ||
        compare(a.destination, b.destination) ||
        compare(a.routing_key, b.routing_key) ||
        compare(JSON.stringify(a.arguments), JSON.stringify(b.arguments)),
    ),
  };
}

/** The embedded broker's vhost, left out what RabbitMQ's export leaves out. */
function fromSnapshot(snapshot: BrokerSnapshot): ExportedDefinitions {
  const exclusive = new Set(snapshot.queues.filter((queue) => queue.exclusive).map((queue) => queue.name));
  return {
    rabbit_version: EMBEDDED_RABBIT_VERSION,
    queues: snapshot.queues
      .filter((queue) => !queue.exclusive)
      .map((queue) => ({ name: queue.name, durable: queue.durable, auto_delete: queue.autoDelete, arguments: jsonTable(queue.arguments) })),
    exchanges: snapshot.exchanges
      .filter((exchange) => !isBuiltInExchange(exchange.name))
      .map((exchange) => ({
        name: exchange.name,
        type: exchange.type,
        durable: exchange.durable,
        auto_delete: exchange.autoDelete,
        internal: exchange.internal,
        arguments: jsonTable(exchange.arguments),
      })),
    bindings: snapshot.bindings
      .filter((binding) => binding.source !== '' && !(binding.destinationType === 'queue' && exclusive.has(binding.destination)))
      .map((binding) => ({
        source: binding.source,
        destination: binding.destination,
        destination_type: binding.destinationType,
        routing_key: binding.routingKey,
        arguments: jsonTable(binding.arguments),
      })),
  };
}

/** RabbitMQ's own per-vhost export, with only the topology kept. */
async function fromManagementApi(url: string, vhost: string): Promise<ExportedDefinitions> {
  const answer = await managementApiFor(url).definitions(vhost);
  return {
    rabbit_version: answer.rabbit_version ?? '',
    queues: (answer.queues ?? []).map((queue) => ({
      name: queue.name,
      durable: queue.durable,
      auto_delete: queue.auto_delete,
      arguments: queue.arguments,
    })),
    exchanges: (answer.exchanges ?? [])
      .filter((exchange) => !isBuiltInExchange(exchange.name))
      .map((exchange) => ({
        name: exchange.name,
        type: exchange.type,
        durable: exchange.durable,
        auto_delete: exchange.auto_delete,
        internal: exchange.internal,
        arguments: exchange.arguments,
      })),
    bindings: (answer.bindings ?? [])
      .filter((binding) => binding.source !== '')
      .map((binding) => ({
        source: binding.source,
        destination: binding.destination,
        destination_type: binding.destination_type,
        routing_key: binding.routing_key,
        arguments: binding.arguments,
      })),
  };
}

/** A field table as JSON values, as RabbitMQ writes them: numbers for every integer width, text for byte strings. */
function jsonTable(table: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plainTable(table as Parameters<typeof plainTable>[0]))) out[key] = jsonValue(value);
  return out;
}

function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jsonValue(inner)]));
  return value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
