// A run's totals counted from its trace: first from a real session through
// the tap, then the acknowledgement rules one by one.
import type { GetMessage } from 'amqplib';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { FrameEvent, TraceEvent } from '../../server/protocol/trace.js';
import { createTraceRecorder, type NewTraceEvent } from '../../server/trace/recorder.js';
import { createSummaryCounter } from '../../server/trace/summary.js';
import { describeBothBrokers } from '../conformance/brokers.js';
import { tapBroker, type Tapped } from '../tap/tapped.js';

describeBothBrokers('summary of a tapped session', (broker) => {
  let tapped: Tapped;
  beforeEach(async () => {
    tapped = await tapBroker(broker, { observeRouting: true });
  });
  afterEach(async () => {
    await tapped.close();
  });

  test('published, routed, delivered, acked (multiple), nacked, requeued, returned, dropped', async () => {
    const counter = createSummaryCounter();
    tapped.recorder.subscribe((event) => counter.add(event));
    const queue = broker.name('tasks');
    broker.forgetQueueAfter(queue);

    const producer = await (await tapped.connect('producer')).createConfirmChannel();
    await producer.assertQueue(queue, { durable: false });
    for (let i = 1; i <= 6; i++) producer.sendToQueue(queue, Buffer.from(`task ${i}`));
    // Unroutable and mandatory: dropped by routing, and returned to the producer.
    producer.publish('', broker.name('nobody'), Buffer.from('lost'), { mandatory: true });
    await producer.waitForConfirms();

    const worker = await (await tapped.connect('worker')).createChannel();
    const got: GetMessage[] = [];
    for (let i = 0; i < 5; i++) got.push((await worker.get(queue)) as GetMessage);
    worker.ack(got[2]!, true); // tags 1-3
    worker.nack(got[3]!, false, true); // tag 4, back to the queue
    worker.reject(got[4]!, false); // tag 5, gone
    // A requeued message goes back to its place at the head of the queue.
    const again = (await worker.get(queue, { noAck: true })) as GetMessage; // never outstanding
    expect([again.content.toString(), again.fields.redelivered]).toEqual(['task 4', true]);
    expect(((await worker.get(queue)) as GetMessage).content.toString()).toBe('task 6'); // left unacknowledged
    await worker.close(); // ...so closing the channel requeues it

    await tapped.waitFor(
      'the worker channel closing',
      (e) => e.kind === 'frame' && e.actor === 'worker' && e.method === 'channel.close-ok',
    );
    await tapped.waitFor('the return', (e) => e.kind === 'frame' && e.method === 'basic.return');
    tapped.recorder.add({
      kind: 'state',
      queues: [
        { name: queue, messagesReady: 1, messagesUnacknowledged: 0, consumers: 0, durable: false, exclusive: false, autoDelete: false },
      ],
      exchanges: [],
      bindings: [],
    });

    expect(counter.summary()).toEqual({
      published: 7,
      routed: { [queue]: 6 },
      delivered: { worker: 7 },
      acked: 3,
      nacked: 2,
      requeued: 2,
      returned: 1,
      dropped: 1,
      deadLettered: 0,
      queues: [
        { name: queue, messagesReady: 1, messagesUnacknowledged: 0, consumers: 0, durable: false, exclusive: false, autoDelete: false },
      ],
    });
  });
});

/** Feeds events through a recorder (for seq and time) into a fresh counter. */
function summarise(events: NewTraceEvent[]) {
  const recorder = createTraceRecorder();
  const counter = createSummaryCounter();
  recorder.subscribe((event: TraceEvent) => counter.add(event));
  for (const event of events) recorder.add(event);
  return counter.summary();
}

function frame(
  actor: string,
  direction: FrameEvent['direction'],
  channel: number,
  method: string,
  fields: FrameEvent['fields'] = {},
): NewTraceEvent {
  return { kind: 'frame', actor, direction, channel, method, fields };
}

const deliver = (actor: string, channel: number, tag: number, consumerTag = 'c1') =>
  frame(actor, 'to-client', channel, 'basic.deliver', { consumerTag, deliveryTag: tag, redelivered: false, exchange: '', routingKey: 'q' });

test('a multiple ack settles every outstanding tag up to its own, tag 0 all of them, per channel and actor', () => {
  const summary = summarise([
    ...[1, 2, 3, 4].map((tag) => deliver('worker 1', 1, tag)),
    ...[1, 2].map((tag) => deliver('worker 1', 2, tag)),
    ...[1, 2].map((tag) => deliver('worker 2', 1, tag)),
    frame('worker 1', 'to-broker', 1, 'basic.ack', { deliveryTag: 2, multiple: false }),
    frame('worker 1', 'to-broker', 1, 'basic.ack', { deliveryTag: 3, multiple: true }), // 1 and 3
    frame('worker 1', 'to-broker', 1, 'basic.ack', { deliveryTag: 3, multiple: true }), // nothing left up to 3
    frame('worker 1', 'to-broker', 2, 'basic.nack', { deliveryTag: 0, multiple: true, requeue: true }), // both on channel 2
    frame('worker 2', 'to-broker', 1, 'basic.ack', { deliveryTag: 0, multiple: true }),
  ]);
  expect(summary).toMatchObject({ delivered: { 'worker 1': 6, 'worker 2': 2 }, acked: 5, nacked: 2, requeued: 2 });
});

test('publisher confirms are not consumer acks; no-ack deliveries are never outstanding', () => {
  const summary = summarise([
    frame('producer', 'to-client', 1, 'basic.ack', { deliveryTag: 5, multiple: true }),
    frame('worker', 'to-broker', 1, 'basic.consume', { queue: 'q', consumerTag: '', noAck: true, nowait: false }),
    frame('worker', 'to-client', 1, 'basic.consume-ok', { consumerTag: 'auto' }),
    deliver('worker', 1, 1, 'auto'),
    deliver('worker', 1, 2, 'auto'),
    frame('worker', 'to-broker', 1, 'channel.close', { replyCode: 200 }),
  ]);
  expect(summary).toMatchObject({ delivered: { worker: 2 }, acked: 0, requeued: 0 });
});

test('unacknowledged deliveries are requeued when the connection closes or is lost', () => {
  const summary = summarise([
    deliver('worker 1', 1, 1),
    deliver('worker 1', 2, 1),
    frame('worker 1', 'to-broker', 0, 'connection-lost', { closedBy: 'client' }),
    deliver('worker 2', 1, 1),
    frame('worker 2', 'to-broker', 1, 'basic.recover', { requeue: true }),
    deliver('worker 2', 1, 2),
    frame('worker 2', 'to-broker', 0, 'connection.close', { replyCode: 200 }),
  ]);
  expect(summary).toMatchObject({ requeued: 4, acked: 0 });
});

test('a close is over at its close-ok: deliveries that cross it go back too, acks sent after it settle nothing', () => {
  const summary = summarise([
    deliver('worker 1', 1, 1),
    frame('worker 1', 'to-broker', 0, 'connection.close', { replyCode: 200 }),
    // Sent by the broker before it read the close: it requeues them with the rest.
    deliver('worker 1', 1, 2),
    deliver('worker 1', 1, 3),
    frame('worker 1', 'to-client', 0, 'connection.close-ok'),
    deliver('worker 2', 1, 1),
    deliver('worker 2', 1, 2),
    frame('worker 2', 'to-broker', 1, 'basic.ack', { deliveryTag: 1, multiple: false }),
    frame('worker 2', 'to-broker', 0, 'connection.close', { replyCode: 200 }),
    // amqplib can write a channel's ack after its connection's close; the broker no longer takes it.
    frame('worker 2', 'to-broker', 1, 'basic.ack', { deliveryTag: 2, multiple: false }),
    frame('worker 2', 'to-client', 0, 'connection.close-ok'),
    deliver('worker 3', 1, 1),
    frame('worker 3', 'to-broker', 1, 'channel.close', { replyCode: 200 }),
    deliver('worker 3', 1, 2),
    frame('worker 3', 'to-broker', 1, 'basic.ack', { deliveryTag: 2, multiple: false }),
    frame('worker 3', 'to-client', 1, 'channel.close-ok'),
    // The channel number is free again: a new channel's tags start over.
    deliver('worker 3', 1, 1),
    frame('worker 3', 'to-broker', 1, 'basic.ack', { deliveryTag: 1, multiple: false }),
  ]);
  expect(summary).toMatchObject({ delivered: { 'worker 1': 3, 'worker 2': 2, 'worker 3': 3 }, acked: 2, requeued: 6 });
});

test('broker decisions count routed copies per queue, drops and dead-letters', () => {
  const decision = (d: 'routed' | 'unroutable' | 'dropped' | 'dead-lettered', queues: string[]): NewTraceEvent => ({
    kind: 'broker',
    decision: d,
    exchange: 'x',
    routingKey: 'k',
    matchedBindings: [],
    queues,
  });
  const summary = summarise([
    decision('routed', ['a', 'b']),
    decision('routed', ['a']),
    decision('unroutable', []),
    decision('dropped', []),
    decision('dead-lettered', ['dlq']),
  ]);
  expect(summary).toMatchObject({ routed: { a: 2, b: 1 }, dropped: 2, deadLettered: 1 });
});
