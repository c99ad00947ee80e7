// The public API others build on: startBroker, snapshot(), events, vhosts, close().
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startBroker, type BrokerEventMap, type EmbeddedBroker } from '../../server/broker/index.js';

let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
});

afterAll(async () => {
  await broker.close();
});

/** Collects one kind of event while `run` runs. */
async function collect<E extends keyof BrokerEventMap>(event: E, run: () => Promise<void>): Promise<BrokerEventMap[E][0][]> {
  const seen: BrokerEventMap[E][0][] = [];
  const listener = ((payload: BrokerEventMap[E][0]) => seen.push(payload)) as never;
  broker.events.on(event, listener);
  try {
    await run();
  } finally {
    broker.events.off(event, listener);
  }
  return seen;
}

describe('embedded broker API', () => {
  test('url, host and port point at a broker amqplib can use', async () => {
    expect(broker.url).toBe(`amqp://guest:guest@127.0.0.1:${broker.port}`);
    const connection = await amqp.connect(broker.url);
    await connection.close();
  });

  test('snapshot lists queues, exchanges and bindings with their counts', async () => {
    const connection = await amqp.connect(broker.url);
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange('snap-logs', 'fanout', { durable: false });
    await channel.assertQueue('snap-q', { durable: false, arguments: { 'x-message-ttl': 60000 } });
    await channel.bindQueue('snap-q', 'snap-logs', '');
    channel.publish('snap-logs', '', Buffer.from('one'));
    channel.publish('snap-logs', '', Buffer.from('two'));
    await channel.waitForConfirms();
    await channel.get('snap-q');
    const snapshot = broker.snapshot();
    expect(snapshot.queues.find((q) => q.name === 'snap-q')).toEqual({
      name: 'snap-q',
      durable: false,
      exclusive: false,
      autoDelete: false,
      arguments: { 'x-message-ttl': 60000 },
      messagesReady: 1,
      messagesUnacknowledged: 1,
      consumers: 0,
    });
    expect(snapshot.exchanges.map((e) => e.name)).toEqual(
      expect.arrayContaining(['', 'amq.direct', 'amq.fanout', 'amq.topic', 'amq.headers', 'amq.match', 'snap-logs']),
    );
    expect(snapshot.bindings).toContainEqual({
      source: 'snap-logs',
      destination: 'snap-q',
      destinationType: 'queue',
      routingKey: '',
      arguments: {},
    });
    expect(snapshot.bindings).toContainEqual({
      source: '',
      destination: 'snap-q',
      destinationType: 'queue',
      routingKey: 'snap-q',
      arguments: {},
    });
    await channel.deleteQueue('snap-q');
    await channel.deleteExchange('snap-logs');
    await connection.close();
  });

  test('events say which bindings matched, what was unroutable and what was dead-lettered', async () => {
    const connection = await amqp.connect(broker.url);
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange('ev-topic', 'topic', { durable: false });
    await channel.assertQueue('ev-q', {
      durable: false,
      arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'ev-dead' },
    });
    await channel.assertQueue('ev-dead', { durable: false });
    await channel.bindQueue('ev-q', 'ev-topic', '*.orange.*');
    const routed = await collect('routed', async () => {
      channel.publish('ev-topic', 'quick.orange.fox', Buffer.from('x'));
      await channel.waitForConfirms();
    });
    expect(routed).toEqual([
      {
        vhost: '/',
        exchange: 'ev-topic',
        routingKey: 'quick.orange.fox',
        matchedBindings: [{ source: 'ev-topic', destination: 'ev-q', destinationType: 'queue', routingKey: '*.orange.*', arguments: {} }],
        queues: ['ev-q'],
      },
    ]);
    const unroutable = await collect('unroutable', async () => {
      channel.publish('ev-topic', 'slow.brown.fox', Buffer.from('x'));
      await channel.waitForConfirms();
    });
    expect(unroutable).toMatchObject([{ exchange: 'ev-topic', routingKey: 'slow.brown.fox', mandatory: false }]);
    const deadLettered = await collect('dead-lettered', async () => {
      const message = await channel.get('ev-q');
      if (message === false) throw new Error('expected a message');
      channel.reject(message, false);
      await channel.checkQueue('ev-dead');
    });
    expect(deadLettered).toEqual([
      { vhost: '/', queue: 'ev-q', count: 1, reason: 'rejected', to: '', routingKeys: ['ev-dead'], queues: ['ev-dead'], cycles: [] },
    ]);
    await channel.deleteQueue('ev-q');
    await channel.deleteQueue('ev-dead');
    await channel.deleteExchange('ev-topic');
    await connection.close();
  });

  test('exclusive queues go with their connection; consumers of a deleted queue get basic.cancel', async () => {
    const owner = await amqp.connect(broker.url);
    const ownerChannel = await owner.createChannel();
    const { queue } = await ownerChannel.assertQueue('', { exclusive: true });
    expect(queue).toMatch(/^amq\.gen-[A-Za-z0-9_-]{22}$/);
    const cancelled = new Promise<null>((resolve) => {
      void ownerChannel.consume(queue, (message) => {
        if (message === null) resolve(null);
      });
    });
    const other = await owner.createChannel();
    await other.deleteQueue(queue);
    expect(await cancelled).toBeNull();
    const { queue: second } = await ownerChannel.assertQueue('', { exclusive: true });
    const deleted = await collect('queue-deleted', () => owner.close());
    expect(deleted).toContainEqual({ vhost: '/', queue: second, reason: 'exclusive-owner-closed' });
  });

  test('vhosts can be added and deleted; connections to a deleted vhost are closed', async () => {
    broker.addVhost('sandbox');
    const connection = await amqp.connect(`${broker.url}/sandbox`);
    const closed = new Promise<string>((resolve) => connection.on('close', (error?: Error) => resolve(error?.message ?? '')));
    broker.deleteVhost('sandbox');
    expect(await closed).toContain('320 (CONNECTION-FORCED) with message "CONNECTION_FORCED - vhost \'sandbox\' is deleted"');
    expect(() => broker.snapshot('sandbox')).toThrow("no vhost 'sandbox'");
  });

  test('consumers with a higher x-priority are served first while they have room', async () => {
    const connection = await amqp.connect(broker.url);
    const channel = await connection.createChannel();
    await channel.assertQueue('prio-q', { durable: false });
    await channel.prefetch(2);
    const got: string[] = [];
    await channel.consume('prio-q', (m) => m && got.push(`low:${m.content.toString()}`), { priority: 0 });
    await channel.consume('prio-q', (m) => m && got.push(`high:${m.content.toString()}`), { priority: 10 });
    for (const body of ['1', '2', '3']) channel.sendToQueue('prio-q', Buffer.from(body));
    await channel.checkQueue('prio-q');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(got).toEqual(['high:1', 'high:2', 'low:3']);
    await channel.deleteQueue('prio-q');
    await connection.close();
  });
});
