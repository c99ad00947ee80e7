// Queue behaviour without sockets: a real virtual host and queues, and a
// consumer channel that records what it is handed.
import { describe, expect, test } from 'vitest';
import { encodeContentHeader, type BasicProperties } from '../../server/amqp/index.js';
import { Consumer, type ConsumerChannel } from '../../server/broker/consumer.js';
import { Deque } from '../../server/broker/deque.js';
import { BrokerEvents } from '../../server/broker/events.js';
import { Message } from '../../server/broker/message.js';
import { UnackedMessages, Delivery } from '../../server/broker/unacked.js';
import { VirtualHost } from '../../server/broker/vhost.js';
import type { Queue } from '../../server/broker/queue.js';
import { present } from '../support/present.js';

const owner = {};

function message(body: string, properties: BasicProperties = {}, routingKey = 'rk'): Message {
  const frame = encodeContentHeader(0, Buffer.byteLength(body), properties);
  const header = frame.subarray(7, frame.length - 1);
  const data = Buffer.concat([header, Buffer.from(body)]);
  return new Message('', routingKey, data, 0, header.length, data.length - header.length);
}

function bodyOf(m: Message): string {
  return m.body().toString();
}

/** A consumer channel with a fixed number of free slots that records deliveries. */
class RecordingChannel implements ConsumerChannel {
  readonly delivered: { tag: string; body: string; redelivered: boolean; message: Message }[] = [];
  readonly cancelled: string[] = [];
  constructor(public room = Infinity) {}
  canDeliver(): boolean {
    return this.room > 0;
  }
  deliver(consumer: Consumer, m: Message): void {
    this.room--;
    this.delivered.push({ tag: consumer.tag, body: bodyOf(m), redelivered: m.redelivered, message: m });
  }
  cancelledByBroker(consumer: Consumer): void {
    this.cancelled.push(consumer.tag);
  }
}

function setup(args: Record<string, unknown> = {}): { vhost: VirtualHost; queue: Queue } {
  const vhost = new VirtualHost('/', new BrokerEvents());
  const queue = vhost.declareQueue(
    'q',
    { passive: false, durable: false, exclusive: false, autoDelete: false, arguments: args as never },
    owner,
  );
  return { vhost, queue };
}

function publish(vhost: VirtualHost, queue: Queue, bodies: string[], properties: BasicProperties = {}): void {
  for (const body of bodies) vhost.publish(vhost.exchange(''), message(body, properties, queue.name), undefined);
}

function consumer(queue: Queue, channel: RecordingChannel, tag: string, noAck = false): Consumer {
  const c = new Consumer(tag, queue, channel, noAck, false, 0, 0, {});
  queue.addConsumer(c);
  return c;
}

describe('queue', () => {
  test('consumers take turns (round robin)', () => {
    const { vhost, queue } = setup();
    const channel = new RecordingChannel();
    consumer(queue, channel, 'A');
    consumer(queue, channel, 'B');
    publish(vhost, queue, ['1', '2', '3', '4', '5', '6', '7']);
    expect(channel.delivered.map((d) => `${d.tag}${d.body}`)).toEqual(['A1', 'B2', 'A3', 'B4', 'A5', 'B6', 'A7']);
  });

  test('requeued messages go back to their original position, marked redelivered', () => {
    const { vhost, queue } = setup();
    publish(vhost, queue, ['1', '2', '3', '4', '5']);
    const taken = [present(queue.get(false)), present(queue.get(false)), present(queue.get(false))];
    queue.unackedCount += 3;
    queue.requeue([present(taken[2]), present(taken[0])], 'nack');
    expect(queue.ready.toArray().map((m) => `${bodyOf(m)}${m.redelivered ? '*' : ''}`)).toEqual(['1*', '3*', '4', '5']);
    queue.requeue([present(taken[1])], 'nack');
    expect(queue.ready.toArray().map(bodyOf)).toEqual(['1', '2', '3', '4', '5']);
    expect(queue.unackedCount).toBe(0);
  });

  test('x-max-length with drop-head dead-letters the oldest; reject-publish refuses the newest', () => {
    const dropHead = setup({ 'x-max-length': 2 });
    publish(dropHead.vhost, dropHead.queue, ['1', '2', '3']);
    expect(dropHead.queue.ready.toArray().map(bodyOf)).toEqual(['2', '3']);

    const reject = setup({ 'x-max-length': 2, 'x-overflow': 'reject-publish' });
    const accepted = ['1', '2', '3'].map((body) => reject.queue.accept(message(body), undefined));
    expect(accepted).toEqual([true, true, false]);
    expect(reject.queue.ready.toArray().map(bodyOf)).toEqual(['1', '2']);
  });

  test('x-max-length-bytes counts body bytes of ready messages', () => {
    const { vhost, queue } = setup({ 'x-max-length-bytes': 5 });
    publish(vhost, queue, ['abc', 'de', 'f']);
    expect(queue.ready.toArray().map(bodyOf)).toEqual(['de', 'f']);
  });

  test('a message with TTL 0 goes only to a consumer that can take it at once', () => {
    const { vhost, queue } = setup({ 'x-message-ttl': 0 });
    publish(vhost, queue, ['lost']);
    expect(queue.messageCount).toBe(0);
    const channel = new RecordingChannel();
    consumer(queue, channel, 'A', true);
    publish(vhost, queue, ['kept']);
    expect(channel.delivered.map((d) => d.body)).toEqual(['kept']);
  });

  test('expired messages are dead-lettered with x-death when they reach the head', async () => {
    const { vhost, queue } = setup({ 'x-message-ttl': 20, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'dead' });
    const dead = vhost.declareQueue('dead', { passive: false, durable: false, exclusive: false, autoDelete: false, arguments: {} }, owner);
    publish(vhost, queue, ['old']);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(queue.messageCount).toBe(0);
    const moved = present(dead.get(false));
    expect(bodyOf(moved)).toBe('old');
    const headers = present(moved.properties().headers);
    expect(headers['x-first-death-reason']).toBe('expired');
    expect(headers['x-first-death-queue']).toBe('q');
    const [death] = headers['x-death'] as Record<string, unknown>[];
    expect(death).toMatchObject({ count: 1, reason: 'expired', queue: 'q', exchange: '', 'routing-keys': ['q'] });
  });

  test('auto-delete: the queue goes when its last consumer leaves, not before the first arrives', () => {
    const vhost = new VirtualHost('/', new BrokerEvents());
    const queue = vhost.declareQueue('auto', { passive: false, durable: false, exclusive: false, autoDelete: true, arguments: {} }, owner);
    const channel = new RecordingChannel();
    const first = consumer(queue, channel, 'A');
    const second = consumer(queue, channel, 'B');
    queue.removeConsumer(first);
    expect(vhost.queues.has('auto')).toBe(true);
    queue.removeConsumer(second);
    expect(vhost.queues.has('auto')).toBe(false);
  });

  test('deleting a queue cancels its consumers', () => {
    const { vhost, queue } = setup();
    const channel = new RecordingChannel();
    consumer(queue, channel, 'A');
    vhost.deleteQueue(queue, { ifUnused: false, ifEmpty: false });
    expect(channel.cancelled).toEqual(['A']);
  });

  test('a consumer without room gets nothing until it has room again', () => {
    const { vhost, queue } = setup();
    const channel = new RecordingChannel(1);
    consumer(queue, channel, 'A');
    publish(vhost, queue, ['1', '2']);
    expect(channel.delivered.map((d) => d.body)).toEqual(['1']);
    channel.room = 1;
    queue.dispatch();
    expect(channel.delivered.map((d) => d.body)).toEqual(['1', '2']);
  });

  test('x-max-priority: highest priority first, capped at the maximum, requeued back into its priority', () => {
    const { vhost, queue } = setup({ 'x-max-priority': 5 });
    const send = (body: string, priority?: number) =>
      vhost.publish(vhost.exchange(''), message(body, priority === undefined ? {} : { priority }, 'q'), undefined);
    send('a', 0);
    send('b', 5);
    send('c', 3);
    send('d', 9);
    send('e');
    send('f', 3);
    expect(queue.ready.toArray().map(bodyOf)).toEqual(['b', 'd', 'c', 'f', 'a', 'e']);
    const first = present(queue.get(false));
    const second = present(queue.get(false));
    queue.unackedCount += 2;
    queue.requeue([second, first], 'nack');
    expect(queue.ready.toArray().map((m) => `${bodyOf(m)}${m.redelivered ? '*' : ''}`)).toEqual(['b*', 'd*', 'c', 'f', 'a', 'e']);
  });

  test('redeclaring with other arguments is refused with RabbitMQ text', () => {
    const { vhost } = setup({ 'x-message-ttl': 1000 });
    expect(() =>
      vhost.declareQueue(
        'q',
        { passive: false, durable: false, exclusive: false, autoDelete: false, arguments: { 'x-message-ttl': 2000 } },
        owner,
      ),
    ).toThrow("PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received '2000' but current is '1000'");
  });
});

describe('deque', () => {
  test('pushes, shifts and unshifts across growth and shrinking', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 5000; i++) deque.push(i);
    for (let i = 0; i < 4990; i++) expect(deque.shift()).toBe(i);
    deque.unshift(-1);
    expect(deque.toArray()).toEqual([-1, 4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999]);
    expect(deque.pop()).toBe(4999);
    expect(deque.length).toBe(10);
  });
});

describe('unacked deliveries', () => {
  const { queue } = setup();
  const deliveries = (tags: number[]) => tags.map((tag) => new Delivery(tag, message(String(tag)), queue, undefined));

  test('acks by tag, multiple up to a tag, and tag 0 with multiple for all', () => {
    const unacked = new UnackedMessages();
    for (const d of deliveries([1, 2, 3, 4, 5])) unacked.add(d);
    expect(unacked.take(3, false)?.map((d) => d.tag)).toEqual([3]);
    expect(unacked.take(3, false)).toBeUndefined();
    expect(unacked.take(4, true)?.map((d) => d.tag)).toEqual([1, 2, 4]);
    expect(unacked.take(0, true)?.map((d) => d.tag)).toEqual([5]);
    expect(unacked.count).toBe(0);
  });

  test('a multiple ack of a tag already settled is unknown, as in RabbitMQ', () => {
    const unacked = new UnackedMessages();
    for (const d of deliveries([1, 2])) unacked.add(d);
    unacked.take(2, false);
    expect(unacked.take(2, true)).toBeUndefined();
    expect(unacked.count).toBe(1);
  });

  test('restore puts settled deliveries back in tag order', () => {
    const unacked = new UnackedMessages();
    for (const d of deliveries([1, 2, 3])) unacked.add(d);
    const taken = present(unacked.take(2, true));
    unacked.restore(taken);
    expect(unacked.takeAll().map((d) => d.tag)).toEqual([1, 2, 3]);
  });
});
