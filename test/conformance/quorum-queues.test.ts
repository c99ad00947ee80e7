// Quorum queues count how often each message came back (x-delivery-count)
// and, with x-delivery-limit, give up on a message returned too often: it is
// dead-lettered with reason delivery_limit. The raw client shows the header
// values' wire types, which amqplib hides (a long and a byte both decode as
// a number, but the Java client sees a Long or a Byte).
import type { Channel, ConsumeMessage, Message, Options } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import type { BrokerUnderTest } from './brokers.js';
import { bodiesOf, consumeInto, getOne, publishConfirmed } from './observe.js';
import { basicConsume, basicGet, basicReject, deliveryTagOf } from './raw-amqp.js';
import type { RawAmqpClient, RawMessage, WireValue } from './raw-amqp.js';
import { present } from '../support/present.js';

/** Declares a quorum queue (durable, as quorum queues must be) with extra arguments. */
function quorumQueue(broker: BrokerUnderTest, base: string, args: Options.AssertQueue['arguments'] = {}): Promise<string> {
  return broker.queue(base, { durable: true, arguments: { 'x-queue-type': 'quorum', ...args } });
}

/** A quorum queue holding m1 to m4, and a channel with prefetch 2 consuming it, holding m1 and m2 unacknowledged. */
async function twoOfFour(broker: BrokerUnderTest, args: Options.AssertQueue['arguments'], base = 'work') {
  const queue = await quorumQueue(broker, base, args);
  const publisher = await broker.confirmChannel();
  for (const body of ['m1', 'm2', 'm3', 'm4']) await publishConfirmed(publisher, '', queue, body);
  const channel = await broker.channel();
  await channel.prefetch(2);
  const inbox = await consumeInto(channel, queue);
  await inbox.atLeast(2);
  await inbox.staysAt(2);
  return { queue, channel, inbox };
}

/** A fanout dead-letter exchange with one queue behind it. */
async function deadLetterSink(broker: BrokerUnderTest) {
  const exchange = await broker.exchange('dlx', 'fanout');
  const queue = await broker.queue('dead-letters');
  const channel = await broker.channel();
  await channel.bindQueue(queue, exchange, '');
  return { exchange, queue, channel };
}

/** The next message dead-lettered into the sink (dead-lettering may finish after the nack that caused it). */
async function nextDeadLetter(sink: { queue: string; channel: Channel }): Promise<ConsumeMessage> {
  const inbox = await consumeInto(sink.channel, sink.queue, { noAck: true });
  return inbox.nth(1);
}

/** The x-delivery-count header of a delivery, undefined when it has none. */
function deliveryCount(message: Message): unknown {
  return message.properties.headers?.['x-delivery-count'];
}

/** A raw client past the handshake with channel 1 open. */
async function rawChannel(broker: BrokerUnderTest): Promise<RawAmqpClient> {
  const client = await broker.raw();
  const refused = await client.handshake(broker.credentials());
  if (refused !== null) throw new Error(`handshake refused: ${refused.code} ${refused.replyText}`);
  await client.openChannel(1);
  return client;
}

/** basic.get over the raw client; the message must be there. */
async function rawGet(client: RawAmqpClient, queue: string): Promise<RawMessage> {
  client.send(basicGet(1, queue));
  const message = await client.nextMessage();
  if (message === null) throw new Error(`the broker closed the socket instead of answering basic.get on ${queue}`);
  return message;
}

/** A header value's wire type tag and value, with integers as numbers so cases read easily. */
function typed(value: WireValue | undefined): { type: string; value: unknown } | undefined {
  if (value === undefined) return undefined;
  return { type: value.type, value: typeof value.value === 'bigint' ? Number(value.value) : value.value };
}

describeBothBrokers('quorum queues', (broker) => {
  test('x-delivery-count: absent on a first delivery, then how many times the message came back', async () => {
    const queue = await quorumQueue(broker, 'work');
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'job', { headers: { zeta: 'last', alpha: 'first' } });
    const inbox = await consumeInto(channel, queue);
    const seen: unknown[] = [];
    for (let delivery = 1; delivery <= 3; delivery++) {
      const message = await inbox.nth(delivery);
      seen.push(deliveryCount(message));
      if (delivery < 3) channel.nack(message, false, true);
    }
    expect(seen).toEqual([undefined, 1, 2]);
    // The broker rewrites the header table it adds to, keys in sorted order.
    expect(Object.keys(present(inbox.messages[2]).properties.headers ?? {})).toEqual(['alpha', 'x-delivery-count', 'zeta']);
  });

  test('basic.get always carries x-delivery-count, 0 the first time', async () => {
    const queue = await quorumQueue(broker, 'work');
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'job');
    const first = await getOne(channel, queue);
    expect(deliveryCount(first)).toBe(0);
    channel.reject(first, true);
    expect(deliveryCount(await getOne(channel, queue))).toBe(1);
  });

  test('x-delivery-count is sent as a long (l), whatever its size; the publisher’s headers keep their types', async () => {
    const queue = await quorumQueue(broker, 'work');
    const headers = { wide: { '!': 'int32', value: 5 }, narrow: { '!': 'int8', value: 44 }, unsigned: { '!': 'uint16', value: 7 } };
    await publishConfirmed(await broker.confirmChannel(), '', queue, 'job', { headers });
    const client = await rawChannel(broker);
    const first = await rawGet(client, queue);
    expect(typed(first.headers?.['x-delivery-count'])).toEqual({ type: 'l', value: 0 });
    client.send(basicReject(1, deliveryTagOf(first), true));
    const second = await rawGet(client, queue);
    expect(typed(second.headers?.['x-delivery-count'])).toEqual({ type: 'l', value: 1 });
    expect([typed(second.headers?.wide), typed(second.headers?.narrow), typed(second.headers?.unsigned)]).toEqual([
      { type: 'I', value: 5 },
      { type: 'b', value: 44 },
      { type: 'u', value: 7 },
    ]);
  });

  test('without a delivery limit, a message nacked with requeue goes to the back of the queue', async () => {
    const { channel, inbox } = await twoOfFour(broker, {});
    channel.nack(present(inbox.messages[1]), false, true);
    expect(bodiesOf(await inbox.atLeast(3))).toEqual(['m1', 'm2', 'm3']);
    channel.ack(present(inbox.messages[0]));
    channel.ack(present(inbox.messages[2]));
    expect(bodiesOf(await inbox.atLeast(5))).toEqual(['m1', 'm2', 'm3', 'm4', 'm2']);
  });

  test('with a delivery limit, returned messages go out again first, in the order they came back', async () => {
    const { channel, inbox } = await twoOfFour(broker, { 'x-delivery-limit': 5 });
    channel.nack(present(inbox.messages[1]), false, true);
    channel.nack(present(inbox.messages[0]), false, true);
    expect(bodiesOf(await inbox.atLeast(4))).toEqual(['m1', 'm2', 'm2', 'm1']);
    channel.ack(present(inbox.messages[2]));
    channel.ack(present(inbox.messages[3]));
    expect(bodiesOf(await inbox.atLeast(6))).toEqual(['m1', 'm2', 'm2', 'm1', 'm3', 'm4']);
  });

  test('a closing channel’s unacknowledged messages go out again first, with or without a limit', async () => {
    for (const [base, limit] of [
      ['unlimited', {}],
      ['limited', { 'x-delivery-limit': 5 }],
    ] as const) {
      const { channel, queue } = await twoOfFour(broker, limit, base);
      await channel.close();
      const reader = await consumeInto(await broker.channel(), queue, { noAck: true });
      expect(bodiesOf(await reader.atLeast(4))).toEqual(['m1', 'm2', 'm3', 'm4']);
    }
  });

  test('x-delivery-limit: after limit + 1 deliveries the message is dead-lettered with reason delivery_limit', async () => {
    const sink = await deadLetterSink(broker);
    const queue = await quorumQueue(broker, 'work', { 'x-delivery-limit': 2, 'x-dead-letter-exchange': sink.exchange });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'poison', { messageId: 'p-1' });
    const inbox = await consumeInto(channel, queue);
    for (let delivery = 1; delivery <= 3; delivery++) {
      channel.nack(await inbox.nth(delivery), false, true);
    }
    const dead = await nextDeadLetter(sink);
    await inbox.staysAt(3);
    expect(dead.content.toString()).toBe('poison');
    expect(dead.properties.messageId).toBe('p-1');
    const headers = dead.properties.headers ?? {};
    expect(headers['x-delivery-count']).toBeUndefined();
    expect(headers['x-first-death-reason']).toBe('delivery_limit');
    expect(headers['x-first-death-queue']).toBe(queue);
    expect(headers['x-death']?.map(({ time: _time, ...rest }) => rest)).toEqual([
      { count: 1, reason: 'delivery_limit', queue, exchange: '', 'routing-keys': [queue] },
    ]);
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
  });

  test('x-delivery-limit 0: one delivery; a channel closing with it unacked counts as a return too', async () => {
    const sink = await deadLetterSink(broker);
    const queue = await quorumQueue(broker, 'work', { 'x-delivery-limit': 0, 'x-dead-letter-exchange': sink.exchange });
    const publisher = await broker.confirmChannel();
    await publishConfirmed(publisher, '', queue, 'once');
    const worker = await broker.channel();
    const inbox = await consumeInto(worker, queue);
    await inbox.atLeast(1);
    await worker.close();
    const dead = await nextDeadLetter(sink);
    expect(dead.properties.headers?.['x-first-death-reason']).toBe('delivery_limit');
  });

  test('without a dead-letter exchange a message over the limit is dropped', async () => {
    const queue = await quorumQueue(broker, 'work', { 'x-delivery-limit': 1 });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'gone');
    channel.reject(await getOne(channel, queue), true);
    channel.reject(await getOne(channel, queue), true);
    expect(await channel.get(queue)).toBe(false);
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
  });

  test('dead-letter headers the broker writes: x-death count a long (l), time a timestamp (T), names long strings', async () => {
    const sink = await deadLetterSink(broker);
    const queue = await quorumQueue(broker, 'work', { 'x-delivery-limit': 0, 'x-dead-letter-exchange': sink.exchange });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'once');
    channel.reject(await getOne(channel, queue), true);
    const client = await rawChannel(broker);
    client.send(basicConsume(1, sink.queue, 'sink'));
    const dead = await client.nextMessage();
    const headers = dead?.headers ?? {};
    expect(typed(headers['x-first-death-reason'])).toEqual({ type: 'S', value: 'delivery_limit' });
    expect(typed(headers['x-first-death-queue'])).toEqual({ type: 'S', value: queue });
    expect(typed(headers['x-first-death-exchange'])).toEqual({ type: 'S', value: '' });
    const deaths = headers['x-death'];
    expect(deaths?.type).toBe('A');
    const [death] = deaths?.value as WireValue[];
    expect(death?.type).toBe('F');
    const entry = death?.value as Record<string, WireValue>;
    expect(typed(entry.count)).toEqual({ type: 'l', value: 1 });
    expect(entry.time?.type).toBe('T');
    expect(typed(entry.reason)).toEqual({ type: 'S', value: 'delivery_limit' });
    expect(entry['routing-keys']).toEqual({ type: 'A', value: [{ type: 'S', value: queue }] });
  });
});
