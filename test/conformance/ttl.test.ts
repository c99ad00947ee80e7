// Time to live: per-queue x-message-ttl, per-message expiration (including
// "0"), and x-expires for queues nobody uses.
import type { Message } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { consumeInto, eventually, fillQueue, isRoutable, pause, queueExists } from './observe.js';
import { present } from '../support/present.js';

describeBothBrokers('time to live', (broker) => {
  test('x-message-ttl: messages left on the queue past the TTL are gone', async () => {
    const queue = await broker.queue('short-lived', { arguments: { 'x-message-ttl': 50 } });
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['m1', 'm2']);
    await eventually('both messages expired', async () => (await channel.checkQueue(queue)).messageCount === 0);
    expect(await channel.get(queue)).toBe(false);
  });

  test('x-message-ttl: a message taken in time is delivered normally', async () => {
    const queue = await broker.queue('short-lived', { arguments: { 'x-message-ttl': 2000 } });
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['quick']);
    const message = await channel.get(queue, { noAck: true });
    expect(message && message.content.toString()).toBe('quick');
  });

  test('per-message expiration: the message expires, its neighbours stay', async () => {
    const queue = await broker.queue('mixed');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['fleeting'], { expiration: '30' });
    await fillQueue(channel, queue, ['lasting']);
    await eventually('the expiring message is dropped', async () => (await channel.checkQueue(queue)).messageCount === 1);
    const message = await channel.get(queue, { noAck: true });
    expect(message && message.content.toString()).toBe('lasting');
  });

  test('per-message expiration is applied at the head: an expired message behind another waits, then is dropped', async () => {
    const queue = await broker.queue('behind');
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['lasting']);
    await fillQueue(channel, queue, ['fleeting'], { expiration: '30' });
    await pause(100);
    // Still counted: only the head of the queue is checked for expiry.
    expect((await channel.checkQueue(queue)).messageCount).toBe(2);
    const first = await channel.get(queue, { noAck: true });
    expect(first && first.content.toString()).toBe('lasting');
    expect(await channel.get(queue, { noAck: true })).toBe(false);
  });

  test('the lower of queue TTL and message expiration applies', async () => {
    const queue = await broker.queue('both', { arguments: { 'x-message-ttl': 10_000 } });
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['short'], { expiration: '30' });
    await eventually(
      'the message with the shorter expiration is dropped',
      async () => (await channel.checkQueue(queue)).messageCount === 0,
    );
  });

  test('a message that expires while a busy consumer holds its prefetch slot is never delivered', async () => {
    const queue = await broker.queue('waiting', { arguments: { 'x-message-ttl': 100 } });
    const publisher = await broker.confirmChannel();
    const worker = await broker.channel();
    await worker.prefetch(1);
    const inbox = await consumeInto(worker, queue);
    await fillQueue(publisher, queue, ['first', 'second']);
    await inbox.atLeast(1);
    await pause(200);
    worker.ack(present(inbox.messages[0]));
    await inbox.staysAt(1);
    expect((await publisher.checkQueue(queue)).messageCount).toBe(0);
  });

  test('a message requeued after its TTL has passed is dropped, not requeued', async () => {
    const queue = await broker.queue('stale', { arguments: { 'x-message-ttl': 100 } });
    const channel = await broker.confirmChannel();
    await fillQueue(channel, queue, ['stale']);
    const held = await channel.get(queue);
    expect(held && held.content.toString()).toBe('stale');
    await pause(200);
    channel.reject(held as Message, true);
    expect(await channel.get(queue, { noAck: true })).toBe(false);
  });

  test('expiration "0" is delivered only if a consumer can take it at once', async () => {
    const queue = await broker.queue('now-or-never');
    const publisher = await broker.confirmChannel();
    await fillQueue(publisher, queue, ['nobody listening'], { expiration: '0' });
    expect((await publisher.checkQueue(queue)).messageCount).toBe(0);

    const consumer = await broker.channel();
    const inbox = await consumeInto(consumer, queue, { noAck: true });
    await fillQueue(publisher, queue, ['someone listening'], { expiration: '0' });
    const message = await inbox.nth(1);
    expect(message.content.toString()).toBe('someone listening');
    expect(message.properties.expiration).toBe('0');
    await inbox.staysAt(1);
  });

  test('x-expires: a queue nobody uses disappears', async () => {
    const queue = await broker.queue('forgotten', { arguments: { 'x-expires': 100 } });
    const channel = await broker.confirmChannel();
    expect(await isRoutable(channel, queue)).toBe(true);
    // Mandatory publishes watch for it without using it (a passive declare would).
    await eventually('the queue expired', async () => !(await isRoutable(channel, queue)), 3000);
    const connection = await broker.connect();
    expect(await queueExists(connection, queue)).toBe(false);
  });

  test('x-expires: a queue with a consumer does not expire', async () => {
    const queue = await broker.queue('watched', { arguments: { 'x-expires': 100 } });
    const channel = await broker.channel();
    await consumeInto(channel, queue, { noAck: true });
    await pause(300);
    const connection = await broker.connect();
    expect(await queueExists(connection, queue)).toBe(true);
  });
});
