// Unacked deliveries return to their queue when their channel or connection
// closes: flagged redelivered, in their original order, none lost.
import type { Channel } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { consumeInto, eventually, fillQueue, numbered } from './observe.js';
import { present } from '../support/present.js';

/** The ready messages of a queue, taken with basic.get, as body and redelivered flag. */
async function readyMessages(channel: Channel, queue: string): Promise<[string, boolean][]> {
  const found: [string, boolean][] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (message === false) return found;
    found.push([message.content.toString(), message.fields.redelivered]);
  }
}

describeBothBrokers('unacked messages on close', (broker) => {
  test('closing the channel requeues its unacked deliveries in order, redelivered', async () => {
    const queue = await broker.queue('tasks');
    const observer = await broker.confirmChannel();
    await fillQueue(observer, queue, numbered('m', 5));
    const worker = await (await broker.connect()).createChannel();
    const inbox = await consumeInto(worker, queue);
    const delivered = await inbox.atLeast(5);
    worker.ack(present(delivered[1]));
    worker.ack(present(delivered[3]));
    await worker.close();

    expect(await readyMessages(observer, queue)).toEqual([
      ['m1', true],
      ['m3', true],
      ['m5', true],
    ]);
  });

  test('closing the connection requeues the unacked deliveries of all its channels', async () => {
    const queue = await broker.queue('tasks');
    const observer = await broker.confirmChannel();
    await fillQueue(observer, queue, numbered('m', 4));
    const connection = await broker.connect();
    const first = await connection.createChannel();
    const second = await connection.createChannel();
    await first.get(queue);
    await second.get(queue);
    await first.get(queue);
    expect((await observer.checkQueue(queue)).messageCount).toBe(1);
    await connection.close();

    await eventually('the unacked messages are back', async () => (await observer.checkQueue(queue)).messageCount === 4);
    expect(await readyMessages(observer, queue)).toEqual([
      ['m1', true],
      ['m2', true],
      ['m3', true],
      ['m4', false],
    ]);
  });

  test('requeued messages are redelivered to a waiting consumer ahead of newer ones', async () => {
    const queue = await broker.queue('tasks');
    const observer = await broker.confirmChannel();
    await fillQueue(observer, queue, numbered('m', 3));
    const workerConnection = await broker.connect();
    const worker = await workerConnection.createChannel();
    await worker.prefetch(2);
    const workerInbox = await consumeInto(worker, queue);
    await workerInbox.atLeast(2);

    const other = await (await broker.connect()).createChannel();
    const otherInbox = await consumeInto(other, queue);
    expect((await otherInbox.atLeast(1)).map((m) => m.content.toString())).toEqual(['m3']);
    await workerConnection.close();
    const all = await otherInbox.atLeast(3);
    expect(all.map((m) => [m.content.toString(), m.fields.redelivered])).toEqual([
      ['m3', false],
      ['m1', true],
      ['m2', true],
    ]);
  });
});
