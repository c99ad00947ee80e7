// A run's totals counted from its trace: first from the recorded traces of
// lesson runs, checked against what the programs printed and what the broker
// itself did; then from a session through the tap; then the acknowledgement
// rules one by one.
import type { GetMessage } from 'amqplib';
import { afterEach, beforeEach, expect, it, test } from 'vitest';
import type { RunSummary, TraceEvent } from '../../server/protocol/trace.js';
import { createTraceRecorder, type NewTraceEvent } from '../../server/trace/recorder.js';
import { RunModel } from '../../server/model/run-model.js';
import { summaryOf as summaryOfState } from '../../server/model/summary.js';
import { frame } from '../support/frames.js';
import { describeBothBrokers } from '../conformance/brokers.js';
import { countLines, describeOnBrokers, expectCleanEnd, linesOf, type CellRun } from '../lessons/harness.js';
import { tapBroker, type Tapped } from '../tap/tapped.js';
import { present } from '../support/present.js';

/** The summary of a recorded trace, counted afresh from its events. */
function summaryOf(events: readonly TraceEvent[]): RunSummary {
  const model = new RunModel();
  for (const event of events) model.apply(event);
  return summaryOfState(model.state);
}

const SENT = /^ \[x\] Sent /;
const RECEIVED = /^ \[x\] Received /;
const DONE = /^ \[x\] Done$/;
const REDELIVERED = /\(redelivered\)$/;

/** Per actor, how many messages it printed as received: what the programs themselves saw. */
function receivedByActor(run: CellRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { actor, text } of run.logs) if (text.startsWith(' [x] Received ')) counts[actor] = (counts[actor] ?? 0) + 1;
  return counts;
}

/** How many messages the broker itself put back in a queue (its own decisions; only the embedded broker reports them). */
function requeuedByBroker(run: CellRun): number {
  return run.events.filter((event) => event.kind === 'broker' && event.decision === 'requeued').length;
}

/** One queue's figures in the summary: ready, unacknowledged, consumers. */
function queueFigures(summary: RunSummary, name: string): [number, number, number] | undefined {
  const queue = summary.queues.find((candidate) => candidate.name === name);
  return queue && [queue.messagesReady, queue.messagesUnacknowledged, queue.consumers];
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/**
 * Every message a queue got (a routed copy, or one put back) left it as a
 * delivery or is still ready there at the end. The figures come from four
 * places: the broker's routing, the acknowledgement bookkeeping, the
 * deliveries and the broker's last snapshot; a miscount in any of them
 * breaks the balance.
 */
function expectBalanced(summary: RunSummary): void {
  const ready = summary.queues.reduce((sum, queue) => sum + queue.messagesReady, 0);
  expect(total(summary.routed) + summary.requeued).toBe(total(summary.delivered) + ready);
}

describeOnBrokers('the summary of a lesson run, counted from its recorded trace', (runCell, broker) => {
  it('Hello World, three messages: each one sent, routed to hello, received once, and none left', async () => {
    const run = await runCell('01-hello-world', 'hello', { count: 3 });
    expectCleanEnd(run);
    const summary = summaryOf(run.events);
    expect(countLines(run, SENT, 'producer')).toBe(3);
    expect(summary.published).toBe(3);
    expect(summary.routed).toEqual({ hello: 3 });
    expect(countLines(run, RECEIVED, 'consumer')).toBe(3);
    expect(summary.delivered).toEqual({ consumer: 3 });
    // The tutorial's consumer takes messages with no-ack: nothing to acknowledge, nothing to put back.
    expect([summary.acked, summary.nacked, summary.requeued, summary.dropped]).toEqual([0, 0, 0, 0]);
    expect(queueFigures(summary, 'hello')).toEqual([0, 0, 0]);
    expectBalanced(summary);
  });

  it("seven tasks: the stopped worker's four tasks are requeued, and every task is acknowledged once", async () => {
    const run = await runCell('02-work-queues', 'seven-tasks');
    expectCleanEnd(run);
    const summary = summaryOf(run.events);
    expect(countLines(run, SENT, 'producer')).toBe(7);
    expect(summary.published).toBe(7);
    expect(summary.routed).toEqual({ task_queue: 7 });
    // Dealt in turn, worker 1 holds tasks 1, 3, 5 and 7 when it stops in the first; worker 2 gets
    // its own three, then those four again.
    expect(summary.delivered).toEqual({ 'worker 1': 4, 'worker 2': 7 });
    expect(countLines(run, RECEIVED, 'worker 2')).toBe(7);
    expect(countLines(run, REDELIVERED, 'worker 2')).toBe(4);
    expect(summary.requeued).toBe(4);
    if (broker() === 'embedded') expect(requeuedByBroker(run)).toBe(4);
    // Each Done is followed by the worker's ack; worker 1 finished nothing.
    expect(countLines(run, DONE, 'worker 1')).toBe(0);
    expect(countLines(run, DONE, 'worker 2')).toBe(7);
    expect(summary.acked).toBe(7);
    expect(queueFigures(summary, 'task_queue')).toEqual([0, 0, 0]);
    expectBalanced(summary);
  });

  it('forgotten ack: no task is ever acknowledged, every delivery goes back, and all of them are still queued', async () => {
    const run = await runCell('02-work-queues', 'forgotten-ack');
    expectCleanEnd(run);
    const summary = summaryOf(run.events);
    const published = countLines(run, SENT, 'producer');
    expect(summary.published).toBe(published);
    // The workers print Done, but never send the ack.
    expect(countLines(run, DONE)).toBeGreaterThan(0);
    expect(summary.acked).toBe(0);
    // Every task was delivered; the workers are stopped together, so whether one's tasks reach the other first
    // depends on which connection closes first: either way every delivery goes back.
    expect(total(summary.delivered)).toBeGreaterThanOrEqual(published);
    expect(summary.requeued).toBe(total(summary.delivered));
    if (broker() === 'embedded') expect(requeuedByBroker(run)).toBe(summary.requeued);
    expect(queueFigures(summary, 'task_queue')).toEqual([published, 0, 0]);
    expectBalanced(summary);
  });

  it('automatic acknowledgement: the stopped worker loses its tasks, none is requeued and the queue ends empty', async () => {
    const run = await runCell('02-work-queues', 'auto-ack-loses-tasks');
    expectCleanEnd(run);
    const summary = summaryOf(run.events);
    expect(summary.published).toBe(countLines(run, SENT, 'producer'));
    expect(summary.delivered).toEqual({ 'worker 1': 4, 'worker 2': 3 });
    // Only worker 2's three are done; worker 1's four were taken off the queue as they were sent.
    expect(countLines(run, DONE)).toBe(3);
    expect([summary.acked, summary.requeued]).toEqual([0, 0]);
    if (broker() === 'embedded') expect(requeuedByBroker(run)).toBe(0);
    expect(queueFigures(summary, 'task_queue')).toEqual([0, 0, 0]);
    expectBalanced(summary);
  });

  it("fanout with the receivers first: one publish, a copy routed to each receiver's own queue", async () => {
    const run = await runCell('03-publish-subscribe', 'receivers-first');
    expectCleanEnd(run);
    const summary = summaryOf(run.events);
    const queueOf = (actor: string): string =>
      linesOf(run, actor)
        .map((line) => /Waiting for messages in (\S+)\./.exec(line)?.[1])
        .find((name) => name !== undefined) ?? `(no queue printed by ${actor})`;
    expect(summary.published).toBe(1);
    expect(summary.routed).toEqual({ [queueOf('receiver 1')]: 1, [queueOf('receiver 2')]: 1 });
    expect(receivedByActor(run)).toEqual({ 'receiver 1': 1, 'receiver 2': 1 });
    expect(summary.delivered).toEqual({ 'receiver 1': 1, 'receiver 2': 1 });
    expect(summary.dropped).toBe(0);
    expectBalanced(summary);
  });

  it('fanout with the publish first: nobody is bound yet, so the message is dropped and nobody receives it', async () => {
    const run = await runCell('03-publish-subscribe', 'publish-first');
    expectCleanEnd(run);
    const summary = summaryOf(run.events);
    expect(countLines(run, SENT, 'producer')).toBe(1);
    expect(countLines(run, RECEIVED)).toBe(0);
    expect(summary).toMatchObject({ published: 1, routed: {}, delivered: {}, dropped: 1 });
    expectBalanced(summary);
  });
});

describeBothBrokers('the summary of a tapped session', (broker) => {
  let tapped: Tapped;
  beforeEach(async () => {
    tapped = await tapBroker(broker, { observeRouting: true });
  });
  afterEach(async () => {
    await tapped.close();
  });

  test('published, routed, delivered, acked (multiple), nacked, requeued, returned, dropped', async () => {
    const model = new RunModel();
    tapped.recorder.subscribe((event) => model.apply(event));
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
    worker.ack(present(got[2]), true); // tags 1-3
    worker.nack(present(got[3]), false, true); // tag 4, back to the queue
    worker.reject(present(got[4]), false); // tag 5, gone
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

    expect(summaryOfState(model.state)).toEqual({
      lost: 0,
      published: 7,
      routed: { [queue]: 6 },
      delivered: { worker: 7 },
      acked: 3,
      nacked: 2,
      requeued: 2,
      returned: 1,
      // The unroutable message, and task 5, rejected without requeue by a queue with no dead-letter exchange.
      dropped: 2,
      deadLettered: 0,
      // Queue figures come only from the broker's snapshots, which a bare session does not take.
      queues: [],
    });
    // What the counts say is left, task 6 requeued by the close, is what the broker holds.
    const observer = await (await tapped.connect('observer')).createChannel();
    expect((await observer.checkQueue(queue)).messageCount).toBe(1);
  });
});

/** Feeds events through a recorder (for seq and time) into a fresh counter. */
function summarise(events: NewTraceEvent[]) {
  const recorder = createTraceRecorder();
  const model = new RunModel();
  recorder.subscribe((event: TraceEvent) => model.apply(event));
  for (const event of events) recorder.add(event);
  return summaryOfState(model.state);
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
