/**
 * The broker restarted during a run, on the embedded broker (in place, from
 * its data directory) and on the RabbitMQ of this machine (rabbitmqctl
 * stop_app and start_app): what comes back is what RabbitMQ keeps, a
 * durable queue with its persistent tasks, and nothing else; programs
 * connected at the time lose their connections, which is no crash of
 * theirs. These tests restart the shared RabbitMQ, so they run alone, after
 * every other test (the `restart` project).
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { BrokerRestartEvent, BrokerStateEvent } from '../../server/protocol/index.js';
import { describeOnBrokers, expectCleanEnd, lessons, linesOf, queueIn, type CellRun } from '../lessons/harness.js';
import { describeBothBrokers, watchRun } from '../runs/legs.js';
import { present } from '../support/present.js';

const LESSON = '02-work-queues';
const COURSE_LESSONS = fileURLToPath(new URL('../../lessons', import.meta.url));
const TASKS = ['First message.', 'Second message..', 'Third message...', 'Fourth message....', 'Fifth message.....'];

/** The restart's two marks in the trace, in order. */
function restartsOf(run: CellRun): Pick<BrokerRestartEvent, 'phase' | 'by'>[] {
  return run.events.flatMap((event) => (event.kind === 'restart' ? [{ phase: event.phase, by: event.by }] : []));
}

/** task_queue as the broker showed it the moment it was back: undefined when it was gone. */
function taskQueueWhenBack(run: CellRun) {
  const back = present(
    run.states.find((state) => state.moment?.id === 'broker-back'),
    'the moment the broker is back',
  );
  return queueIn(back, 'task_queue');
}

/** The tasks worker 1 printed as received. */
function received(run: CellRun): string[] {
  return linesOf(run, 'worker 1').flatMap((line) => /^ \[x\] Received '(.*)'$/.exec(line)?.[1] ?? []);
}

describeOnBrokers(
  'lesson 2: the broker restarted before any worker starts',
  (runCell) => {
    it('a durable queue with persistent tasks comes back with every task, and the worker then does each', async () => {
      const run = await runCell(LESSON, 'broker-restart');
      expectCleanEnd(run);
      expect(restartsOf(run)).toEqual([
        { phase: 'stopping', by: 'plan' },
        { phase: 'started', by: 'plan' },
      ]);
      expect(taskQueueWhenBack(run)).toEqual({ ready: 5, unacked: 0, consumers: 0 });
      expect(received(run)).toEqual(TASKS);
      expect(run.summary.acked).toBe(5);
      expect(run.summary.dropped).toBe(0);
    });

    it('transient tasks in a durable queue are gone: the queue comes back empty', async () => {
      const run = await runCell(LESSON, 'broker-restart', { persistent: false });
      expectCleanEnd(run);
      expect(taskQueueWhenBack(run)).toEqual({ ready: 0, unacked: 0, consumers: 0 });
      expect(received(run)).toEqual([]);
      expect(run.summary.dropped).toBe(5);
    });

    it('persistent tasks in a queue that is not durable are gone with their queue', async () => {
      const run = await runCell(LESSON, 'broker-restart', { durable: false });
      expectCleanEnd(run);
      expect(taskQueueWhenBack(run)).toBeUndefined();
      expect(received(run)).toEqual([]);
      expect(run.summary.dropped).toBe(5);
      // The worker declared a new, empty task_queue and waited on it.
      expect(linesOf(run, 'worker 1')).toEqual([' [*] Waiting for messages in task_queue. To exit press CTRL+C']);
    });
  },
  lessons,
  ['javascript', 'python'],
);

describeBothBrokers(
  'restarting the broker by hand during a run',
  (leg) => {
    it('workers holding tasks lose their connections and end with the restart; the persistent tasks wait in the queue', async () => {
      // Slow tasks, so both workers still hold theirs when the broker goes.
      const run = watchRun(leg.runner, { lesson: LESSON, cell: 'seven-tasks', params: { stopWorker: 0, msPerDot: 400 } });
      await expect.poll(() => run.frames('basic.deliver').length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      await run.handle.restartBroker();
      const summary = await run.handle.done;
      expect(run.failure).toBeUndefined();
      expect(run.statuses.at(-1)).toBe('finished');
      const ends = run.events.flatMap((event) =>
        event.kind === 'log' && event.process?.what === 'ended' && event.actor.startsWith('worker ') ? [event.process] : [],
      );
      expect(ends).toHaveLength(2);
      for (const end of ends) expect(end).toMatchObject({ action: 'restart', by: 'you' });
      // Nothing was acknowledged before the restart took the workers: the seven tasks are back in the durable queue.
      const last = present(run.events.findLast((event): event is BrokerStateEvent => event.kind === 'state'));
      expect(last.queues.find((queue) => queue.name === 'task_queue')?.messagesReady).toBe(7 - summary.acked);
      // Once the run is over it can no longer restart the broker.
      await expect(run.handle.restartBroker()).rejects.toThrow(/the run has ended/);
    });
  },
  COURSE_LESSONS,
);
