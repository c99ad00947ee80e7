// Queue length limits: x-max-length with drop-head and reject-publish, and
// x-max-length-bytes.
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { confirmOutcome, drainBodies, publishConfirmed } from './observe.js';

describeBothBrokers('max length', (broker) => {
  test('drop-head (the default): the oldest messages make room for new ones', async () => {
    const queue = await broker.queue('bounded', { arguments: { 'x-max-length': 2 } });
    const channel = await broker.confirmChannel();
    for (const body of ['m1', 'm2', 'm3', 'm4']) await publishConfirmed(channel, '', queue, body);
    expect((await channel.checkQueue(queue)).messageCount).toBe(2);
    expect(await drainBodies(channel, queue)).toEqual(['m3', 'm4']);
  });

  test('reject-publish: publishes over the limit are nacked and not queued', async () => {
    const queue = await broker.queue('bounded', { arguments: { 'x-max-length': 2, 'x-overflow': 'reject-publish' } });
    const channel = await broker.confirmChannel();
    const outcomes = [];
    for (const body of ['m1', 'm2', 'm3', 'm4']) outcomes.push(await confirmOutcome(channel, '', queue, body));
    expect(outcomes).toEqual(['ack', 'ack', 'nack', 'nack']);
    expect(await drainBodies(channel, queue)).toEqual(['m1', 'm2']);
    // Room again: publishes are accepted.
    expect(await confirmOutcome(channel, '', queue, 'm5')).toBe('ack');
  });

  test('x-max-length-bytes counts body bytes and drops from the head', async () => {
    const queue = await broker.queue('bytes', { arguments: { 'x-max-length-bytes': 10 } });
    const channel = await broker.confirmChannel();
    for (const body of ['aaaa', 'bbbb', 'cccc']) {
      await publishConfirmed(channel, '', queue, body, { headers: { padding: 'headers do not count' } });
    }
    expect(await drainBodies(channel, queue)).toEqual(['bbbb', 'cccc']);
  });

  test('unacked messages do not count toward the limit', async () => {
    const queue = await broker.queue('bounded', { arguments: { 'x-max-length': 1 } });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'm1');
    const held = await channel.get(queue);
    expect(held && held.content.toString()).toBe('m1');
    await publishConfirmed(channel, '', queue, 'm2');
    expect((await channel.checkQueue(queue)).messageCount).toBe(1);
    await publishConfirmed(channel, '', queue, 'm3');
    expect(await drainBodies(channel, queue)).toEqual(['m3']);
  });
});
