// What survives a broker restart, as cases any broker can be put through:
// the embedded broker restarted in place from its data directory, and
// RabbitMQ restarted with rabbitmqctl stop_app and start_app. Each case
// declares names of its own in the leg's vhost, restarts, and looks.
import amqp from 'amqplib';
import type { Channel, ChannelModel, GetMessage } from 'amqplib';
import { expect, test } from 'vitest';

/** A broker that can be restarted, with a vhost of the cases' own. */
export interface RestartLeg {
  readonly kind: 'embedded' | 'rabbitmq';
  /** amqp URL of the leg's vhost. */
  readonly url: string;
  /** Restarts the broker and resolves once it accepts connections again. */
  restart(): Promise<void>;
}

let counter = 0;

/** Opens a connection whose server-side close does not crash the run. */
async function open(leg: RestartLeg): Promise<{ connection: ChannelModel; channel: Channel }> {
  const connection = await amqp.connect(leg.url, { timeout: 10_000 });
  connection.on('error', () => {});
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  return { connection, channel };
}

/** Runs work on a fresh connection, closed after. */
async function withChannel<T>(leg: RestartLeg, work: (channel: Channel, connection: ChannelModel) => Promise<T>): Promise<T> {
  const { connection, channel } = await open(leg);
  try {
    return await work(channel, connection);
  } finally {
    await connection.close().catch(() => {});
  }
}

/** Whether a queue exists (a passive declare, on a channel of its own). */
async function queueExists(leg: RestartLeg, name: string): Promise<boolean> {
  return withChannel(leg, async (channel) => {
    try {
      await channel.checkQueue(name);
      return true;
    } catch {
      return false;
    }
  });
}

async function exchangeExists(leg: RestartLeg, name: string): Promise<boolean> {
  return withChannel(leg, async (channel) => {
    try {
      await channel.checkExchange(name);
      return true;
    } catch {
      return false;
    }
  });
}

/** Every ready message of a queue, taken with basic.get and acked. */
async function drain(leg: RestartLeg, queue: string): Promise<GetMessage[]> {
  return withChannel(leg, async (channel) => {
    const messages: GetMessage[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (message === false) return messages;
      messages.push(message);
    }
  });
}

/** Publishes with confirms and waits for them. */
async function publish(leg: RestartLeg, sends: { exchange?: string; key: string; body: string; persistent: boolean }[]): Promise<void> {
  const connection = await amqp.connect(leg.url, { timeout: 10_000 });
  try {
    const channel = await connection.createConfirmChannel();
    for (const send of sends) channel.publish(send.exchange ?? '', send.key, Buffer.from(send.body), { persistent: send.persistent });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** The restart cases, declared against the leg current() gives inside each test. */
export function restartCases(current: () => RestartLeg): void {
  const name = (base: string): string => `restart-${process.pid}-${++counter}-${base}`;

  test('a durable queue survives a restart; a transient one is gone', async () => {
    const leg = current();
    const durable = name('durable');
    const transient = name('transient');
    await withChannel(leg, async (channel) => {
      await channel.assertQueue(durable, { durable: true });
      await channel.assertQueue(transient, { durable: false });
    });
    await leg.restart();
    expect(await queueExists(leg, durable)).toBe(true);
    expect(await queueExists(leg, transient)).toBe(false);
  });

  test('persistent messages in a durable queue survive in order; transient ones and a transient queue’s are gone', async () => {
    const leg = current();
    const durable = name('durable');
    const transient = name('transient');
    await withChannel(leg, async (channel) => {
      await channel.assertQueue(durable, { durable: true });
      await channel.assertQueue(transient, { durable: false });
    });
    await publish(leg, [
      { key: durable, body: 'kept 1', persistent: true },
      { key: durable, body: 'lost', persistent: false },
      { key: durable, body: 'kept 2', persistent: true },
      { key: transient, body: 'in a transient queue', persistent: true },
    ]);
    await leg.restart();
    const messages = await drain(leg, durable);
    expect(messages.map((m) => m.content.toString())).toEqual(['kept 1', 'kept 2']);
    expect(messages.map((m) => m.fields.redelivered)).toEqual([false, false]);
    expect(await queueExists(leg, transient)).toBe(false);
  });

  test('durable exchanges and the bindings between durable things survive; transient exchanges do not', async () => {
    const leg = current();
    const direct = name('direct');
    const topic = name('topic');
    const transientExchange = name('transient-x');
    const queue = name('bound');
    await withChannel(leg, async (channel) => {
      await channel.assertExchange(direct, 'direct', { durable: true });
      await channel.assertExchange(topic, 'topic', { durable: true });
      await channel.assertExchange(transientExchange, 'fanout', { durable: false });
      await channel.assertQueue(queue, { durable: true });
      await channel.bindExchange(topic, direct, 'a.b');
      await channel.bindQueue(queue, topic, 'a.*');
      await channel.bindQueue(queue, transientExchange, '');
    });
    await leg.restart();
    expect(await exchangeExists(leg, direct)).toBe(true);
    expect(await exchangeExists(leg, topic)).toBe(true);
    expect(await exchangeExists(leg, transientExchange)).toBe(false);
    await publish(leg, [
      { exchange: direct, key: 'a.b', body: 'through both exchanges', persistent: false },
      { exchange: direct, key: 'a.c', body: 'not bound on the direct exchange', persistent: false },
      { exchange: topic, key: 'a.x', body: 'straight to the topic exchange', persistent: false },
      { exchange: topic, key: 'b.x', body: 'not bound on the topic exchange', persistent: false },
    ]);
    const arrived = await drain(leg, queue);
    expect(arrived.map((m) => m.content.toString())).toEqual(['through both exchanges', 'straight to the topic exchange']);
  });

  test('declare arguments are kept: the same declaration is accepted, another refused, and the limits still apply', async () => {
    const leg = current();
    const queue = name('limited');
    const args = { 'x-max-length': 2, 'x-message-ttl': 600_000, 'x-overflow': 'drop-head' };
    await withChannel(leg, async (channel) => {
      await channel.assertQueue(queue, { durable: true, arguments: args });
    });
    await leg.restart();
    await withChannel(leg, async (channel) => {
      await channel.assertQueue(queue, { durable: true, arguments: args });
    });
    const refused = await withChannel(leg, async (channel) => {
      const closed = new Promise<Error>((resolve) => channel.once('error', resolve));
      await channel.assertQueue(queue, { durable: true, arguments: { ...args, 'x-max-length': 3 } }).catch(() => undefined);
      return closed;
    });
    expect(refused.message).toContain('PRECONDITION_FAILED');
    expect(refused.message).toContain("inequivalent arg 'x-max-length'");
    await publish(
      leg,
      [1, 2, 3].map((i) => ({ key: queue, body: `m${i}`, persistent: true })),
    );
    expect((await drain(leg, queue)).map((m) => m.content.toString())).toEqual(['m2', 'm3']);
  });

  test('classic queue: messages delivered and not acked come back redelivered; the others do not, acked ones are gone', async () => {
    const leg = current();
    const queue = name('unacked');
    await withChannel(leg, async (channel) => {
      await channel.assertQueue(queue, { durable: true });
    });
    await publish(
      leg,
      ['acked', 'unacked', 'never delivered'].map((body) => ({ key: queue, body, persistent: true })),
    );
    const { connection, channel } = await open(leg);
    const first = await channel.get(queue);
    const second = await channel.get(queue);
    if (first === false || second === false) throw new Error('the messages were not there');
    channel.ack(first);
    // The ack is on its way before the restart: a round trip makes sure the broker has it.
    await channel.checkQueue(queue);
    await leg.restart();
    await connection.close().catch(() => {});
    const messages = await drain(leg, queue);
    expect(messages.map((m) => [m.content.toString(), m.fields.redelivered])).toEqual([
      ['unacked', true],
      ['never delivered', false],
    ]);
  });

  test('quorum queue: every message survives, and one handed out before comes back with x-delivery-count 1', async () => {
    const leg = current();
    const queue = name('quorum');
    await withChannel(leg, async (channel) => {
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    });
    await publish(leg, [
      { key: queue, body: 'handed out', persistent: true },
      { key: queue, body: 'transient in quorum', persistent: false },
    ]);
    const { connection, channel } = await open(leg);
    const handed = await channel.get(queue);
    expect(handed !== false && handed.content.toString()).toBe('handed out');
    await leg.restart();
    await connection.close().catch(() => {});
    const messages = await drain(leg, queue);
    const seen = messages.map((m) => {
      const deliveryCount: unknown = m.properties.headers?.['x-delivery-count'];
      return [m.content.toString(), m.fields.redelivered, deliveryCount];
    });
    // Returned when its connection closed, so at the head of the queue.
    expect(seen).toEqual([
      ['handed out', true, 1],
      ['transient in quorum', false, 0],
    ]);
    await withChannel(leg, async (channel) => {
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    });
  });
}
