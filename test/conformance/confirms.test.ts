// Publisher confirms and mandatory returns.
import type { ConfirmChannel, Message } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { within } from './observe.js';

/** Every confirm a channel sent, as the set of publish sequence numbers it settled. */
function recordConfirms(channel: ConfirmChannel): { acked: number[]; nacked: number[] } {
  const seen = { acked: [] as number[], nacked: [] as number[] };
  const settle = (into: number[]) => (fields: { deliveryTag: number; multiple: boolean }) => {
    const already = new Set([...seen.acked, ...seen.nacked]);
    const from = fields.multiple ? 1 : fields.deliveryTag;
    for (let tag = from; tag <= fields.deliveryTag; tag++) if (!already.has(tag)) into.push(tag);
  };
  channel.on('ack', settle(seen.acked));
  channel.on('nack', settle(seen.nacked));
  return seen;
}

describeBothBrokers('publisher confirms', (broker) => {
  test('every publish is acked exactly once, in sequence', async () => {
    const queue = await broker.queue('confirmed');
    const channel = await broker.confirmChannel();
    const confirms = recordConfirms(channel);
    const callbacks: (string | null)[] = [];
    for (let i = 1; i <= 50; i++) {
      channel.sendToQueue(queue, Buffer.from(`m${i}`), {}, (err) => callbacks.push(err ? 'nack' : null));
    }
    await within(3000, 'all confirms', channel.waitForConfirms());
    expect(callbacks).toEqual(new Array(50).fill(null));
    expect([...confirms.acked].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(confirms.nacked).toEqual([]);
    expect((await channel.checkQueue(queue)).messageCount).toBe(50);
  });

  test('an unroutable publish is still acked (the broker took responsibility)', async () => {
    const exchange = await broker.exchange('nowhere', 'direct');
    const channel = await broker.confirmChannel();
    const returns: Message[] = [];
    channel.on('return', (message: Message) => returns.push(message));
    channel.publish(exchange, 'no.binding', Buffer.from('lost'));
    await within(3000, 'the confirm', channel.waitForConfirms());
    expect(returns).toEqual([]);
  });

  test('mandatory and unroutable: basic.return 312 NO_ROUTE arrives before the ack', async () => {
    const exchange = await broker.exchange('nowhere', 'direct');
    const channel = await broker.confirmChannel();
    const events: string[] = [];
    const returned = new Promise<Message>((resolve) =>
      channel.on('return', (message: Message) => {
        events.push('return');
        resolve(message);
      }),
    );
    const acked = new Promise<void>((resolve, reject) =>
      channel.publish(exchange, 'no.binding', Buffer.from('bounce'), { mandatory: true, messageId: 'id-1' }, (err) => {
        events.push(err ? 'nack' : 'ack');
        if (err) reject(new Error('nacked'));
        else resolve();
      }),
    );
    await within(3000, 'the ack', acked);
    const message = await within(3000, 'the return', returned);
    expect(events).toEqual(['return', 'ack']);
    expect(message.fields).toMatchObject({ replyCode: 312, replyText: 'NO_ROUTE', exchange, routingKey: 'no.binding' });
    expect(message.content.toString()).toBe('bounce');
    expect(message.properties.messageId).toBe('id-1');
  });

  test('mandatory and routable: no return', async () => {
    const queue = await broker.queue('routable');
    const channel = await broker.confirmChannel();
    const returns: Message[] = [];
    channel.on('return', (message: Message) => returns.push(message));
    channel.sendToQueue(queue, Buffer.from('fine'), { mandatory: true });
    await within(3000, 'the confirm', channel.waitForConfirms());
    expect(returns).toEqual([]);
    expect((await channel.checkQueue(queue)).messageCount).toBe(1);
  });

  test('mandatory returns work without confirms too, on the default exchange', async () => {
    const channel = await broker.channel();
    const missing = broker.name('no-such-queue');
    const returned = new Promise<Message>((resolve) => channel.on('return', resolve));
    channel.sendToQueue(missing, Buffer.from('bounce'), { mandatory: true });
    const message = await within(3000, 'the return', returned);
    expect(message.fields).toMatchObject({ replyCode: 312, replyText: 'NO_ROUTE', exchange: '', routingKey: missing });
  });
});
