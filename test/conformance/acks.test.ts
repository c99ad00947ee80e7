// Acknowledgements: ack, nack and reject, with multiple and requeue, the
// redelivered flag, where requeued messages go, bad delivery tags, recover.
import type { Channel, Message } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { bodiesOf, channelClosedWith, consumeInto, drainBodies, fillQueue, getOne } from './observe.js';
import { present } from '../support/present.js';

/** A stand-in for a delivery the channel never made, to ack by tag alone. */
function deliveryTagged(deliveryTag: number): Message {
  return { fields: { deliveryTag } } as unknown as Message;
}

/** What a basic.get returned, in the fields cases compare. */
function seen(message: Message): { body: string; redelivered: boolean } {
  return { body: message.content.toString(), redelivered: message.fields.redelivered };
}

describeBothBrokers('acknowledgements', (broker) => {
  test('ack removes a message; unacked ones come back when the channel closes', async () => {
    const queue = await broker.queue('tasks');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['m1', 'm2', 'm3']);
    const first = await getOne(channel, queue);
    expect(first.fields.deliveryTag).toBe(1);
    expect(first.fields.messageCount).toBe(2);
    channel.ack(first);
    const second = await getOne(channel, queue);
    expect(second.fields.deliveryTag).toBe(2);
    expect((await channel.checkQueue(queue)).messageCount).toBe(1);
    await channel.close();

    const after = await broker.channel();
    expect((await after.checkQueue(queue)).messageCount).toBe(2);
    expect(await drainBodies(after, queue)).toEqual(['m2', 'm3']);
  });

  test('requeued messages go back to their original place, flagged redelivered', async () => {
    const queue = await broker.queue('tasks');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['m1', 'm2', 'm3', 'm4']);
    const m1 = await getOne(channel, queue);
    const m2 = await getOne(channel, queue);
    const m3 = await getOne(channel, queue);
    channel.reject(m2, true);
    channel.nack(m1, false, true);

    const order = [];
    for (let i = 0; i < 3; i++) order.push(seen(await getOne(channel, queue, { noAck: true })));
    expect(order).toEqual([
      { body: 'm1', redelivered: true },
      { body: 'm2', redelivered: true },
      { body: 'm4', redelivered: false },
    ]);
    channel.ack(m3);
    expect(await channel.get(queue)).toBe(false);
  });

  test('reject and nack without requeue drop the message', async () => {
    const queue = await broker.queue('tasks');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['m1', 'm2', 'm3']);
    channel.reject(await getOne(channel, queue), false);
    channel.nack(await getOne(channel, queue), false, false);
    expect(await drainBodies(channel, queue)).toEqual(['m3']);
    await channel.close();
    expect((await (await broker.channel()).checkQueue(queue)).messageCount).toBe(0);
  });

  test('multiple: nack up to a tag requeues all before it; ack up to a tag settles them', async () => {
    const queue = await broker.queue('tasks');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['m1', 'm2', 'm3', 'm4', 'm5']);
    const got: Message[] = [];
    for (let i = 0; i < 5; i++) got.push(await getOne(channel, queue));
    expect(got.map((m) => m.fields.deliveryTag)).toEqual([1, 2, 3, 4, 5]);

    channel.nack(present(got[2]), true, true);
    const again: Message[] = [];
    for (let i = 0; i < 3; i++) again.push(await getOne(channel, queue));
    expect(again.map(seen)).toEqual([
      { body: 'm1', redelivered: true },
      { body: 'm2', redelivered: true },
      { body: 'm3', redelivered: true },
    ]);
    // Redeliveries get fresh delivery tags on the channel.
    expect(again.map((m) => m.fields.deliveryTag)).toEqual([6, 7, 8]);

    // Multiple covers every outstanding tag up to 7: m4 and m5 (tags 4, 5) too.
    channel.ack(present(again[1]), true);
    await channel.close();
    const after = await broker.channel();
    expect(await drainBodies(after, queue)).toEqual(['m3']);
  });

  test('ackAll and nackAll settle every outstanding delivery', async () => {
    const queue = await broker.queue('tasks');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['m1', 'm2', 'm3']);
    for (let i = 0; i < 3; i++) await getOne(channel, queue);
    channel.nackAll(true);
    const redelivered = [];
    for (let i = 0; i < 3; i++) redelivered.push(seen(await getOne(channel, queue)));
    expect(redelivered.every((m) => m.redelivered)).toBe(true);
    expect(redelivered.map((m) => m.body)).toEqual(['m1', 'm2', 'm3']);
    channel.ackAll();
    await channel.close();
    expect((await (await broker.channel()).checkQueue(queue)).messageCount).toBe(0);
  });

  test('an unknown delivery tag closes the channel with 406 for ack, nack and reject', async () => {
    const queue = await broker.queue('tasks');
    const cases: [string, (channel: Channel) => void, number][] = [
      ['ack', (channel) => channel.ack(deliveryTagged(99)), 80],
      ['reject', (channel) => channel.reject(deliveryTagged(99)), 90],
      ['nack', (channel) => channel.nack(deliveryTagged(99)), 120],
    ];
    for (const [, settle, methodId] of cases) {
      const channel = await broker.confirmChannel();
      await fillQueue(channel, queue, ['m']);
      await getOne(channel, queue);
      settle(channel);
      expect(await channelClosedWith(channel)).toEqual({ code: 406, classId: 60, methodId });
    }
  });

  test('acking the same delivery twice closes the channel with 406', async () => {
    const queue = await broker.queue('tasks');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['m']);
    const message = await getOne(channel, queue);
    channel.ack(message);
    channel.ack(message);
    expect(await channelClosedWith(channel)).toEqual({ code: 406, classId: 60, methodId: 80 });
  });

  test('delivery tags belong to their channel: acking on another one is 406', async () => {
    const queue = await broker.queue('tasks');
    const receiver = await broker.confirmChannel();
    await fillQueue(receiver, queue, ['m']);
    const message = await getOne(receiver, queue);
    const stranger = await broker.channel();
    stranger.ack(message);
    expect(await channelClosedWith(stranger)).toEqual({ code: 406, classId: 60, methodId: 80 });
    receiver.ack(message);
    await receiver.close();
    expect((await (await broker.channel()).checkQueue(queue)).messageCount).toBe(0);
  });

  test('recover redelivers unacked messages to the consumer, flagged redelivered', async () => {
    const queue = await broker.queue('tasks');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['m1', 'm2']);
    const inbox = await consumeInto(channel, queue);
    await inbox.atLeast(2);
    await channel.recover();
    const all = await inbox.atLeast(4);
    expect(all.map(seen)).toEqual([
      { body: 'm1', redelivered: false },
      { body: 'm2', redelivered: false },
      { body: 'm1', redelivered: true },
      { body: 'm2', redelivered: true },
    ]);
    // The first deliveries' tags are void after recover; the new ones settle.
    channel.ack(present(all[3]), true);
    await inbox.staysAt(4);
    await channel.close();
    expect((await (await broker.channel()).checkQueue(queue)).messageCount).toBe(0);
  });

  test('cancelling a consumer keeps its unacked deliveries on the channel: they can still be acked', async () => {
    const queue = await broker.queue('tasks');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['m1', 'm2']);
    const inbox = await consumeInto(channel, queue);
    const [m1, m2] = await inbox.atLeast(2);
    await channel.cancel(inbox.consumerTag);
    channel.ack(present(m1));
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
    await channel.close();
    const after = await broker.channel();
    const back = await getOne(after, queue, { noAck: true });
    expect([back.content.toString(), back.fields.redelivered, back.fields.messageCount]).toEqual([present(m2).content.toString(), true, 0]);
  });

  test('no-ack deliveries are settled on delivery and never come back', async () => {
    const queue = await broker.queue('tasks');
    const connection = await broker.connect();
    const channel = await connection.createConfirmChannel();
    await fillQueue(channel, queue, ['m1', 'm2']);
    const inbox = await consumeInto(channel, queue, { noAck: true });
    expect(bodiesOf(await inbox.atLeast(2))).toEqual(['m1', 'm2']);
    expect(inbox.messages.every((m) => !m.fields.redelivered)).toBe(true);
    await connection.close();
    expect((await (await broker.channel()).checkQueue(queue)).messageCount).toBe(0);
  });
});
