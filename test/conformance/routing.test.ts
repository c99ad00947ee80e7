// Where a published message ends up, for every exchange type.
import type { ConfirmChannel, Options } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import type { BrokerUnderTest } from './brokers.js';
import { closeReason, connectionClosedWith, drainBodies, failureOf, publishConfirmed, within } from './observe.js';
import { present } from '../support/present.js';

/**
 * Publishes one message (confirmed, so routing is over) and returns the labels
 * of the queues it reached, once per copy, in label order.
 */
async function destinations(
  channel: ConfirmChannel,
  queues: Record<string, string>,
  exchange: string,
  routingKey: string,
  options?: Options.Publish,
): Promise<string[]> {
  const body = `to ${exchange}/${routingKey}`;
  await publishConfirmed(channel, exchange, routingKey, body, options);
  const reached: string[] = [];
  for (const [label, queue] of Object.entries(queues).sort()) {
    for (const got of await drainBodies(channel, queue)) {
      expect(got).toBe(body);
      reached.push(label);
    }
  }
  return reached;
}

/** Declares one queue per label, returning label -> queue name. */
async function queuesFor<Label extends string>(broker: BrokerUnderTest, labels: readonly Label[]): Promise<Record<Label, string>> {
  const queues = {} as Record<Label, string>;
  for (const label of labels) queues[label] = await broker.queue(label);
  return queues;
}

describeBothBrokers('routing', (broker) => {
  test('the default exchange routes by queue name and refuses bindings', async () => {
    const queues = await queuesFor(broker, ['hello']);
    const channel = await broker.confirmChannel();
    expect(await destinations(channel, queues, '', queues.hello)).toEqual(['hello']);
    expect(await destinations(channel, queues, '', broker.name('nobody'))).toEqual([]);

    const other = await broker.channel();
    expect(await failureOf(other.bindQueue(queues.hello, '', 'x'))).toEqual({ code: 403, classId: 50, methodId: 20 });
  });

  test('direct: exact key match; one key bound to two queues acts like fanout', async () => {
    const queues = await queuesFor(broker, ['Q1', 'Q2']);
    const direct = await broker.exchange('direct_logs', 'direct');
    const channel = await broker.confirmChannel();
    await channel.bindQueue(queues.Q1, direct, 'orange');
    await channel.bindQueue(queues.Q2, direct, 'black');
    await channel.bindQueue(queues.Q2, direct, 'green');

    expect(await destinations(channel, queues, direct, 'orange')).toEqual(['Q1']);
    expect(await destinations(channel, queues, direct, 'black')).toEqual(['Q2']);
    expect(await destinations(channel, queues, direct, 'green')).toEqual(['Q2']);
    expect(await destinations(channel, queues, direct, 'Orange')).toEqual([]);
    expect(await destinations(channel, queues, direct, '')).toEqual([]);

    await channel.bindQueue(queues.Q1, direct, 'black');
    expect(await destinations(channel, queues, direct, 'black')).toEqual(['Q1', 'Q2']);

    await channel.unbindQueue(queues.Q2, direct, 'black');
    expect(await destinations(channel, queues, direct, 'black')).toEqual(['Q1']);
  });

  test('fanout: every bound queue gets a copy whatever the key', async () => {
    const queues = await queuesFor(broker, ['A', 'B']);
    const fanout = await broker.exchange('logs', 'fanout');
    const channel = await broker.confirmChannel();
    await channel.bindQueue(queues.A, fanout, '');
    await channel.bindQueue(queues.B, fanout, 'ignored');
    // A second binding of the same queue still yields one copy.
    await channel.bindQueue(queues.B, fanout, 'another');

    expect(await destinations(channel, queues, fanout, '')).toEqual(['A', 'B']);
    expect(await destinations(channel, queues, fanout, 'anything.at.all')).toEqual(['A', 'B']);
  });

  test('topic: * is one word, # zero or more, an empty word is a word', async () => {
    const patterns: Record<string, string> = {
      P1: '*.*.rabbit',
      P2: '#',
      P3: '#.#',
      P4: 'a.*',
      P5: 'a.#',
      P6: '*',
      P7: 'a.#.b',
      P8: '',
      P9: 'a',
      P10: '#.b',
    };
    const queues = await queuesFor(broker, Object.keys(patterns));
    const topic = await broker.exchange('topic', 'topic');
    const channel = await broker.confirmChannel();
    for (const [label, pattern] of Object.entries(patterns)) await channel.bindQueue(present(queues[label]), topic, pattern);

    const table: [string, string[]][] = [
      ['a..rabbit', ['P1', 'P2', 'P3', 'P5']],
      ['quick.orange.rabbit', ['P1', 'P2', 'P3']],
      ['rabbit', ['P2', 'P3', 'P6']],
      ['a', ['P2', 'P3', 'P5', 'P6', 'P9']],
      ['', ['P2', 'P3', 'P8']],
      ['a.', ['P2', 'P3', 'P4', 'P5']],
      ['a.b', ['P10', 'P2', 'P3', 'P4', 'P5', 'P7']],
      ['a.x.y.b', ['P10', 'P2', 'P3', 'P5', 'P7']],
      ['.', ['P2', 'P3']],
      ['b', ['P10', 'P2', 'P3', 'P6']],
      ['a.b.', ['P2', 'P3', 'P5']],
      ['ab', ['P2', 'P3', 'P6']],
    ];
    const observed: [string, string[]][] = [];
    for (const [key] of table) observed.push([key, await destinations(channel, queues, topic, key)]);
    expect(observed).toEqual(table);
  });

  test('headers: x-match all and any, absent and extra headers, x- keys ignored', async () => {
    const queues = await queuesFor(broker, ['all', 'any', 'implicitAll', 'withXKey', 'matchEverything']);
    const headers = await broker.exchange('headers', 'headers');
    const channel = await broker.confirmChannel();
    await channel.bindQueue(queues.all, headers, '', { 'x-match': 'all', format: 'pdf', type: 'report' });
    await channel.bindQueue(queues.any, headers, '', { 'x-match': 'any', format: 'pdf', type: 'log' });
    await channel.bindQueue(queues.implicitAll, headers, '', { format: 'zip' });
    await channel.bindQueue(queues.withXKey, headers, '', { 'x-match': 'all', format: 'pdf', 'x-note': 'ignored' });
    await channel.bindQueue(queues.matchEverything, headers, '', { 'x-match': 'all' });

    const send = (h: Record<string, unknown> | undefined) => destinations(channel, queues, headers, 'key is ignored', { headers: h });
    expect(await send({ format: 'pdf', type: 'report' })).toEqual(['all', 'any', 'matchEverything', 'withXKey']);
    expect(await send({ format: 'pdf', type: 'log', extra: 1 })).toEqual(['any', 'matchEverything', 'withXKey']);
    expect(await send({ type: 'log' })).toEqual(['any', 'matchEverything']);
    expect(await send({ format: 'zip', type: 'report' })).toEqual(['implicitAll', 'matchEverything']);
    expect(await send(undefined)).toEqual(['matchEverything']);
    expect(await send({ 'x-note': 'ignored' })).toEqual(['matchEverything']);
  });

  test('amq.match is a headers exchange too', async () => {
    const queues = await queuesFor(broker, ['Q']);
    const channel = await broker.confirmChannel();
    await channel.bindQueue(queues.Q, 'amq.match', '', { 'x-match': 'any', [broker.name('h')]: 'yes' });
    try {
      expect(await destinations(channel, queues, 'amq.match', '', { headers: { [broker.name('h')]: 'yes' } })).toEqual(['Q']);
      expect(await destinations(channel, queues, 'amq.match', '', { headers: { [broker.name('h')]: 'no' } })).toEqual([]);
    } finally {
      await channel.unbindQueue(queues.Q, 'amq.match', '', { 'x-match': 'any', [broker.name('h')]: 'yes' });
    }
  });

  test('exchange-to-exchange bindings route through, one copy per queue', async () => {
    const queues = await queuesFor(broker, ['Q', 'direct']);
    const source = await broker.exchange('source', 'topic');
    const middle = await broker.exchange('middle', 'fanout');
    const channel = await broker.confirmChannel();
    await channel.bindExchange(middle, source, 'orders.*');
    await channel.bindQueue(queues.Q, middle, '');
    // Q is also reachable straight from the source: it still gets one copy.
    await channel.bindQueue(queues.Q, source, 'orders.new');
    await channel.bindQueue(queues.direct, source, 'orders.new');

    expect(await destinations(channel, queues, source, 'orders.paid')).toEqual(['Q']);
    expect(await destinations(channel, queues, source, 'orders.new')).toEqual(['Q', 'direct']);
    expect(await destinations(channel, queues, source, 'invoices.new')).toEqual([]);

    await channel.unbindExchange(middle, source, 'orders.*');
    expect(await destinations(channel, queues, source, 'orders.paid')).toEqual([]);
  });

  test('an internal exchange refuses publishes (403) but routes what other exchanges pass on', async () => {
    const queues = await queuesFor(broker, ['Q']);
    const front = await broker.exchange('front', 'direct');
    const internal = await broker.exchange('internal', 'fanout', { internal: true });
    const channel = await broker.confirmChannel();
    await channel.bindQueue(queues.Q, internal, '');
    await channel.bindExchange(internal, front, 'in');
    expect(await destinations(channel, queues, front, 'in')).toEqual(['Q']);

    const publisher = await broker.channel();
    publisher.publish(internal, '', Buffer.from('direct to internal'));
    expect(await failureOf(publisher.checkQueue(queues.Q))).toEqual({ code: 403, classId: 60, methodId: 40 });
  });

  test('amq.* exchanges are predeclared with their types; new amq. names are refused (403)', async () => {
    const channel = await broker.channel();
    const predeclared: [string, string][] = [
      ['amq.direct', 'direct'],
      ['amq.fanout', 'fanout'],
      ['amq.topic', 'topic'],
      ['amq.headers', 'headers'],
      ['amq.match', 'headers'],
    ];
    for (const [name, type] of predeclared) {
      await channel.checkExchange(name);
      expect(await channel.assertExchange(name, type, { durable: true })).toEqual({ exchange: name });
    }

    const wrongType = await broker.channel();
    expect(await failureOf(wrongType.assertExchange('amq.topic', 'direct', { durable: true }))).toEqual({
      code: 406,
      classId: 40,
      methodId: 10,
    });

    const reserved = await broker.channel();
    expect(await failureOf(reserved.assertExchange(`amq.${broker.name('foo')}`, 'direct'))).toEqual({
      code: 403,
      classId: 40,
      methodId: 10,
    });
  });

  test('publishing to a missing exchange closes only that channel (404); its siblings work on', async () => {
    const queue = await broker.queue('Q');
    const connection = await broker.connect();
    const doomed = await connection.createChannel();
    const closed = new Promise<Error>((resolve) => doomed.once('error', resolve));
    const sibling = await connection.createConfirmChannel();
    doomed.publish(broker.name('missing'), 'k', Buffer.from('lost'));
    expect(closeReason(await within(3000, 'the channel close', closed))).toEqual({ code: 404, classId: 60, methodId: 40 });
    await publishConfirmed(sibling, '', queue, 'still fine');
    expect(await drainBodies(sibling, queue)).toEqual(['still fine']);
  });

  test('an auto-delete exchange goes when its last binding is removed; delete if-unused refuses a bound one (406)', async () => {
    const queues = await queuesFor(broker, ['Q']);
    const temporary = await broker.exchange('temporary', 'fanout', { autoDelete: true });
    const channel = await broker.channel();
    await channel.bindQueue(queues.Q, temporary, 'a');
    await channel.bindQueue(queues.Q, temporary, 'b');
    await channel.unbindQueue(queues.Q, temporary, 'a');
    await channel.checkExchange(temporary);
    await channel.unbindQueue(queues.Q, temporary, 'b');
    expect(await failureOf(channel.checkExchange(temporary))).toEqual({ code: 404, classId: 40, methodId: 10 });

    const bound = await broker.exchange('bound', 'direct');
    const other = await broker.channel();
    await other.bindQueue(queues.Q, bound, 'k');
    expect(await failureOf(other.deleteExchange(bound, { ifUnused: true }))).toEqual({ code: 406, classId: 40, methodId: 20 });
  });

  test('deleting an exchange removes its bindings: a new one of the same name routes nowhere', async () => {
    const queues = await queuesFor(broker, ['Q']);
    const exchange = await broker.exchange('recreated', 'direct');
    const channel = await broker.confirmChannel();
    await channel.bindQueue(queues.Q, exchange, 'k');
    await channel.deleteExchange(exchange);
    await channel.assertExchange(exchange, 'direct');
    expect(await destinations(channel, queues, exchange, 'k')).toEqual([]);
  });

  test('exchange declare rules: redeclare with another type 406, missing exchange 404, unknown type 503', async () => {
    const direct = await broker.exchange('typed', 'direct');
    const first = await broker.channel();
    expect(await failureOf(first.assertExchange(direct, 'fanout'))).toEqual({ code: 406, classId: 40, methodId: 10 });
    const second = await broker.channel();
    expect(await failureOf(second.checkExchange(broker.name('missing')))).toEqual({ code: 404, classId: 40, methodId: 10 });

    // An unknown type is a connection error, not a channel error.
    const connection = await broker.connect();
    const closed = connectionClosedWith(connection);
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    broker.forgetExchangeAfter(broker.name('odd'));
    channel.assertExchange(broker.name('odd'), 'no-such-type').catch(() => {});
    expect(await closed).toBe(503);
  });
});
