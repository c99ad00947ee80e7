import { expect, it } from 'vitest';
import { cellsOf, countLines, describeOnBrokers, expectCleanEnd, framesOf, linesOf, queueIn, type CellRun } from './harness.js';
import type { ProgramLanguage } from '../../server/programs/actor-process.js';
import { present } from '../support/present.js';

const LESSON = '02-work-queues';
const QUEUE = 'task_queue';

/** The tasks an actor printed as received, in order, without the redelivered mark. */
function received(run: CellRun, actor: string): string[] {
  return linesOf(run, actor)
    .map((line) => /^ \[x\] Received '(.*)'/.exec(line)?.[1])
    .filter((task): task is string => task !== undefined);
}

/** ready + unacknowledged of task_queue in the n-th snapshot. */
function messagesIn(run: CellRun, snapshot: number): number {
  const queue = queueIn(present(run.states[snapshot]), QUEUE);
  return (queue?.ready ?? 0) + (queue?.unacked ?? 0);
}

/** The runner's notes on an actor's process: what was done to it, and how it ended. */
function processNotes(run: CellRun, actor: string) {
  return run.events.flatMap((event) => (event.kind === 'log' && event.actor === actor && event.process !== undefined ? [event] : []));
}

/** The bodies of the deliveries an actor lost as it ended, in the order they came. */
function lostTasks(run: CellRun, actor: string): string[] {
  const lost = processNotes(run, actor).flatMap((note) => note.lost ?? []);
  const deliveries = framesOf(run, 'basic.deliver', actor);
  return lost.map(
    ({ channel, deliveryTag }) =>
      deliveries.find((frame) => frame.channel === channel && frame.fields.deliveryTag === deliveryTag)?.message?.bodyPreview ?? '?',
  );
}

/**
 * Worker 1 was stopped by the lesson's plan (Ctrl-C) while it worked on `task`: the stop came after it started on
 * it and before it printed another line, and it ended by itself.
 */
function expectStoppedIn(run: CellRun, task: string): void {
  const lines = run.events.filter((event) => event.kind === 'log' && event.actor === 'worker 1');
  const started = lines.findIndex(
    (event) => event.kind === 'log' && event.process === undefined && event.text.startsWith(` [x] Received '${task}'`),
  );
  const stop = lines.findIndex((event) => event.kind === 'log' && event.process?.what === 'stop');
  expect(started).toBeGreaterThanOrEqual(0);
  expect(stop).toBe(started + 1);
  expect(lines[stop]).toMatchObject({ process: { what: 'stop', by: 'plan' } });
  expect(lines.at(-1)).toMatchObject({ process: { what: 'ended', action: 'stop', by: 'plan' } });
}

/**
 * Worker 1 gave back the `moved` tasks it had not finished, and was dealt no other. A JavaScript worker's Ctrl-C
 * closes its connection with them. pika first gives back the ones waiting their turn with basic.reject, then cancels
 * its consumer: the broker may deal one of them straight back to worker 1, which gives it back again, so each
 * delivery worker 1 got beyond its own four is one more requeue.
 */
function expectGivenBack(run: CellRun, language: ProgramLanguage, moved: number): void {
  const extra = (run.summary.delivered['worker 1'] ?? 0) - 4;
  if (language === 'javascript') expect(extra).toBe(0);
  expect(extra).toBeGreaterThanOrEqual(0);
  expect(run.summary.requeued).toBe(moved + extra);
}

const DONE = /^ \[x\] Done$/;
const REDELIVERED = /\(redelivered\)$/;
const SEVEN_TASKS = ['1', '2', '3', '4', '5', '6', '7'].map((n) => `Task ${n}......`);

it('lesson 2 has the cells its tests cover', async () => {
  expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual([
    'round-robin',
    'seven-tasks',
    'auto-ack-loses-tasks',
    'forgotten-ack',
    'durable-tasks',
    // Run in test/restart/, where restarting RabbitMQ disturbs no other test.
    'broker-restart',
    'fair-dispatch',
  ]);
});

describeOnBrokers(
  'lesson 2: Work queues',
  (runCell, _broker, language) => {
    it('round-robin: tasks are dealt to the workers in turn, all at once', async () => {
      const run = await runCell(LESSON, 'round-robin');
      expectCleanEnd(run);
      expect(received(run, 'worker 1')).toEqual(['First message.', 'Third message...', 'Fifth message.....']);
      expect(received(run, 'worker 2')).toEqual(['Second message..', 'Fourth message....']);
      expect(countLines(run, DONE)).toBe(5);
      expect(framesOf(run, 'basic.qos')).toHaveLength(0);
      expect(queueIn(present(run.states[0]), QUEUE)).toEqual({ ready: 0, unacked: 5, consumers: 2 });
      expect(run.summary).toMatchObject({ published: 5, acked: 5, delivered: { 'worker 1': 3, 'worker 2': 2 } });
    });

    it("seven-tasks: the stopped worker's tasks are redelivered to the other one and none is lost", async () => {
      const run = await runCell(LESSON, 'seven-tasks');
      expectCleanEnd(run);
      expectStoppedIn(run, 'Task 1......');
      expect(received(run, 'worker 1')).toEqual(['Task 1......']);
      expect(countLines(run, DONE, 'worker 1')).toBe(0);
      expect(countLines(run, DONE, 'worker 2')).toBe(7);
      const redelivered = linesOf(run, 'worker 2').filter((line) => line.endsWith('(redelivered)'));
      expect(redelivered.map((line) => /'(.*)'/.exec(line)?.[1]).sort()).toEqual([
        'Task 1......',
        'Task 3......',
        'Task 5......',
        'Task 7......',
      ]);
      expect(new Set(received(run, 'worker 2'))).toEqual(new Set(SEVEN_TASKS));
      const redeliveries = framesOf(run, 'basic.deliver', 'worker 2').filter((frame) => frame.fields.redelivered);
      expect(redeliveries).toHaveLength(4);
      expect(run.summary).toMatchObject({ published: 7, acked: 7, lost: 0, delivered: { 'worker 2': 7 } });
      expectGivenBack(run, language, 4);
      // The list_queues view: all 7 held after publishing, still 7 in the queue after the stop, none at the end.
      expect(queueIn(present(run.states[0]), QUEUE)).toEqual({ ready: 0, unacked: 7, consumers: 2 });
      expect(messagesIn(run, 1)).toBe(7);
      expect(queueIn(present(run.states[1]), QUEUE)?.consumers).toBe(1);
      expect(queueIn(present(run.states[2]), QUEUE)).toEqual({ ready: 0, unacked: 0, consumers: 1 });
    });

    it('seven-tasks, stopped in its second task: only the unfinished ones move', async () => {
      const run = await runCell(LESSON, 'seven-tasks', { stopAfter: 2, msPerDot: 20 });
      expectCleanEnd(run);
      expectStoppedIn(run, 'Task 3......');
      expect(countLines(run, DONE, 'worker 1')).toBe(1);
      expect(countLines(run, DONE, 'worker 2')).toBe(6);
      expect(countLines(run, REDELIVERED, 'worker 2')).toBe(3);
      expectGivenBack(run, language, 3);
    });

    it('seven-tasks with one worker: its tasks stay in the queue and the run ends by itself', async () => {
      const run = await runCell(LESSON, 'seven-tasks', { workers: 1 });
      expectCleanEnd(run);
      expect(countLines(run, DONE)).toBe(0);
      expect(queueIn(present(run.states.at(-1)), QUEUE)?.ready).toBe(7);
    });

    it("auto-ack-loses-tasks: with automatic acknowledgement the stopped worker's tasks are lost", async () => {
      const run = await runCell(LESSON, 'auto-ack-loses-tasks');
      expectCleanEnd(run);
      expect(countLines(run, DONE)).toBe(3);
      expect(countLines(run, DONE, 'worker 2')).toBe(3);
      expect(countLines(run, REDELIVERED)).toBe(0);
      expect(run.summary).toMatchObject({ acked: 0, requeued: 0, lost: 4, delivered: { 'worker 1': 4, 'worker 2': 3 } });
      expect(queueIn(present(run.states.at(-1)), QUEUE)?.ready).toBe(0);
      // Worker 1 was stopped in its first task: as it ended, the runner counted lost the one it was working on and the
      // three waiting their turn, all forgotten by the broker as it sent them.
      expectStoppedIn(run, 'Task 1......');
      expect(lostTasks(run, 'worker 1')).toEqual(['Task 1......', 'Task 3......', 'Task 5......', 'Task 7......']);
      expect(processNotes(run, 'worker 1').at(-1)?.text).toMatch(/; 4 messages in hand lost\)$/);
    });

    it('forgotten-ack: every task is done but none acknowledged; they go back to the queue when the workers leave', async () => {
      const run = await runCell(LESSON, 'forgotten-ack');
      expectCleanEnd(run);
      expect(countLines(run, DONE)).toBe(5);
      expect(framesOf(run, 'basic.ack')).toHaveLength(0);
      const [, withWorkers, afterWorkers] = run.states;
      expect(queueIn(present(withWorkers), QUEUE)).toEqual({ ready: 0, unacked: 5, consumers: 2 });
      expect(queueIn(present(afterWorkers), QUEUE)).toEqual({ ready: 5, unacked: 0, consumers: 0 });
    });

    it('forgotten-ack with prefetch 1: each worker gets one task and then nothing; the run ends by itself', async () => {
      const run = await runCell(LESSON, 'forgotten-ack', { prefetch: 1 });
      expectCleanEnd(run);
      expect(countLines(run, DONE, 'worker 1')).toBe(1);
      expect(countLines(run, DONE, 'worker 2')).toBe(1);
      expect(queueIn(present(run.states[1]), QUEUE)).toEqual({ ready: 3, unacked: 2, consumers: 2 });
    });

    it('a forgetful worker that stops: its finished tasks come back and are done again by the other', async () => {
      const run = await runCell(LESSON, 'seven-tasks', { ackMode: 'forgotten', stopAfter: 2, msPerDot: 20 });
      expectCleanEnd(run);
      expectStoppedIn(run, 'Task 3......');
      expect(countLines(run, DONE, 'worker 1')).toBe(1);
      expect(countLines(run, DONE, 'worker 2')).toBe(7);
    });

    it("durable-tasks: a durable queue and persistent tasks, and the learner's deliveryMode wins", async () => {
      const run = await runCell(LESSON, 'durable-tasks');
      expectCleanEnd(run);
      expect(countLines(run, DONE)).toBe(5);
      expect(framesOf(run, 'queue.declare', 'producer')[0]?.fields.durable).toBe(true);
      expect(framesOf(run, 'basic.publish').every((frame) => frame.message?.properties.deliveryMode === 2)).toBe(true);
      expect(run.states[0]?.queues.find((queue) => queue.name === QUEUE)?.durable).toBe(true);

      const transient = await runCell(LESSON, 'durable-tasks', { properties: { deliveryMode: 1 }, msPerDot: 10 });
      expectCleanEnd(transient);
      expect(framesOf(transient, 'basic.publish').every((frame) => frame.message?.properties.deliveryMode === 1)).toBe(true);
    });

    it('fair-dispatch: with prefetch 1 the slow worker gets fewer tasks than the fast one', async () => {
      const run = await runCell(LESSON, 'fair-dispatch');
      expectCleanEnd(run);
      const slow = countLines(run, DONE, 'worker 1');
      const fast = countLines(run, DONE, 'worker 2');
      expect(slow + fast).toBe(8);
      expect(slow).toBeLessThan(fast);
      expect(framesOf(run, 'basic.qos').map((frame) => frame.fields.prefetchCount)).toEqual([1, 1]);
      expect(queueIn(present(run.states[0]), QUEUE)).toEqual({ ready: 6, unacked: 2, consumers: 2 });
    });

    it('fair-dispatch with prefetch 0: round-robin gives the slow worker as many as the fast one', async () => {
      const run = await runCell(LESSON, 'fair-dispatch', { prefetch: 0 });
      expectCleanEnd(run);
      expect(countLines(run, DONE, 'worker 1')).toBe(4);
      expect(countLines(run, DONE, 'worker 2')).toBe(4);
    });

    it('refuses to stop a worker the run does not have, naming the parameter', async () => {
      const run = await runCell(LESSON, 'round-robin', { workers: 2, stopWorker: 3 });
      expect(run.status).toBe('failed');
      expect(run.failure?.explanation).toContain('stopWorker is 3 but there are only 2 workers: use 0 (none) or 1 to 2');
    });
  },
  undefined,
  ['javascript', 'python'],
);
