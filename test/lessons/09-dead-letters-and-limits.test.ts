import { expect, it } from 'vitest';
import type { BrokerStateEvent, FrameOf, JsonValue } from '../../server/protocol/index.js';
import { cellsOf, describeOnBrokers, expectCleanEnd, framesOf, linesOf, queueIn, type CellRun } from './harness.js';
import { present } from '../support/present.js';

const LESSON = '09-dead-letters-and-limits';

/** The snapshot that marks a moment; fails when the run never marked it. */
function momentIn(run: CellRun, id: string): BrokerStateEvent {
  const state = run.states.find((candidate) => candidate.moment?.id === id);
  if (state === undefined)
    throw new Error(`the run marked no moment '${id}'; it marked ${run.states.map((s) => s.moment?.id ?? '-').join(', ')}`);
  return state;
}

/** The deliveries of a body to an actor, in order. */
function deliveriesOf(run: CellRun, actor: string, body: string): FrameOf<'basic.deliver'>[] {
  return framesOf(run, 'basic.deliver', actor).filter((frame) => frame.message?.bodyPreview === body);
}

/** A header of a delivered message, as the trace shows it. */
function headerOf(frame: FrameOf<'basic.deliver'> | undefined, name: string): JsonValue | undefined {
  const headers = frame?.message?.properties.headers;
  return headers !== null && typeof headers === 'object' && !Array.isArray(headers) ? headers[name] : undefined;
}

/** A message's x-death entries without their times, which differ from run to run. */
function deathsOf(frame: FrameOf<'basic.deliver'> | undefined): unknown[] {
  const deaths = headerOf(frame, 'x-death');
  if (!Array.isArray(deaths)) return [];
  return deaths.map((death) => {
    if (death === null || typeof death !== 'object' || Array.isArray(death)) return death;
    const { time: _time, ...rest } = death;
    return rest;
  });
}

/** The worker's lines about tasks (received, failed, done, parked), without its waiting line. */
function workOf(run: CellRun): string[] {
  return linesOf(run, 'worker').filter((line) => !line.startsWith(' [*] '));
}

/** ready, unacked and consumers of a queue at a moment. */
function queueAt(run: CellRun, moment: string, queue: string) {
  return queueIn(momentIn(run, moment), queue);
}

const received = (task: string, redelivered = false) => ` [x] Received '${task}'${redelivered ? ' (redelivered)' : ''}`;
const failed = (task: string) => ` [!] Failed on '${task}'; nacked with requeue`;
const DONE = ' [x] Done';
const readings = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `reading ${from + index}`);

it('lesson 9 has the cells its tests cover', async () => {
  expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual([
    'poison-loop',
    'delivery-limit',
    'unbounded',
    'drop-head',
    'reject-publish',
    'retry-later',
    'expiry-cycle',
  ]);
});

describeOnBrokers(
  'lesson 9: Poison messages, limits and retries',
  (runCell, broker) => {
    it('poison-loop: the nacked task comes straight back, again and again, and holds up the task behind it', async () => {
      const run = await runCell(LESSON, 'poison-loop');
      expectCleanEnd(run);
      const loop = Array.from({ length: 4 }, () => [failed('Task 2'), received('Task 2', true)]).flat();
      expect(workOf(run)).toEqual([received('Task 1'), DONE, received('Task 2'), failed('Task 2'), received('Task 2', true), ...loop]);
      // In the trace: every nack with requeue is followed by a redelivery of the same task.
      const poison = deliveriesOf(run, 'worker', 'Task 2');
      expect(poison.map((frame) => frame.fields.redelivered)).toEqual([false, true, true, true, true, true]);
      expect(framesOf(run, 'basic.nack', 'worker').map((frame) => frame.fields.requeue)).toEqual([true, true, true, true, true]);
      expect(deliveriesOf(run, 'worker', 'Task 3')).toEqual([]);
      // The plan stopped the worker halfway through the fifth redelivery; the two tasks wait for the next worker.
      const stop = run.events.find((event) => event.kind === 'log' && event.actor === 'worker' && event.process?.what === 'stop');
      expect(stop).toMatchObject({ process: { what: 'stop', by: 'plan' } });
      expect(queueAt(run, 'looping', 'tasks')).toEqual({ ready: 1, unacked: 1, consumers: 1 });
      expect(queueAt(run, 'worker-stopped', 'tasks')).toEqual({ ready: 2, unacked: 0, consumers: 0 });
    });

    it('poison-loop in a quorum queue with no limit: the nacked task goes to the back, and still loops', async () => {
      const run = await runCell(LESSON, 'poison-loop', { queueType: 'quorum', stopAfter: 2 });
      expectCleanEnd(run);
      expect(workOf(run)).toEqual([
        received('Task 1'),
        DONE,
        received('Task 2'),
        failed('Task 2'),
        received('Task 3'),
        DONE,
        received('Task 2', true),
        failed('Task 2'),
        received('Task 2', true),
      ]);
      expect(deliveriesOf(run, 'worker', 'Task 2').map((frame) => headerOf(frame, 'x-delivery-count'))).toEqual([undefined, 1, 2]);
      // (How soon the task is back in the queue after the worker's Ctrl-C is up to RabbitMQ's quorum queue: it takes
      // back what a closed channel held on its own time, so the last snapshot may or may not count it yet.)
    });

    it('delivery-limit: after three redeliveries the quorum queue dead-letters the task with reason delivery_limit', async () => {
      const run = await runCell(LESSON, 'delivery-limit');
      expectCleanEnd(run);
      // With a limit, a returned task goes out again before the others: Task 3 waits until Task 2 is dead-lettered.
      const tries = Array.from({ length: 3 }, () => [received('Task 2', true), failed('Task 2')]).flat();
      expect(workOf(run)).toEqual([received('Task 1'), DONE, received('Task 2'), failed('Task 2'), ...tries, received('Task 3'), DONE]);
      const poison = deliveriesOf(run, 'worker', 'Task 2');
      expect(poison.map((frame) => headerOf(frame, 'x-delivery-count'))).toEqual([undefined, 1, 2, 3]);
      expect(linesOf(run, 'dead-letter reader').filter((line) => !line.startsWith(' [*] '))).toEqual([
        " [x] Dead-lettered 'Task 2' (reason delivery_limit, from quorum_tasks)",
      ]);
      const [dead] = framesOf(run, 'basic.deliver', 'dead-letter reader');
      expect(dead?.fields.exchange).toBe('dlx');
      expect(deathsOf(dead)).toEqual([
        { count: 1, reason: 'delivery_limit', queue: 'quorum_tasks', exchange: '', 'routing-keys': ['quorum_tasks'] },
      ]);
      const left = present(queueAt(run, 'dead-lettered', 'quorum_tasks'));
      expect(left.ready + left.unacked).toBe(1);
    });

    it('delivery-limit 0: one delivery, then the dead-letter queue', async () => {
      const run = await runCell(LESSON, 'delivery-limit', { deliveryLimit: 0 });
      expectCleanEnd(run);
      expect(deliveriesOf(run, 'worker', 'Task 2')).toHaveLength(1);
      expect(linesOf(run, 'dead-letter reader')).toContain(" [x] Dead-lettered 'Task 2' (reason delivery_limit, from quorum_tasks)");
    });

    it('a delivery limit on a classic queue is refused, naming the parameters', async () => {
      const run = await runCell(LESSON, 'poison-loop', { limitDeliveries: true });
      expect(run.status).not.toBe('finished');
      expect(JSON.stringify(run.failure)).toContain('limitDeliveries needs queueType quorum');
    });

    it('unbounded: the queue keeps every reading', async () => {
      const run = await runCell(LESSON, 'unbounded');
      expectCleanEnd(run);
      expect(linesOf(run, 'producer')).toEqual(readings(1, 10).map((reading) => ` [x] Sent '${reading}', confirmed`));
      expect(queueAt(run, 'published', 'readings')).toEqual({ ready: 10, unacked: 0, consumers: 0 });
      expect(linesOf(run, 'reader').filter((line) => line.startsWith(' [x] '))).toEqual(
        readings(1, 10).map((reading) => ` [x] Received '${reading}'`),
      );
    });

    it('drop-head: every reading is confirmed, the queue keeps the newest 3 and dead-letters the rest with reason maxlen', async () => {
      const run = await runCell(LESSON, 'drop-head');
      expectCleanEnd(run);
      expect(linesOf(run, 'producer')).toEqual(readings(1, 10).map((reading) => ` [x] Sent '${reading}', confirmed`));
      expect(queueAt(run, 'published', 'readings')).toEqual({ ready: 3, unacked: 0, consumers: 0 });
      expect(linesOf(run, 'reader').filter((line) => line.startsWith(' [x] '))).toEqual(
        readings(8, 10).map((reading) => ` [x] Received '${reading}'`),
      );
      expect(linesOf(run, 'dead-letter reader').filter((line) => line.startsWith(' [x] '))).toEqual(
        readings(1, 7).map((reading) => ` [x] Dead-lettered '${reading}' (reason maxlen, from readings)`),
      );
    });

    it('drop-head without a dead-letter exchange: the oldest readings are simply gone', async () => {
      const run = await runCell(LESSON, 'drop-head', { deadLetter: false });
      expectCleanEnd(run);
      expect(run.logs.map((line) => line.actor)).not.toContain('dead-letter reader');
      expect(linesOf(run, 'reader').filter((line) => line.startsWith(' [x] '))).toEqual(
        readings(8, 10).map((reading) => ` [x] Received '${reading}'`),
      );
      expect(queueAt(run, 'read', 'readings')).toEqual({ ready: 0, unacked: 0, consumers: 1 });
    });

    it('reject-publish: the full queue refuses readings 4 to 10 with basic.nack and keeps the first three', async () => {
      const run = await runCell(LESSON, 'reject-publish');
      expectCleanEnd(run);
      expect(linesOf(run, 'producer')).toEqual([
        ...readings(1, 3).map((reading) => ` [x] Sent '${reading}', confirmed`),
        ...readings(4, 10).map((reading) => ` [!] Sent '${reading}', nacked: the queue is full`),
      ]);
      expect(framesOf(run, 'basic.nack', 'producer').map((frame) => frame.fields.deliveryTag)).toEqual([4, 5, 6, 7, 8, 9, 10]);
      expect(queueAt(run, 'published', 'readings')).toEqual({ ready: 3, unacked: 0, consumers: 0 });
      expect(linesOf(run, 'reader').filter((line) => line.startsWith(' [x] '))).toEqual(
        readings(1, 3).map((reading) => ` [x] Received '${reading}'`),
      );
    });

    it('retry-later: the failed task comes back a retry delay later, counted from x-death, and is parked after three attempts', async () => {
      const run = await runCell(LESSON, 'retry-later');
      expectCleanEnd(run);
      const attempt = (task: string, n: number) => ` [x] Received '${task}' (attempt ${n} of 3)`;
      const retrying = ' [!] Failed; back in 1000 ms by way of wait_queue';
      expect(workOf(run)).toEqual([
        attempt('Task 1', 1),
        DONE,
        attempt('Task 2', 1),
        retrying,
        attempt('Task 3', 1),
        DONE,
        attempt('Task 2', 2),
        retrying,
        attempt('Task 2', 3),
        ' [!] Failed 3 times; parked in parking_lot',
      ]);
      // Each retry came after the wait queue's TTL: from the nack to the next delivery of the task.
      const nacks = framesOf(run, 'basic.nack', 'worker');
      expect(nacks.map((frame) => frame.fields.requeue)).toEqual([false, false]);
      const [, second, third] = deliveriesOf(run, 'worker', 'Task 2');
      [second, third].forEach((delivery, index) => {
        const waited = present(delivery).time - present(nacks[index]).time;
        expect(waited).toBeGreaterThanOrEqual(950);
        expect(waited).toBeLessThan(3000);
      });
      // The third delivery's x-death: the newest death first, each counted twice.
      expect(deathsOf(third)).toEqual([
        { count: 2, reason: 'expired', queue: 'wait_queue', exchange: '', 'routing-keys': ['wait_queue'] },
        { count: 2, reason: 'rejected', queue: 'work_queue', exchange: '', 'routing-keys': ['work_queue'] },
      ]);
      expect(headerOf(third, 'x-first-death-reason')).toBe('rejected');
      expect(headerOf(third, 'x-first-death-queue')).toBe('work_queue');
      expect(queueAt(run, 'waiting', 'wait_queue')).toEqual({ ready: 1, unacked: 0, consumers: 0 });
      expect(queueAt(run, 'waiting', 'work_queue')).toEqual({ ready: 0, unacked: 0, consumers: 1 });
      expect(queueAt(run, 'parked', 'parking_lot')).toEqual({ ready: 1, unacked: 0, consumers: 0 });
    });

    it('expiry-cycle: the message expires from ping into pong, and is dropped rather than going back into ping', async () => {
      const run = await runCell(LESSON, 'expiry-cycle');
      expectCleanEnd(run);
      expect(linesOf(run, 'producer')).toEqual([" [x] Sent 'Hello' to ping"]);
      const both = (moment: string) => [queueAt(run, moment, 'ping')?.ready, queueAt(run, moment, 'pong')?.ready];
      expect(both('in-ping')).toEqual([1, 0]);
      expect(both('in-pong')).toEqual([0, 1]);
      expect(both('gone')).toEqual([0, 0]);
      // The embedded broker says why in the trace; RabbitMQ only writes it in its log.
      if (broker() === 'embedded') {
        const cut = run.events.filter((event) => event.kind === 'broker' && event.decision === 'dead-lettered' && event.from === 'pong');
        expect(cut).toMatchObject([{ queues: [], reason: expect.stringContaining('not put back into ping') as unknown }]);
      }
    });
  },
  undefined,
  ['javascript', 'python'],
);
