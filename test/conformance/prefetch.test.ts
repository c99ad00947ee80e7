// Prefetch windows (basic.qos): how many unacked deliveries a consumer or a
// channel may hold, per consumer and global as RabbitMQ defines them.
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import type { Channel } from 'amqplib';
import type { BrokerUnderTest } from './brokers.js';
import { bodiesOf, consumeInto, eventually, fillQueue, getOne, numbered, pause } from './observe.js';
import { present } from '../support/present.js';

/**
 * Two queues of ten messages each, consumed (without acking) by two
 * consumers on one channel after `setUp` has sent its basic.qos.
 */
async function twoConsumers(broker: BrokerUnderTest, setUp: (channel: Channel) => Promise<void>) {
  const first = await broker.queue('first');
  const second = await broker.queue('second');
  const channel = await broker.confirmChannel();
  await fillQueue(channel, first, numbered('a', 10));
  await fillQueue(channel, second, numbered('b', 10));
  await setUp(channel);
  const a = await consumeInto(channel, first);
  const b = await consumeInto(channel, second);
  return { a, b, total: () => a.messages.length + b.messages.length };
}

describeBothBrokers('prefetch', (broker) => {
  test('with prefetch N a consumer holds at most N unacked; each ack opens one slot', async () => {
    const queue = await broker.queue('work');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, numbered('m', 10));
    await channel.prefetch(3);
    const inbox = await consumeInto(channel, queue);
    await inbox.atLeast(3);
    await inbox.staysAt(3);
    expect((await channel.checkQueue(queue)).messageCount).toBe(7);

    channel.ack(present(inbox.messages[0]));
    await inbox.atLeast(4);
    await inbox.staysAt(4);

    // Acking several at once opens as many slots.
    channel.ack(present(inbox.messages[3]), true);
    expect(bodiesOf(await inbox.atLeast(7))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    await inbox.staysAt(7);
  });

  test('prefetch 0 means no limit', async () => {
    const queue = await broker.queue('work');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, numbered('m', 20));
    await channel.prefetch(0);
    const inbox = await consumeInto(channel, queue);
    await inbox.atLeast(20);
  });

  test('per-consumer prefetch applies to each consumer on the channel separately', async () => {
    const first = await broker.queue('first');
    const second = await broker.queue('second');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, first, numbered('a', 5));
    await fillQueue(channel, second, numbered('b', 5));
    await channel.prefetch(2, false);
    const a = await consumeInto(channel, first);
    const b = await consumeInto(channel, second);
    await a.atLeast(2);
    await b.atLeast(2);
    await a.staysAt(2);
    await b.staysAt(2);
  });

  test('global prefetch is shared by all consumers on the channel', async () => {
    const first = await broker.queue('first');
    const second = await broker.queue('second');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, first, numbered('a', 5));
    await fillQueue(channel, second, numbered('b', 5));
    await channel.prefetch(3, true);
    const a = await consumeInto(channel, first);
    const b = await consumeInto(channel, second);
    const total = () => a.messages.length + b.messages.length;
    await eventually('3 deliveries over both consumers', async () => total() === 3);
    await pause(150);
    expect(total()).toBe(3);

    // Freeing the slots lets the channel take three more, from either queue.
    channel.ackAll();
    await eventually('3 more deliveries', async () => total() === 6);
    await pause(150);
    expect(total()).toBe(6);
  });

  test('a per-consumer limit set before a global one: both apply, the tighter one wins', async () => {
    const { a, b, total } = await twoConsumers(broker, async (channel) => {
      await channel.prefetch(1, false);
      await channel.prefetch(3, true);
    });
    await a.atLeast(1);
    await b.atLeast(1);
    await a.staysAt(1);
    await b.staysAt(1);
    expect(total()).toBe(2);
  });

  test('a global limit tighter than the per-consumer one caps the channel', async () => {
    const { total } = await twoConsumers(broker, async (channel) => {
      await channel.prefetch(2, false);
      await channel.prefetch(3, true);
    });
    await eventually('3 deliveries over both consumers', async () => total() === 3);
    await pause(150);
    expect(total()).toBe(3);
  });

  // In RabbitMQ 3.x basic.qos with global=false lifts the channel's shared limit.
  test('a per-consumer limit set after a global one replaces it: qos(3, global) then qos(2) gives 2 per consumer', async () => {
    const { a, b, total } = await twoConsumers(broker, async (channel) => {
      await channel.prefetch(3, true);
      await channel.prefetch(2, false);
    });
    await a.atLeast(2);
    await b.atLeast(2);
    await pause(150);
    expect(total()).toBe(4);
  });

  test('qos(1, global) then qos(5): each consumer takes 5', async () => {
    const { a, b, total } = await twoConsumers(broker, async (channel) => {
      await channel.prefetch(1, true);
      await channel.prefetch(5, false);
    });
    await a.atLeast(5);
    await b.atLeast(5);
    await pause(150);
    expect(total()).toBe(10);
  });

  test('a global limit also holds back a no-ack consumer once acked deliveries fill it', async () => {
    const first = await broker.queue('first');
    const second = await broker.queue('second');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, first, numbered('a', 5));
    await fillQueue(channel, second, numbered('b', 5));
    await channel.prefetch(2, true);
    const acking = await consumeInto(channel, first);
    await acking.atLeast(2);
    const autoAck = await consumeInto(channel, second, { noAck: true });
    await autoAck.staysAt(0);
    channel.ack(present(acking.messages[0]));
    await eventually('the freed slot to be used', async () => acking.messages.length + autoAck.messages.length > 2);
  });

  test('a global limit set while deliveries are unacked counts them, basic.get ones included', async () => {
    const work = await broker.queue('work');
    const other = await broker.queue('other');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, work, numbered('w', 5));
    await fillQueue(channel, other, numbered('o', 5));
    await getOne(channel, other);
    await channel.prefetch(2, true);
    const inbox = await consumeInto(channel, work);
    await inbox.atLeast(1);
    await inbox.staysAt(1);
  });

  test('fair dispatch: with prefetch 1 a busy worker gets nothing more, the idle one takes the rest', async () => {
    const queue = await broker.queue('task_queue');
    const busyConnection = await broker.connect();
    const busy = await busyConnection.createChannel();
    await busy.prefetch(1);
    const busyInbox = await consumeInto(busy, queue);
    const idleConnection = await broker.connect();
    const idle = await idleConnection.createChannel();
    await idle.prefetch(1);
    const idleInbox = await consumeInto(idle, queue);

    const publisher = await broker.confirmChannel();
    await fillQueue(publisher, queue, numbered('task', 6));
    // The idle worker acks each task as it arrives; the busy one never acks.
    const acked: string[] = [];
    while (acked.length < 5) {
      const next = await idleInbox.nth(acked.length + 1);
      acked.push(next.content.toString());
      idle.ack(next);
    }
    expect(busyInbox.messages.length).toBe(1);
    expect(acked.length + busyInbox.messages.length).toBe(6);
    await busyInbox.staysAt(1);
  });
});
