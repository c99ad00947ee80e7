// Queue operations a client can count: declare-ok and get-ok message counts,
// get-empty, purge, delete with if-unused/if-empty, consumers and cancel, and
// the order of the replies when a queue is deleted under its own consumer.
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { bodiesOf, connectionClosedWith, consumeInto, failureOf, fillQueue, getOne, numbered } from './observe.js';
import { basicConsume, queueDelete } from './raw-amqp.js';

describeBothBrokers('queue operations', (broker) => {
  test('declare-ok counts ready messages and consumers', async () => {
    const queue = broker.name('counted');
    broker.forgetQueueAfter(queue);
    const channel = await broker.confirmChannel();
    expect(await channel.assertQueue(queue)).toEqual({ queue, messageCount: 0, consumerCount: 0 });
    await fillQueue(channel, queue, numbered('m', 3));
    expect(await channel.assertQueue(queue)).toEqual({ queue, messageCount: 3, consumerCount: 0 });
    await channel.prefetch(1);
    const inbox = await consumeInto(channel, queue);
    await inbox.atLeast(1);
    // The delivered-but-unacked message is no longer ready.
    expect(await channel.checkQueue(queue)).toEqual({ queue, messageCount: 2, consumerCount: 1 });
  });

  test('get returns the next message with the count left behind; get-empty when none', async () => {
    const queue = await broker.queue('gettable');
    const channel = await broker.confirmChannel();
    expect(await channel.get(queue)).toBe(false);
    await fillQueue(channel, queue, numbered('m', 3));
    const first = await getOne(channel, queue, { noAck: true });
    expect(first.fields).toMatchObject({ deliveryTag: 1, redelivered: false, exchange: '', routingKey: queue, messageCount: 2 });
    expect(first.content.toString()).toBe('m1');
    expect((await getOne(channel, queue, { noAck: true })).fields.messageCount).toBe(1);
    expect((await getOne(channel, queue, { noAck: true })).fields.messageCount).toBe(0);
    expect(await channel.get(queue)).toBe(false);
  });

  test('purge removes ready messages and says how many; unacked ones stay', async () => {
    const queue = await broker.queue('purged');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, numbered('m', 5));
    const held = await getOne(channel, queue);
    expect(await channel.purgeQueue(queue)).toEqual({ messageCount: 4 });
    expect(await channel.purgeQueue(queue)).toEqual({ messageCount: 0 });
    channel.reject(held, true);
    expect(bodiesOf([await getOne(channel, queue)])).toEqual(['m1']);
  });

  test('delete says how many ready messages went with the queue', async () => {
    const queue = await broker.queue('deleted');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, numbered('m', 3));
    expect(await channel.deleteQueue(queue)).toEqual({ messageCount: 3 });
    expect(await failureOf(channel.checkQueue(queue))).toEqual({ code: 404, classId: 50, methodId: 10 });
  });

  test('delete if-empty refuses a queue with messages (406); if-unused refuses one with consumers (406)', async () => {
    const queue = await broker.queue('guarded');
    const filler = await broker.confirmChannel();
    await fillQueue(filler, queue, numbered('m', 1));
    const ifEmpty = await broker.channel();
    expect(await failureOf(ifEmpty.deleteQueue(queue, { ifEmpty: true }))).toEqual({ code: 406, classId: 50, methodId: 40 });

    const consumer = await broker.channel();
    await consumeInto(consumer, queue, { noAck: true });
    const ifUnused = await broker.channel();
    expect(await failureOf(ifUnused.deleteQueue(queue, { ifUnused: true }))).toEqual({ code: 406, classId: 50, methodId: 40 });

    // Without consumers and messages both conditions hold.
    await consumer.close();
    const last = await broker.channel();
    expect(await last.deleteQueue(queue, { ifEmpty: true, ifUnused: true })).toEqual({ messageCount: 0 });
  });

  test('deleting a queue with a consumer cancels the consumer from the server side', async () => {
    const queue = await broker.queue('consumed');
    const consumer = await broker.channel();
    const inbox = await consumeInto(consumer, queue);
    const other = await broker.channel();
    await other.deleteQueue(queue);
    await inbox.cancelled();
    // The channel stays usable after the server cancel.
    expect(await consumer.checkExchange('amq.direct')).toBeDefined();
  });

  test('deleting a queue under its own consumer on the same channel: delete-ok first, then basic.cancel', async () => {
    const queue = await broker.queue('consumed');
    const client = await broker.raw();
    const refused = await client.handshake(broker.credentials());
    if (refused !== null) throw new Error(`handshake refused: ${refused.code} ${refused.replyText}`);
    await client.openChannel(1);
    client.send(basicConsume(1, queue, 'worker'));
    expect(await client.nextMethod()).toMatchObject({ channel: 1, classId: 60, methodId: 21 });
    client.send(queueDelete(1, queue));
    const replies = [await client.nextMethod(), await client.nextMethod()].map((method) => [method?.classId, method?.methodId]);
    expect(replies).toEqual([
      [50, 41],
      [60, 30],
    ]);
  });

  test('consumer tags: the server names them amq.ctag-*, a client may choose; cancel stops deliveries', async () => {
    const queue = await broker.queue('tagged');
    const channel = await broker.confirmChannel();
    const named = await consumeInto(channel, queue, { noAck: true });
    expect(named.consumerTag).toMatch(/^amq\.ctag-/);
    const chosen = await consumeInto(channel, queue, { noAck: true, consumerTag: 'my-consumer' });
    expect(chosen.consumerTag).toBe('my-consumer');
    expect((await channel.checkQueue(queue)).consumerCount).toBe(2);

    expect(await channel.cancel(named.consumerTag)).toEqual({ consumerTag: named.consumerTag });
    await fillQueue(channel, queue, numbered('m', 2));
    const received = await chosen.atLeast(2);
    expect(received.map((m) => m.fields.consumerTag)).toEqual(['my-consumer', 'my-consumer']);
    expect(named.messages).toEqual([]);
  });

  test('reusing a consumer tag on the channel is a connection error (530)', async () => {
    const queue = await broker.queue('tagged');
    const connection = await broker.connect();
    const closed = connectionClosedWith(connection);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => {});
    await channel.consume(queue, () => {}, { consumerTag: 'twice' });
    channel.consume(queue, () => {}, { consumerTag: 'twice' }).catch(() => {});
    expect(await closed).toBe(530);
  });

  test('consuming from a missing queue is 404', async () => {
    const channel = await broker.confirmChannel();
    expect(await failureOf(channel.consume(broker.name('missing'), () => {}))).toEqual({ code: 404, classId: 60, methodId: 20 });
  });

  test('binding a missing queue or to a missing exchange is 404', async () => {
    const queue = await broker.queue('bound');
    const first = await broker.channel();
    expect(await failureOf(first.bindQueue(queue, broker.name('no-exchange'), 'k'))).toEqual({ code: 404, classId: 50, methodId: 20 });
    const second = await broker.channel();
    expect(await failureOf(second.bindQueue(broker.name('no-queue'), 'amq.direct', 'k'))).toEqual({
      code: 404,
      classId: 50,
      methodId: 20,
    });
  });
});
