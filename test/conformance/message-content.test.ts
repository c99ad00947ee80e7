// What travels with a message: its bytes, however many frames they take,
// and the basic properties, headers included.
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { consumeInto, failureOf, getOne, publishConfirmed } from './observe.js';
import { present } from '../support/present.js';

describeBothBrokers('message content', (broker) => {
  test('the basic properties arrive as they were published', async () => {
    const queue = await broker.queue('props');
    const channel = await broker.confirmChannel();
    const published = {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      deliveryMode: 2,
      priority: 5,
      correlationId: 'corr-1',
      replyTo: 'callback',
      expiration: '60000',
      messageId: 'msg-1',
      timestamp: 1_700_000_000,
      type: 'order.created',
      userId: broker.credentials().username,
      appId: 'warren-tests',
    };
    await publishConfirmed(channel, '', queue, '{"ok":true}', published);
    const message = await getOne(channel, queue, { noAck: true });
    expect(message.properties).toMatchObject(published);
    expect(message.content.toString()).toBe('{"ok":true}');
  });

  test('headers keep their values: strings, numbers, booleans, nested tables, arrays, bytes', async () => {
    const queue = await broker.queue('headers');
    const channel = await broker.confirmChannel();
    const headers = {
      text: 'héllo',
      small: 7,
      negative: -42,
      large: 2 ** 40,
      fraction: 1.5,
      yes: true,
      no: false,
      nested: { inner: 'value', depth: { deeper: 1 } },
      list: ['a', 1, true, { k: 'v' }],
      bytes: Buffer.from([0, 1, 2, 255]),
      empty: '',
    };
    await publishConfirmed(channel, '', queue, 'h', { headers });
    const message = await getOne(channel, queue, { noAck: true });
    expect(message.properties.headers).toEqual(headers);
  });

  test('a message without properties arrives without them', async () => {
    const queue = await broker.queue('bare');
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'bare');
    const message = await getOne(channel, queue, { noAck: true });
    expect(message.properties).toMatchObject({
      contentType: undefined,
      deliveryMode: undefined,
      messageId: undefined,
      expiration: undefined,
      userId: undefined,
    });
  });

  test('a user-id other than the logged-in user is refused (406)', async () => {
    const queue = await broker.queue('impostor');
    const channel = await broker.channel();
    channel.sendToQueue(queue, Buffer.from('x'), { userId: 'someone-else' });
    expect(await failureOf(channel.checkQueue(queue))).toEqual({ code: 406, classId: 60, methodId: 40 });
  });

  test('bodies arrive byte for byte: empty, binary, and larger than one frame', async () => {
    const queue = await broker.queue('bodies');
    const channel = await broker.confirmChannel();
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const large = Buffer.alloc(300_000);
    for (let i = 0; i < large.length; i++) large[i] = (i * 7) % 251;
    const bodies = [Buffer.alloc(0), binary, large];
    for (const body of bodies) {
      await new Promise<void>((resolve, reject) =>
        channel.sendToQueue(queue, body, {}, (err) => (err ? reject(new Error('nacked')) : resolve())),
      );
    }
    const inbox = await consumeInto(channel, queue, { noAck: true });
    const received = await inbox.atLeast(3);
    expect(received.map((m, i) => m.content.equals(present(bodies[i])))).toEqual([true, true, true]);
    expect(received.map((m) => m.content.length)).toEqual([0, 256, 300_000]);
  });

  test('deliveries carry the consumer tag, a per-channel delivery tag, the exchange and the routing key', async () => {
    const queue = await broker.queue('fields');
    const exchange = await broker.exchange('fields', 'topic');
    const channel = await broker.confirmChannel();
    await channel.bindQueue(queue, exchange, 'order.*');
    const inbox = await consumeInto(channel, queue, { consumerTag: 'fields-consumer' });
    await publishConfirmed(channel, exchange, 'order.paid', 'one');
    await publishConfirmed(channel, exchange, 'order.sent', 'two');
    const [first, second] = await inbox.atLeast(2);
    expect(first?.fields).toEqual({
      consumerTag: 'fields-consumer',
      deliveryTag: 1,
      redelivered: false,
      exchange,
      routingKey: 'order.paid',
    });
    expect(second?.fields).toEqual({
      consumerTag: 'fields-consumer',
      deliveryTag: 2,
      redelivered: false,
      exchange,
      routingKey: 'order.sent',
    });
  });
});
