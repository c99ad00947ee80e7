/**
 * A consumer that never acknowledges: worker 1 takes a task from
 * task_queue and does not acknowledge it, because it forgot the ack, or
 * because its job takes longer than consumer_timeout. The run makes
 * consumer_timeout short (a broker setting of the cell), and the broker
 * closes worker 1's channel with 406 PRECONDITION_FAILED once a channel
 * tick sees the delivery too old; the task goes back to the queue, and
 * worker 2, started then, gets it redelivered, does it and acknowledges.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ActorProgram, type ProgramLanguage, type RunView } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { producerJavaScript, workerJavaScript } from './consumer-timeout.javascript.js';
import { producerPython, workerPython } from './consumer-timeout.python.js';

/** The queue of the second tutorial, which every program declares durable. */
export const QUEUE = 'task_queue';

/** The reply code of the close: PRECONDITION_FAILED. */
export const PRECONDITION_FAILED = 406;

/** How long the run may stay quiet beyond the longest wait in it. */
const QUIET_MARGIN_MS = 2000;

const consumerTimeoutParams = Type.Object({
  mistake: Type.Union([Type.Literal('forgotten-ack'), Type.Literal('long-job')], {
    default: 'forgotten-ack',
    description:
      'what worker 1 does wrong: forgotten-ack, it does the task and never acknowledges it; long-job, it acknowledges once done, but its job takes longer than consumer_timeout',
  }),
  consumerTimeoutSeconds: Type.Integer({
    default: 5,
    minimum: 1,
    maximum: 60,
    description: "consumer_timeout for this run, in seconds (RabbitMQ's default is 1,800 s: 30 minutes)",
  }),
  checkEverySeconds: Type.Integer({
    default: 1,
    minimum: 1,
    maximum: 60,
    description:
      'how often each channel checks its oldest unacknowledged delivery (channel_tick_interval), in seconds; RabbitMQ checks once a minute (60)',
  }),
  task: Type.String({
    default: 'Resize the photos...',
    minLength: 1,
    maxLength: 200,
    description: 'the task the producer sends; every dot is one unit of work',
  }),
  msPerDot: Type.Integer({ default: 300, minimum: 0, maximum: 2000, description: 'milliseconds of work per dot' }),
  longJobSeconds: Type.Integer({
    default: 10,
    minimum: 1,
    maximum: 60,
    description: 'with long-job: how many seconds worker 1 works on the task before it acknowledges',
  }),
  properties: PublishProperties,
});

/** The parameters of the consumer timeout cell. */
export type ConsumerTimeoutParams = Static<typeof consumerTimeoutParams>;

/** What a worker does with the task it takes: worker 1 makes the cell's mistake, worker 2 none. */
export type WorkerMistake = ConsumerTimeoutParams['mistake'] | 'none';

/** The worker each number is: worker 1 makes the mistake, worker 2 works as the tutorial's worker does. */
export function mistakeOf(params: ConsumerTimeoutParams, number: number): WorkerMistake {
  return number === 1 ? params.mistake : 'none';
}

/** How long a worker works on the task, in milliseconds. */
export function workMsOf(params: ConsumerTimeoutParams, mistake: WorkerMistake): number {
  return mistake === 'long-job' ? params.longJobSeconds * 1000 : (params.task.split('.').length - 1) * params.msPerDot;
}

/** What a worker's header says it does, in either language. */
export function workerDoes(params: ConsumerTimeoutParams, number: number): string {
  switch (mistakeOf(params, number)) {
    case 'forgotten-ack':
      return `Takes a task from ${QUEUE}, does it, and never acknowledges it. Once the broker closes its channel (consumer_timeout), it says so and ends.`;
    case 'long-job':
      return `Takes a task from ${QUEUE} and acknowledges it once done, but the job takes ${params.longJobSeconds} s: longer than consumer_timeout (${params.consumerTimeoutSeconds} s) on this run's broker.`;
    case 'none':
      return `Takes tasks from ${QUEUE} one at a time, does each and acknowledges it, until you stop it. In this cell it starts once the broker has closed worker 1's channel.`;
  }
}

/** What a worker prints as it starts on a task, once it is done, and once the broker has closed its channel. */
const RECEIVED = /^ \[x\] Received '/;
const DONE = /^ \[x\] Done$/;

/** The broker has closed worker 1's channel with 406: the task is back in the queue. */
function timedOut(view: RunView): boolean {
  return [...view.state.connections.values()].some(
    (connection) =>
      connection.actor === 'worker 1' && [...connection.channels.values()].some((channel) => channel.error?.code === PRECONDITION_FAILED),
  );
}

function worker(params: ConsumerTimeoutParams, language: ProgramLanguage, number: number): ActorProgram {
  return {
    actor: `worker ${number}`,
    code: language === 'python' ? workerPython(params, number) : workerJavaScript(params, number),
    finished: DONE,
    ...(number === 1 ? { expects: { closes: [PRECONDITION_FAILED], exitCode: 1 } } : { startAt: { when: timedOut } }),
  };
}

export default programScenario(
  defineProgramCell({
    title: 'A consumer that never acknowledges',
    params: consumerTimeoutParams,
    limits: { seconds: 240 },
    brokerSettings: (params) => ({
      consumerTimeoutMs: params.consumerTimeoutSeconds * 1000,
      consumerTimeoutCheckMs: params.checkEverySeconds * 1000,
    }),
    programs: (params, language) => [
      worker(params, language, 1),
      { actor: 'producer', code: language === 'python' ? producerPython(params) : producerJavaScript(params), next: 'ended' },
      worker(params, language, 2),
    ],
    moments: (params) => [
      {
        id: 'holding',
        title: 'worker 1 holding the task, unacknowledged',
        at: { actor: 'worker 1', line: params.mistake === 'forgotten-ack' ? DONE : RECEIVED },
      },
      { id: 'timed-out', title: "the broker has closed worker 1's channel", at: { when: timedOut } },
      { id: 'work-done', title: 'worker 2 has done the task', at: 'quiet' },
    ],
    // Nothing happens while worker 1 holds the task until the broker's check closes its channel, nor while its long job runs.
    quietMs: (params) =>
      Math.max((params.consumerTimeoutSeconds + params.checkEverySeconds) * 1000, workMsOf(params, params.mistake)) + QUIET_MARGIN_MS,
  }),
);
