/**
 * What the lab's definitions tests share: the local RabbitMQ's vhosts made
 * for a test and deleted after, a varied topology to export, and a file's
 * items compared without their order.
 */
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import type { BrokerTarget } from '../../server/broker-connection.js';
import { vhostUrl } from '../../server/lab/definitions/topology-names.js';
import { managementApiFor } from '../../server/runs/management-api.js';
import { RABBIT_URL } from '../runs/legs.js';

export { RABBIT_URL, rabbitProblem } from '../runs/legs.js';

/** The local RabbitMQ as the workbook's broker. */
export const rabbitTarget: BrokerTarget = { kind: 'rabbitmq', url: RABBIT_URL, embedded: undefined, close: async () => {} };

/** Vhosts made by one test file on the local RabbitMQ, all deleted by cleanUp(). */
export function temporaryVhosts(): { make(prefix: string): Promise<string>; cleanUp(): Promise<void> } {
  const api = managementApiFor(RABBIT_URL);
  const made: string[] = [];
  return {
    async make(prefix) {
      const name = `warren-test-${prefix}-${randomUUID().slice(0, 8)}`;
      made.push(name);
      await api.createVhost(name, { description: 'a definitions test; deleted when it ends', tags: ['warren-test'] });
      await api.grantAll(name, 'guest');
      return name;
    },
    async cleanUp() {
      for (const name of made.splice(0)) await api.deleteVhost(name).catch(() => undefined);
    },
  };
}

/**
 * Declares in `vhost` of the broker at `url` every kind of thing a definitions file holds: the four exchange types
 * (one internal, one with an alternate exchange, one auto-delete and transient), an exchange-to-exchange binding, a
 * headers binding with x-match, queues with TTL, length limits with either overflow, dead-lettering, a quorum queue
 * with a delivery limit, a priority queue, durable and transient ones, and an exclusive queue that no export holds.
 * Resolves with the connection, which keeps the exclusive queue alive until it is closed.
 */
export async function declareVariedTopology(url: string, vhost: string): Promise<amqp.ChannelModel> {
  const connection = await amqp.connect(vhostUrl(url, vhost));
  const channel = await connection.createChannel();
  await channel.assertExchange('orders', 'direct', { durable: true });
  await channel.assertExchange('logs', 'fanout', { durable: true, internal: true });
  await channel.assertExchange('events', 'topic', { durable: true, arguments: { 'alternate-exchange': 'logs' } });
  await channel.assertExchange('matching', 'headers', { durable: true });
  await channel.assertExchange('scratch', 'topic', { durable: false, autoDelete: true });
  await channel.assertExchange('dead-letters', 'direct', { durable: true });
  await channel.assertQueue('short-lived', {
    durable: true,
    arguments: { 'x-message-ttl': 60000, 'x-dead-letter-exchange': 'dead-letters', 'x-dead-letter-routing-key': 'expired' },
  });
  await channel.assertQueue('bounded-reject', { durable: true, arguments: { 'x-max-length': 10, 'x-overflow': 'reject-publish' } });
  await channel.assertQueue('bounded-drop', { durable: true, arguments: { 'x-max-length': 3, 'x-overflow': 'drop-head' } });
  await channel.assertQueue('retries', { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 3 } });
  await channel.assertQueue('urgent', { durable: true, arguments: { 'x-max-priority': 9 } });
  await channel.assertQueue('transient', { durable: false, autoDelete: true });
  await channel.assertQueue('expired', { durable: true });
  await channel.assertQueue('mine-only', { exclusive: true });
  await channel.bindExchange('logs', 'orders', 'audit');
  await channel.bindQueue('bounded-reject', 'orders', 'new');
  await channel.bindQueue('bounded-drop', 'logs', '');
  await channel.bindQueue('urgent', 'events', 'order.*.urgent');
  await channel.bindQueue('retries', 'events', 'order.#');
  await channel.bindQueue('short-lived', 'matching', '', { 'x-match': 'all', format: 'pdf', pages: 2 });
  await channel.bindQueue('urgent', 'matching', '', { 'x-match': 'any', priority: 'high', vip: true });
  await channel.bindQueue('transient', 'scratch', '#');
  await channel.bindQueue('expired', 'dead-letters', 'expired');
  await channel.bindQueue('mine-only', 'orders', 'new');
  await channel.bindQueue('expired', 'amq.direct', 'from-amq');
  await channel.close();
  return connection;
}

/**
 * A group of a file's items as sorted JSON texts, to compare two without order: their vhost left out, and what
 * rabbitmqctl writes differently from the management API made alike (it adds a queue's type, leaves out `internal`).
 */
export function contentOf(group: 'exchanges' | 'queues' | 'bindings', items: readonly object[] | undefined): string[] {
  return (items ?? [])
    .map((item) => {
      const { vhost: _vhost, ...rest } = item as Record<string, unknown>;
      if (group === 'queues') delete rest.type;
      if (group === 'exchanges') rest.internal ??= false;
      return JSON.stringify(sortKeys(rest));
    })
    .sort();
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, inner]) => inner !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}
