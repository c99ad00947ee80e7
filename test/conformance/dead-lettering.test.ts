// Dead-lettering: rejected, expired and maxlen messages republished to the
// dead-letter exchange, with the x-death history RabbitMQ 3.x writes.
import type { ConsumeMessage, XDeath } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import type { BrokerUnderTest } from './brokers.js';
import { consumeInto, getOne, publishConfirmed } from './observe.js';

/** A fanout dead-letter exchange with one queue behind it, consumed into an inbox. */
async function deadLetterSink(broker: BrokerUnderTest) {
  const exchange = await broker.exchange('dlx', 'fanout');
  const queue = await broker.queue('dead-letters');
  const channel = await broker.channel();
  await channel.bindQueue(queue, exchange, '');
  const inbox = await consumeInto(channel, queue, { noAck: true });
  return { exchange, queue, inbox };
}

/** The x-death entries without their time, which cases only check for presence. */
function deathsWithoutTime(message: ConsumeMessage): Omit<XDeath, 'time'>[] {
  const deaths = message.properties.headers?.['x-death'] ?? [];
  for (const death of deaths) expect(death.time).toMatchObject({ '!': 'timestamp' });
  return deaths.map(({ time: _time, ...rest }) => rest);
}

/** The x-first-death-* headers. */
function firstDeath(message: ConsumeMessage) {
  const headers = message.properties.headers ?? {};
  return {
    reason: headers['x-first-death-reason'],
    queue: headers['x-first-death-queue'],
    exchange: headers['x-first-death-exchange'],
  };
}

describeBothBrokers('dead-lettering', (broker) => {
  test('a rejected message (requeue false) is dead-lettered with reason rejected', async () => {
    const sink = await deadLetterSink(broker);
    const source = await broker.exchange('orders', 'direct');
    const queue = await broker.queue('work', { deadLetterExchange: sink.exchange });
    const channel = await broker.confirmChannel();
    await channel.bindQueue(queue, source, 'order.new');
    await publishConfirmed(channel, source, 'order.new', 'bad order', { messageId: 'o-1', headers: { kept: 'yes' } });
    channel.reject(await getOne(channel, queue), false);

    const dead = await sink.inbox.nth(1);
    expect(dead.content.toString()).toBe('bad order');
    expect(dead.fields).toMatchObject({ exchange: sink.exchange, routingKey: 'order.new', redelivered: false });
    expect(dead.properties.messageId).toBe('o-1');
    expect(dead.properties.headers?.kept).toBe('yes');
    expect(deathsWithoutTime(dead)).toEqual([{ count: 1, reason: 'rejected', queue, exchange: source, 'routing-keys': ['order.new'] }]);
    expect(firstDeath(dead)).toEqual({ reason: 'rejected', queue, exchange: source });
  });

  test('nack without requeue dead-letters too; requeue does not', async () => {
    const sink = await deadLetterSink(broker);
    const queue = await broker.queue('work', { deadLetterExchange: sink.exchange });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'twice');
    channel.nack(await getOne(channel, queue), false, true);
    channel.nack(await getOne(channel, queue), false, false);
    const dead = await sink.inbox.nth(1);
    expect(deathsWithoutTime(dead)).toEqual([{ count: 1, reason: 'rejected', queue, exchange: '', 'routing-keys': [queue] }]);
    await sink.inbox.staysAt(1);
  });

  test('an expired message is dead-lettered with reason expired', async () => {
    const sink = await deadLetterSink(broker);
    const queue = await broker.queue('waiting', { deadLetterExchange: sink.exchange, messageTtl: 30 });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'too late');
    const dead = await sink.inbox.nth(1);
    expect(dead.content.toString()).toBe('too late');
    expect(deathsWithoutTime(dead)).toEqual([{ count: 1, reason: 'expired', queue, exchange: '', 'routing-keys': [queue] }]);
    expect(firstDeath(dead)).toEqual({ reason: 'expired', queue, exchange: '' });
  });

  test('per-message expiration: x-death keeps the original expiration and the property is removed', async () => {
    const sink = await deadLetterSink(broker);
    const queue = await broker.queue('waiting', { deadLetterExchange: sink.exchange });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'too late', { expiration: '30' });
    const dead = await sink.inbox.nth(1);
    expect(dead.properties.expiration).toBeUndefined();
    expect(deathsWithoutTime(dead)).toEqual([
      { count: 1, reason: 'expired', queue, exchange: '', 'routing-keys': [queue], 'original-expiration': '30' },
    ]);
  });

  test('a message dropped by max-length is dead-lettered with reason maxlen', async () => {
    const sink = await deadLetterSink(broker);
    const queue = await broker.queue('bounded', { deadLetterExchange: sink.exchange, maxLength: 1 });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'oldest');
    await publishConfirmed(channel, '', queue, 'newest');
    const dead = await sink.inbox.nth(1);
    expect(dead.content.toString()).toBe('oldest');
    expect(deathsWithoutTime(dead)).toEqual([{ count: 1, reason: 'maxlen', queue, exchange: '', 'routing-keys': [queue] }]);
    expect((await channel.checkQueue(queue)).messageCount).toBe(1);
  });

  test('x-dead-letter-routing-key replaces the routing key; x-death keeps the original', async () => {
    const dlx = await broker.exchange('dlx', 'direct');
    const parking = await broker.queue('parking');
    const elsewhere = await broker.queue('elsewhere');
    const queue = await broker.queue('work', { deadLetterExchange: dlx, deadLetterRoutingKey: 'parked' });
    const channel = await broker.confirmChannel();
    await channel.bindQueue(parking, dlx, 'parked');
    await channel.bindQueue(elsewhere, dlx, queue);
    await publishConfirmed(channel, '', queue, 'park me');
    channel.reject(await getOne(channel, queue), false);

    const inbox = await consumeInto(channel, parking, { noAck: true });
    const dead = await inbox.nth(1);
    expect(dead.fields.routingKey).toBe('parked');
    expect(deathsWithoutTime(dead)).toEqual([{ count: 1, reason: 'rejected', queue, exchange: '', 'routing-keys': [queue] }]);
    expect(await channel.get(elsewhere)).toBe(false);
  });

  test('dying again in the same queue counts up; the latest death comes first', async () => {
    const first = broker.name('ping');
    const second = broker.name('pong');
    await broker.queue('ping', { deadLetterExchange: '', deadLetterRoutingKey: second });
    await broker.queue('pong', { deadLetterExchange: '', deadLetterRoutingKey: first });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', first, 'ball');

    const bounce = async (queue: string) => {
      const inbox = await consumeInto(channel, queue);
      const message = await inbox.nth(1);
      await channel.cancel(inbox.consumerTag);
      channel.reject(message, false);
      return message;
    };
    await bounce(first);
    await bounce(second);
    await bounce(first);
    const landed = await consumeInto(channel, second, { noAck: true });
    const ball = await landed.nth(1);
    expect(deathsWithoutTime(ball)).toEqual([
      { count: 2, reason: 'rejected', queue: first, exchange: '', 'routing-keys': [first] },
      { count: 1, reason: 'rejected', queue: second, exchange: '', 'routing-keys': [second] },
    ]);
    expect(firstDeath(ball)).toEqual({ reason: 'rejected', queue: first, exchange: '' });
  });

  test('an expired message is dropped rather than dead-lettered back into a queue it died in; other queues still get it', async () => {
    const dlx = await broker.exchange('dlx', 'fanout');
    const cycling = await broker.queue('cycling', { messageTtl: 30, deadLetterExchange: dlx });
    const watch = await broker.queue('watch');
    const channel = await broker.confirmChannel();
    await channel.bindQueue(cycling, dlx, '');
    await channel.bindQueue(watch, dlx, '');
    const watched = await consumeInto(channel, watch, { noAck: true });
    await publishConfirmed(channel, '', cycling, 'round');
    expect(deathsWithoutTime(await watched.nth(1))).toEqual([
      { count: 1, reason: 'expired', queue: cycling, exchange: '', 'routing-keys': [cycling] },
    ]);
    await watched.staysAt(1, 300);
    expect((await channel.checkQueue(cycling)).messageCount).toBe(0);
  });

  test('round two queues that expire into each other, the message is dropped as it would close the cycle', async () => {
    const toPong = await broker.exchange('to-pong', 'fanout');
    const toPing = await broker.exchange('to-ping', 'fanout');
    const ping = await broker.queue('ping', { messageTtl: 30, deadLetterExchange: toPong });
    const pong = await broker.queue('pong', { messageTtl: 30, deadLetterExchange: toPing });
    const watch = await broker.queue('watch');
    const channel = await broker.confirmChannel();
    await channel.bindQueue(pong, toPong, '');
    await channel.bindQueue(ping, toPing, '');
    await channel.bindQueue(watch, toPong, '');
    await channel.bindQueue(watch, toPing, '');
    const watched = await consumeInto(channel, watch, { noAck: true });
    await publishConfirmed(channel, '', ping, 'ball');
    expect(deathsWithoutTime(await watched.nth(2))).toEqual([
      { count: 1, reason: 'expired', queue: pong, exchange: toPong, 'routing-keys': [ping] },
      { count: 1, reason: 'expired', queue: ping, exchange: '', 'routing-keys': [ping] },
    ]);
    await watched.staysAt(2, 300);
    expect([(await channel.checkQueue(ping)).messageCount, (await channel.checkQueue(pong)).messageCount]).toEqual([0, 0]);
  });

  test('a cycle with a rejection in it goes on: a rejected message comes back as often as it is rejected', async () => {
    const work = broker.name('work');
    const wait = broker.name('wait');
    await broker.queue('work', { deadLetterExchange: '', deadLetterRoutingKey: wait });
    await broker.queue('wait', { messageTtl: 30, deadLetterExchange: '', deadLetterRoutingKey: work });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', work, 'retry me');
    for (let attempt = 1; attempt <= 3; attempt++) {
      const inbox = await consumeInto(channel, work);
      const message = await inbox.nth(1);
      await channel.cancel(inbox.consumerTag);
      const earlier = attempt - 1;
      expect(deathsWithoutTime(message)).toEqual(
        earlier === 0
          ? []
          : [
              { count: earlier, reason: 'expired', queue: wait, exchange: '', 'routing-keys': [wait] },
              { count: earlier, reason: 'rejected', queue: work, exchange: '', 'routing-keys': [work] },
            ],
      );
      channel.reject(message, false);
    }
  });

  test('a rejected message dead-lettered straight back into its own queue is not a cycle', async () => {
    const queue = broker.name('self');
    await broker.queue('self', { deadLetterExchange: '', deadLetterRoutingKey: queue });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'again');
    // Dead-lettering may finish after the reject that caused it: wait for the message to be delivered again.
    const next = async () => {
      const inbox = await consumeInto(channel, queue);
      const message = await inbox.nth(1);
      await channel.cancel(inbox.consumerTag);
      return message;
    };
    channel.reject(await next(), false);
    channel.reject(await next(), false);
    const third = await next();
    expect(deathsWithoutTime(third)).toEqual([{ count: 2, reason: 'rejected', queue, exchange: '', 'routing-keys': [queue] }]);
  });

  test('a dead-letter exchange that does not exist drops the message silently', async () => {
    const queue = await broker.queue('work', { deadLetterExchange: broker.name('missing-dlx') });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', queue, 'vanishes');
    channel.reject(await getOne(channel, queue), false);
    expect(await channel.get(queue)).toBe(false);
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
  });
  test('purging or deleting a queue does not dead-letter its messages', async () => {
    const sink = await deadLetterSink(broker);
    const purged = await broker.queue('purged', { deadLetterExchange: sink.exchange });
    const deleted = await broker.queue('deleted', { deadLetterExchange: sink.exchange });
    const channel = await broker.confirmChannel();
    await publishConfirmed(channel, '', purged, 'purge me');
    await publishConfirmed(channel, '', deleted, 'delete me');
    expect(await channel.purgeQueue(purged)).toEqual({ messageCount: 1 });
    expect(await channel.deleteQueue(deleted)).toEqual({ messageCount: 1 });
    await sink.inbox.staysAt(0);
  });
});
