// Routing decisions the tap computes from the declares and binds it sees
// (observeRouting), checked against where the broker really put each message.
import type { Channel, ConfirmChannel } from 'amqplib';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { BrokerDecisionEvent } from '../../server/protocol/trace.js';
import { describeBothBrokers } from '../conformance/brokers.js';
import { tapBroker, type Tapped } from './tapped.js';
import { present } from '../support/present.js';

describeBothBrokers('tap routing decisions', (broker) => {
  let tapped: Tapped;
  let channel: ConfirmChannel;
  beforeEach(async () => {
    tapped = await tapBroker(broker, { observeRouting: true });
    channel = await (await tapped.connect('emitter')).createConfirmChannel();
  });
  afterEach(async () => {
    await tapped.close();
  });

  /** Publishes (confirmed, so routing is over) and returns the decision event and the labels of the queues that got a copy. */
  async function publish(
    queues: Record<string, string>,
    exchange: string,
    routingKey: string,
    headers?: Record<string, unknown>,
    reader: Channel = channel,
  ) {
    const before = tapped.events.length;
    channel.publish(exchange, routingKey, Buffer.from(routingKey), headers ? { headers } : {});
    await channel.waitForConfirms();
    const decisions = tapped.events.slice(before).filter((e): e is BrokerDecisionEvent => e.kind === 'broker');
    expect(decisions).toHaveLength(1);
    const reached: string[] = [];
    for (const [label, queue] of Object.entries(queues)) {
      for (;;) {
        const got = await reader.get(queue, { noAck: true });
        if (!got) break;
        reached.push(label);
      }
    }
    const byName = Object.fromEntries(Object.entries(queues).map(([label, queue]) => [queue, label]));
    return {
      decision: present(decisions[0]),
      predicted: present(decisions[0])
        .queues.map((q) => byName[q] ?? q)
        .sort(),
      reached: reached.sort(),
    };
  }

  async function declareQueues(...labels: string[]): Promise<Record<string, string>> {
    const queues: Record<string, string> = {};
    for (const label of labels) {
      queues[label] = broker.name(label);
      broker.forgetQueueAfter(queues[label]);
      await channel.assertQueue(queues[label], { durable: false });
    }
    return queues;
  }

  test('the Topics tutorial table: where each key goes and which binding matched', async () => {
    const exchange = broker.name('topic_logs');
    broker.forgetExchangeAfter(exchange);
    await channel.assertExchange(exchange, 'topic', { durable: false });
    const queues = await declareQueues('Q1', 'Q2');
    await channel.bindQueue(present(queues.Q1), exchange, '*.orange.*');
    await channel.bindQueue(present(queues.Q2), exchange, '*.*.rabbit');
    await channel.bindQueue(present(queues.Q2), exchange, 'lazy.#');

    const table: [string, string[]][] = [
      ['quick.orange.rabbit', ['Q1', 'Q2']],
      ['lazy.orange.elephant', ['Q1', 'Q2']],
      ['quick.orange.fox', ['Q1']],
      ['lazy.brown.fox', ['Q2']],
      ['lazy.pink.rabbit', ['Q2']],
      ['quick.brown.fox', []],
      ['orange', []],
      ['quick.orange.new.rabbit', []],
      ['lazy.orange.new.rabbit', ['Q2']],
      ['lazy', ['Q2']],
      ['a..rabbit', ['Q2']],
      ['', []],
    ];
    for (const [key, expected] of table) {
      const { decision, predicted, reached } = await publish(queues, exchange, key);
      expect({ key, reached }).toEqual({ key, reached: expected });
      expect({ key, predicted }).toEqual({ key, predicted: expected });
      expect(decision.decision).toBe(expected.length > 0 ? 'routed' : 'unroutable');
      expect(decision).toMatchObject({ exchange, routingKey: key });
    }

    const { decision } = await publish(queues, exchange, 'lazy.pink.rabbit');
    // Both of Q2's bindings match; the queue still gets one copy.
    expect(decision.matchedBindings.sort()).toEqual([`${exchange} -> ${queues.Q2} (*.*.rabbit)`, `${exchange} -> ${queues.Q2} (lazy.#)`]);
    expect(decision.queues).toEqual([queues.Q2]);
    const dropped = (await publish(queues, exchange, 'quick.brown.fox')).decision;
    expect(dropped.reason).toContain('no binding');
  });

  test('fanout to server-named exclusive queues; nothing bound yet means the message is lost', async () => {
    const exchange = broker.name('logs');
    broker.forgetExchangeAfter(exchange);
    await channel.assertExchange(exchange, 'fanout', { durable: false });
    expect((await publish({}, exchange, '')).decision.decision).toBe('unroutable');

    const receiverConnection = await tapped.connect('receiver 1');
    const receiver = await receiverConnection.createChannel();
    const { queue } = await receiver.assertQueue('', { exclusive: true });
    await receiver.bindQueue(queue, exchange, '');
    // An exclusive queue can only be read by its own connection.
    const { decision, reached } = await publish({ R1: queue }, exchange, 'ignored', undefined, receiver);
    expect(reached).toEqual(['R1']);
    expect(decision).toMatchObject({ decision: 'routed', queues: [queue], matchedBindings: [`${exchange} -> ${queue}`] });

    // The exclusive queue goes with its connection, and with it the binding.
    await receiverConnection.close();
    await tapped.waitFor(
      'the receiver closing',
      (e) => e.kind === 'frame' && e.actor === 'receiver 1' && e.method === 'connection.close-ok',
    );
    expect((await publish({}, exchange, 'ignored')).decision.decision).toBe('unroutable');
  });

  test('direct, the default exchange, exchange-to-exchange bindings and headers', async () => {
    const queues = await declareQueues('A', 'B');
    const direct = broker.name('direct_logs');
    const upstream = broker.name('upstream');
    const headers = broker.name('match');
    for (const [name, type] of [
      [direct, 'direct'],
      [upstream, 'fanout'],
      [headers, 'headers'],
    ] as const) {
      broker.forgetExchangeAfter(name);
      await channel.assertExchange(name, type, { durable: false });
    }
    await channel.bindQueue(present(queues.A), direct, 'black');
    await channel.bindQueue(present(queues.B), direct, 'black');
    await channel.bindExchange(direct, upstream, '');
    await channel.bindQueue(present(queues.A), headers, '', { 'x-match': 'any', format: 'pdf', type: 'report' });

    const cases: [string, string, Record<string, unknown> | undefined, string[]][] = [
      [direct, 'black', undefined, ['A', 'B']],
      [direct, 'white', undefined, []],
      ['', present(queues.B), undefined, ['B']],
      ['', broker.name('nobody'), undefined, []],
      [upstream, 'black', undefined, ['A', 'B']],
      [upstream, 'green', undefined, []],
      [headers, '', { format: 'pdf' }, ['A']],
      [headers, '', { format: 'zip' }, []],
    ];
    for (const [exchange, key, messageHeaders, expected] of cases) {
      const { predicted, reached } = await publish(queues, exchange, key, messageHeaders);
      expect({ exchange, key, reached }).toEqual({ exchange, key, reached: expected });
      expect({ exchange, key, predicted }).toEqual({ exchange, key, predicted: expected });
    }
    const viaUpstream = (await publish(queues, upstream, 'black')).decision.matchedBindings;
    expect(viaUpstream).toContain(`${upstream} -> ${direct}`);
    const viaDefault = (await publish(queues, '', present(queues.B))).decision.matchedBindings;
    expect(viaDefault).toEqual([`(AMQP default) -> ${queues.B} (${queues.B})`]);

    // Unbinding is seen too.
    await channel.unbindQueue(present(queues.B), direct, 'black');
    expect((await publish(queues, direct, 'black')).predicted).toEqual(['A']);
  });

  test('an alternate exchange catches what matched nothing; an auto-delete queue goes with its last consumer', async () => {
    const queues = await declareQueues('unrouted');
    const alternate = broker.name('leftovers');
    const main = broker.name('orders');
    broker.forgetExchangeAfter(alternate);
    broker.forgetExchangeAfter(main);
    await channel.assertExchange(alternate, 'fanout', { durable: false });
    await channel.assertExchange(main, 'direct', { durable: false, alternateExchange: alternate });
    await channel.bindQueue(present(queues.unrouted), alternate, '');
    const caught = await publish(queues, main, 'nobody-binds-this');
    expect(caught.reached).toEqual(['unrouted']);
    expect(caught.predicted).toEqual(['unrouted']);
    expect(caught.decision.matchedBindings).toEqual([`${main} -> ${alternate} (alternate exchange)`, `${alternate} -> ${queues.unrouted}`]);

    const consumer = await (await tapped.connect('worker')).createChannel();
    const temporary = broker.name('temporary');
    await consumer.assertQueue(temporary, { durable: false, autoDelete: true });
    const { consumerTag } = await consumer.consume(temporary, () => {});
    expect((await publish({}, '', temporary)).decision.decision).toBe('routed');
    await consumer.cancel(consumerTag);
    expect((await publish({}, '', temporary)).decision.decision).toBe('unroutable');
    // The broker agrees: the queue is gone.
    const probe = await (await tapped.connect('probe')).createChannel();
    probe.on('error', () => {});
    await expect(probe.checkQueue(temporary)).rejects.toThrow(/404/);
  });
});
