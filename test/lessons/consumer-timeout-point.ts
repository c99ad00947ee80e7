// The point of lesson 8's consumer timeout cell, read from a run's trace,
// the same on either broker (the embedded broker's leg runs with the
// lesson's tests; RabbitMQ's, which changes the node's consumer_timeout for
// the run, in test/restart/): the run says what it set; worker 1 holds the
// task unacknowledged until the broker closes its channel, no sooner than
// consumer_timeout and no later than one more check, with 406 and
// RabbitMQ's text (sent again at each check until worker 1 answers); the
// task goes back to the queue and worker 2 gets it redelivered, does it and
// acknowledges it.
import { expect } from 'vitest';
import type { ProgramLanguage } from '../../server/programs/actor-process.js';
import { BROKER_SETTINGS_ACTOR } from '../../server/runs/index.js';
import { present } from '../support/present.js';
import { framesOf, linesOf, queueIn, type CellRun } from './harness.js';

export const LESSON = '08-when-things-go-wrong';
export const CELL = 'consumer-timeout';
const TASK = 'Resize the photos...';
/** Slack for the programs and the broker between a check and what the trace shows of it. */
const SLACK_MS = 1500;

/** The cell's parameters a test runs with; the run checks once a second. */
export interface ConsumerTimeoutRun {
  mistake: 'forgotten-ack' | 'long-job';
  consumerTimeoutSeconds: number;
  longJobSeconds?: number;
}

/** The close RabbitMQ sends, in its words. */
export function timeoutText(timeoutMs: number): string {
  return `PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: ${String(timeoutMs)} ms. This timeout value can be configured, see consumers doc guide to learn more`;
}

/** Asserts the cell's point on a run made with `params` in `language`. */
export function expectConsumerTimeoutPoint(run: CellRun, params: ConsumerTimeoutRun, language: ProgramLanguage): void {
  const timeoutMs = params.consumerTimeoutSeconds * 1000;
  expect(run.failure, run.failure?.explanation).toBeUndefined();
  expect(run.status).toBe('finished');
  expect(run.unclosedActors).toEqual([]);

  // The run says first what it set on the broker.
  expect(linesOf(run, BROKER_SETTINGS_ACTOR)).toEqual([
    `consumer_timeout set to ${String(params.consumerTimeoutSeconds)} s for this run`,
    'channel_tick_interval set to 1 s for this run',
  ]);

  // The broker closed worker 1's channel with 406, no sooner than the timeout after the delivery and within one check.
  const delivered = present(framesOf(run, 'basic.deliver', 'worker 1')[0], 'the delivery to worker 1');
  const closes = framesOf(run, 'channel.close', 'worker 1').filter((frame) => frame.direction === 'to-client');
  const close = [1, 406, timeoutText(timeoutMs)];
  expect(closes.map((frame) => [frame.channel, frame.fields.replyCode, frame.fields.replyText])).toEqual(closes.map(() => close));
  // Until worker 1 answers with close-ok, each check sends the close again: pika, asleep in its long job, hears it late.
  if (language === 'python' && params.mistake === 'long-job') expect(closes.length).toBeGreaterThanOrEqual(2);
  else expect(closes).toHaveLength(1);
  const heldMs = present(closes[0]).time - delivered.time;
  expect(heldMs).toBeGreaterThanOrEqual(timeoutMs - 50);
  expect(heldMs).toBeLessThanOrEqual(timeoutMs + 1000 + SLACK_MS);

  const said = ` [!] The broker closed the channel: 406 ${timeoutText(timeoutMs)}`;
  const received = ` [x] Received '${TASK}'`;
  const worker1 = linesOf(run, 'worker 1').filter((line) => !line.startsWith(' [*] '));
  if (params.mistake === 'forgotten-ack') expect(worker1).toEqual([received, ' [x] Done', said]);
  else if (language === 'javascript') {
    expect(worker1).toEqual([
      received,
      said,
      ' [x] Done',
      ' [!] Too late to acknowledge: the channel is closed, and the task went back to the queue',
    ]);
  } else expect(worker1).toEqual([received, ' [x] Done', said]);
  const ended = run.events.flatMap((event) =>
    event.kind === 'log' && event.actor === 'worker 1' && event.process?.what === 'ended' ? [event.text] : [],
  );
  expect(ended).toEqual(['(exited with code 1)']);

  // The task went back to the queue and on to worker 2, redelivered, which did it and acknowledged it.
  expect(framesOf(run, 'basic.deliver', 'worker 2').map((frame) => frame.fields.redelivered)).toEqual([true]);
  expect(linesOf(run, 'worker 2').filter((line) => !line.startsWith(' [*] '))).toEqual([`${received} (redelivered)`, ' [x] Done']);
  expect(framesOf(run, 'basic.ack', 'worker 2')).toHaveLength(1);
  expect(run.summary.published).toBe(1);
  expect(run.summary.requeued).toBe(1);

  // While worker 1 held it, the task was unacknowledged; once its channel was closed, ready again with no consumer.
  const moment = (id: string) =>
    present(
      run.states.find((state) => state.moment?.id === id),
      `the moment ${id}`,
    );
  expect(queueIn(moment('holding'), 'task_queue')).toEqual({ ready: 0, unacked: 1, consumers: 1 });
  expect(queueIn(moment('timed-out'), 'task_queue')).toEqual({ ready: 1, unacked: 0, consumers: 0 });
}
