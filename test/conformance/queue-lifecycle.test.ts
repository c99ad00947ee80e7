// How queues come and go: exclusive and auto-delete queues, exclusive
// consumers, server-named queues, passive declares, redeclare rules and the
// quorum queue declare rules.
import type { Channel, ChannelModel, Options } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import type { BrokerUnderTest } from './brokers.js';
import { consumeInto, eventually, failureOf, queueExists } from './observe.js';

/** A channel on a connection of its own; a server close of it is seen through the rejected call. */
async function ownChannel(connection: ChannelModel): Promise<Channel> {
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  return channel;
}

/** Declares a queue the way it is first declared, then fails to redeclare it another way. */
async function redeclareFailure(broker: BrokerUnderTest, base: string, first: Options.AssertQueue, second: Options.AssertQueue) {
  const queue = await broker.queue(base, first);
  const channel = await broker.channel();
  return failureOf(channel.assertQueue(queue, second));
}

describeBothBrokers('queue lifecycle', (broker) => {
  test('an exclusive queue is locked (405) for every other connection', async () => {
    const owner = await broker.connect();
    const queue = broker.name('mine');
    broker.forgetQueueAfter(queue);
    await (await ownChannel(owner)).assertQueue(queue, { exclusive: true });

    const stranger = await broker.connect();
    const attempts: [string, (channel: Channel) => Promise<unknown>][] = [
      ['declare', (channel) => channel.assertQueue(queue, { exclusive: true })],
      ['passive declare', (channel) => channel.checkQueue(queue)],
      ['consume', (channel) => channel.consume(queue, () => {})],
      ['get', (channel) => channel.get(queue)],
      ['purge', (channel) => channel.purgeQueue(queue)],
      ['delete', (channel) => channel.deleteQueue(queue)],
    ];
    const outcomes: Record<string, unknown> = {};
    for (const [what, attempt] of attempts) outcomes[what] = await failureOf(attempt(await ownChannel(stranger)));
    expect(outcomes).toEqual({
      declare: { code: 405, classId: 50, methodId: 10 },
      'passive declare': { code: 405, classId: 50, methodId: 10 },
      consume: { code: 405, classId: 60, methodId: 20 },
      get: { code: 405, classId: 60, methodId: 70 },
      purge: { code: 405, classId: 50, methodId: 30 },
      delete: { code: 405, classId: 50, methodId: 40 },
    });

    // Any channel of the owning connection may use it.
    const sibling = await ownChannel(owner);
    expect(await sibling.checkQueue(queue)).toEqual({ queue, messageCount: 0, consumerCount: 0 });
  });

  test('an exclusive queue is deleted when its connection closes', async () => {
    const owner = await broker.connect();
    const { queue } = await (await ownChannel(owner)).assertQueue('', { exclusive: true });
    const watcher = await broker.connect();
    expect(await queueExists(watcher, queue)).toBe(true);
    await owner.close();
    await eventually('the exclusive queue is gone', async () => !(await queueExists(watcher, queue)));
  });

  test('an exclusive consumer keeps others out (403), and cannot join a queue that has consumers (403)', async () => {
    const queue = await broker.queue('single-consumer');
    const first = await broker.channel();
    await consumeInto(first, queue, { exclusive: true });
    const second = await broker.channel();
    expect(await failureOf(second.consume(queue, () => {}))).toEqual({ code: 403, classId: 60, methodId: 20 });

    const crowded = await broker.queue('crowded');
    const regular = await broker.channel();
    await consumeInto(regular, crowded);
    const latecomer = await broker.channel();
    expect(await failureOf(latecomer.consume(crowded, () => {}, { exclusive: true }))).toEqual({
      code: 403,
      classId: 60,
      methodId: 20,
    });
  });

  test('an auto-delete queue goes when its last consumer cancels, not before', async () => {
    const queue = await broker.queue('temporary', { autoDelete: true });
    const connection = await broker.connect();
    expect(await queueExists(connection, queue)).toBe(true);

    const channel = await broker.channel();
    const first = await consumeInto(channel, queue);
    const second = await consumeInto(channel, queue);
    await channel.cancel(first.consumerTag);
    expect(await queueExists(connection, queue)).toBe(true);
    await channel.cancel(second.consumerTag);
    await eventually('the auto-delete queue is gone', async () => !(await queueExists(connection, queue)));
  });

  test('an auto-delete queue also goes when its consumer channel closes', async () => {
    const queue = await broker.queue('temporary', { autoDelete: true });
    const consumer = await broker.channel();
    await consumeInto(consumer, queue);
    await consumer.close();
    const connection = await broker.connect();
    await eventually('the auto-delete queue is gone', async () => !(await queueExists(connection, queue)));
  });

  test('an empty name gets a server-generated amq.gen-* name; amq.* names are reserved (403)', async () => {
    const channel = await broker.channel();
    const declared = await channel.assertQueue('', { exclusive: true });
    expect(declared.queue).toMatch(/^amq\.gen-[A-Za-z0-9_-]{22}$/);
    expect(declared).toMatchObject({ messageCount: 0, consumerCount: 0 });
    const another = await channel.assertQueue('', { exclusive: true });
    expect(another.queue).not.toBe(declared.queue);

    const reserved = await broker.channel();
    expect(await failureOf(reserved.assertQueue(`amq.${broker.name('mine')}`))).toEqual({ code: 403, classId: 50, methodId: 10 });
  });

  test('a passive declare of a missing queue is 404', async () => {
    const channel = await broker.channel();
    expect(await failureOf(channel.checkQueue(broker.name('missing')))).toEqual({ code: 404, classId: 50, methodId: 10 });
  });

  test('redeclaring with other properties or arguments is 406; the same ones or passive are fine', async () => {
    const mismatch = { code: 406, classId: 50, methodId: 10 };
    expect(await redeclareFailure(broker, 'durable', { durable: false }, { durable: true })).toEqual(mismatch);
    expect(await redeclareFailure(broker, 'auto-delete', { autoDelete: false }, { autoDelete: true })).toEqual(mismatch);
    expect(await redeclareFailure(broker, 'ttl', { messageTtl: 1000 }, { messageTtl: 2000 })).toEqual(mismatch);
    expect(await redeclareFailure(broker, 'max-length', { maxLength: 5 }, {})).toEqual(mismatch);
    expect(await redeclareFailure(broker, 'dlx', { deadLetterExchange: 'a' }, { deadLetterExchange: 'b' })).toEqual(mismatch);

    const queue = await broker.queue('stable', { durable: false, messageTtl: 1000 });
    const channel = await broker.channel();
    expect(await channel.assertQueue(queue, { durable: false, messageTtl: 1000 })).toMatchObject({ queue });
    expect(await channel.checkQueue(queue)).toMatchObject({ queue });
  });

  test('an invalid queue argument is refused with 406', async () => {
    const channel = await broker.channel();
    broker.forgetQueueAfter(broker.name('odd'));
    expect(await failureOf(channel.assertQueue(broker.name('odd'), { arguments: { 'x-message-ttl': 'soon' } }))).toEqual({
      code: 406,
      classId: 50,
      methodId: 10,
    });
  });

  test('quorum queues: durable and shared only; exclusive, non-durable and auto-delete are refused', async () => {
    const quorum = { 'x-queue-type': 'quorum' };
    const outcomes: Record<string, unknown> = {};
    const attempts: [string, Options.AssertQueue][] = [
      ['exclusive', { durable: true, exclusive: true, arguments: quorum }],
      ['non-durable', { durable: false, arguments: quorum }],
      ['auto-delete', { durable: true, autoDelete: true, arguments: quorum }],
    ];
    for (const [what, options] of attempts) {
      const channel = await broker.channel();
      broker.forgetQueueAfter(broker.name(what));
      outcomes[what] = await failureOf(channel.assertQueue(broker.name(what), options));
    }
    expect(outcomes).toEqual({
      exclusive: { code: 406, classId: 50, methodId: 10 },
      'non-durable': { code: 406, classId: 50, methodId: 10 },
      'auto-delete': { code: 406, classId: 50, methodId: 10 },
    });

    const queue = await broker.queue('replicated', { durable: true, arguments: quorum });
    const classic = await broker.channel();
    expect(await failureOf(classic.assertQueue(queue, { durable: true }))).toEqual({ code: 406, classId: 50, methodId: 10 });
  });
});
