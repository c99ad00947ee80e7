/**
 * Retrying later instead of at once: the worker rejects a task it failed on
 * without requeue, the work queue dead-letters it to a wait queue nobody
 * consumes, and there it expires after the retry delay, dead-lettered back
 * to the work queue. The worker counts the attempts from the x-death header
 * and, after the last one, parks the task in a queue of its own.
 */
import { Type, type Static } from '@sinclair/typebox';
import { expression } from '../../../server/scenario/code-literal.js';
import { defineProgramCell, type ActorProgram, type PlannedMoment, type ProgramLanguage } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { retryWorkerJavaScript } from './retry.javascript.js';
import { retryWorkerPython } from './retry.python.js';
import { taskProducer, type DeclaredQueue } from './task-producer.js';

const retryParams = Type.Object({
  tasks: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
    default: ['Task 1', 'Task 2', 'Task 3'],
    minItems: 1,
    maxItems: 20,
    description: 'the tasks the producer sends, in order',
  }),
  poison: Type.String({ default: 'Task 2', maxLength: 100, description: 'the task the worker fails on, every time it gets it' }),
  maxAttempts: Type.Integer({
    default: 3,
    minimum: 1,
    maximum: 10,
    description: 'how many times the worker tries a task before it parks it in parking_lot',
  }),
  retryDelayMs: Type.Integer({
    default: 1000,
    minimum: 100,
    maximum: 10_000,
    description: 'x-message-ttl of the wait queue: how long a failed task waits before it goes back to the work queue',
  }),
  properties: PublishProperties,
});

/** The parameters of a retry cell. */
export type RetryParams = Static<typeof retryParams>;

/** The names of the queues, as the programs call them. */
export const WORK_QUEUE = 'work_queue';
export const WAIT_QUEUE = 'wait_queue';
export const PARKING_LOT = 'parking_lot';

/** What the worker prints for each task, with its attempt; when it fails and retries later; when it gives up. */
export const ATTEMPT = /^ \[x\] Received '(.*)' \(attempt (\d+) of (\d+)\)$/;
export const RETRYING = /^ \[!\] Failed; back in \d+ ms by way of wait_queue$/;
export const PARKED = /^ \[!\] Failed (\d+) times; parked in parking_lot$/;

/** The work queue: what a consumer rejects goes, through the default exchange, to the wait queue. */
export const workQueue: DeclaredQueue = {
  name: WORK_QUEUE,
  durable: true,
  arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': WAIT_QUEUE },
};

/** The wait queue's arguments, its TTL the program's retryDelayMs (retry_delay_ms in Python). */
export function waitQueueArguments(delayName: string): Record<string, unknown> {
  return { 'x-message-ttl': expression(delayName), 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': WORK_QUEUE };
}

function programs(params: RetryParams, language: ProgramLanguage): ActorProgram[] {
  return [
    { actor: 'worker', code: language === 'python' ? retryWorkerPython(params) : retryWorkerJavaScript(params) },
    taskProducer({ queue: workQueue, tasks: params.tasks, properties: params.properties }, language),
  ];
}

const moments = (params: RetryParams): PlannedMoment[] => [
  {
    id: 'waiting',
    title: 'while the failed task waits in wait_queue',
    at: { actor: 'worker', line: RETRYING, delayMs: params.retryDelayMs / 2 },
  },
  { id: 'parked', title: 'once the worker has given up on it', at: 'quiet' },
];

export default programScenario(
  defineProgramCell({
    title: 'Retrying later through a wait queue',
    params: retryParams,
    programs,
    moments,
    // While a task waits nothing happens: longer than the wait.
    quietMs: (params) => params.retryDelayMs + 1000,
    // Up to 9 waits of up to 10 s.
    limits: { seconds: 150 },
  }),
);
