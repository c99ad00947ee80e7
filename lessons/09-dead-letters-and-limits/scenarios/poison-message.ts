/**
 * A poison message: a task the worker fails on every time. The worker
 * nacks it with requeue, so it comes back, fails again, and so on for as
 * long as the worker runs; in a classic queue it goes back to the head and
 * holds up every task behind it. A quorum queue with x-delivery-limit ends
 * the loop: once the message has come back more often than the limit, the
 * queue dead-letters it.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  defineProgramCell,
  type ActorProgram,
  type PlannedAction,
  type PlannedMoment,
  type ProgramLanguage,
} from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { DEAD_LETTER_EXCHANGE, DEAD_LETTER_READER, DEAD_LETTERED, deadLetterReader } from './dead-letter-reader.js';
import { poisonWorkerJavaScript } from './poison-message.javascript.js';
import { poisonWorkerPython } from './poison-message.python.js';
import { taskProducer, type DeclaredQueue } from './task-producer.js';

const poisonMessageParams = Type.Object({
  tasks: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
    default: ['Task 1', 'Task 2', 'Task 3'],
    minItems: 1,
    maxItems: 20,
    description: 'the tasks the producer sends, in order',
  }),
  poison: Type.String({
    default: 'Task 2',
    maxLength: 100,
    description: 'the task the worker fails on, every time it gets it (a message it cannot handle)',
  }),
  msPerTask: Type.Integer({
    default: 100,
    minimum: 10,
    maximum: 2000,
    description: 'how many milliseconds the worker works on a task before it is done, or fails',
  }),
  queueType: Type.Union([Type.Literal('classic'), Type.Literal('quorum')], {
    default: 'classic',
    description: 'classic: a requeued message goes back to the head of the queue; quorum: to its back, counted in x-delivery-count',
  }),
  limitDeliveries: Type.Boolean({
    default: false,
    description: 'give the quorum queue an x-delivery-limit and a dead-letter exchange, where the reader of dead letters waits',
  }),
  deliveryLimit: Type.Integer({
    default: 3,
    minimum: 0,
    maximum: 20,
    description: 'x-delivery-limit: how many times a message may come back before the quorum queue dead-letters it',
  }),
  stopAfter: Type.Integer({
    default: 5,
    minimum: 1,
    maximum: 50,
    description: 'while the poison task loops, you stop the worker (Ctrl-C) halfway through its redelivery number stopAfter',
  }),
  properties: PublishProperties,
});

/** The parameters of a poison message cell. */
export type PoisonMessageParams = Static<typeof poisonMessageParams>;

/** What the worker prints for each task it gets; a redelivery is marked. */
export const RECEIVED = /^ \[x\] Received '(.*)'( \(redelivered\))?$/;
/** What it prints when it fails on a task and gives it back. */
export const FAILED = /^ \[!\] Failed on '(.*)'; nacked with requeue$/;
const REDELIVERED = /\(redelivered\)$/;

/** The work queue for these parameters: its name says which kind it is. */
export function workQueue(params: PoisonMessageParams): DeclaredQueue {
  if (params.queueType === 'classic') return { name: 'tasks', durable: true, arguments: {} };
  return {
    name: 'quorum_tasks',
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      ...(params.limitDeliveries ? { 'x-delivery-limit': params.deliveryLimit, 'x-dead-letter-exchange': DEAD_LETTER_EXCHANGE } : {}),
    },
  };
}

/** What the worker's header says it does. */
export function workerDoes(params: PoisonMessageParams): string {
  const queue = workQueue(params);
  const limit = params.limitDeliveries
    ? ` The quorum queue dead-letters a task that came back more than ${params.deliveryLimit} times to ${DEAD_LETTER_EXCHANGE}.`
    : ' Nothing limits how often a task comes back: you stop the worker.';
  return `Takes tasks from ${queue.name} one at a time, ${params.msPerTask} ms each; fails on the poison task every time and gives it back with nack and requeue.${limit}`;
}

function worker(params: PoisonMessageParams, language: ProgramLanguage): ActorProgram {
  return { actor: 'worker', code: language === 'python' ? poisonWorkerPython(params) : poisonWorkerJavaScript(params) };
}

function programs(params: PoisonMessageParams, language: ProgramLanguage): ActorProgram[] {
  if (params.limitDeliveries && params.queueType !== 'quorum') {
    throw new Error('limitDeliveries needs queueType quorum: in RabbitMQ 3.x only a quorum queue has a delivery limit');
  }
  const producer = taskProducer({ queue: workQueue(params), tasks: params.tasks, properties: params.properties }, language);
  return [...(params.limitDeliveries ? [deadLetterReader(language)] : []), worker(params, language), producer];
}

/** Whether the poison task loops until the worker is stopped: nothing limits its deliveries. */
function loops(params: PoisonMessageParams): boolean {
  return !params.limitDeliveries;
}

function moments(params: PoisonMessageParams): PlannedMoment[] {
  if (!loops(params)) {
    return [
      {
        id: 'dead-lettered',
        title: 'once the poison task is dead-lettered',
        at: { actor: DEAD_LETTER_READER, line: DEAD_LETTERED },
      },
      { id: 'programs-gone', title: 'after the programs leave', at: 'end' },
    ];
  }
  return [
    {
      id: 'looping',
      title: 'while the poison task goes round',
      at: { actor: 'worker', line: REDELIVERED, count: Math.min(2, params.stopAfter) },
    },
    { id: 'worker-stopped', title: 'after you stopped the worker', at: 'end' },
  ];
}

/** Ctrl-C for the worker halfway through the poison task's redelivery number stopAfter: a loop never goes quiet by itself. */
function plan(params: PoisonMessageParams): PlannedAction[] {
  if (!loops(params)) return [];
  return [
    { at: { actor: 'worker', line: REDELIVERED, count: params.stopAfter, delayMs: params.msPerTask / 2 }, action: 'stop', actor: 'worker' },
  ];
}

export default programScenario(
  defineProgramCell({
    title: 'A poison message',
    params: poisonMessageParams,
    programs,
    moments,
    plan,
    quietMs: (params) => params.msPerTask + 1000,
    // Up to 51 deliveries of a task of up to 2 s before the planned stop.
    limits: { seconds: 150 },
  }),
);
