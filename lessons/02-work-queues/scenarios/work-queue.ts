/**
 * The second tutorial's programs: the producer (new_task) puts tasks on
 * task_queue, and workers (worker) take them one at a time, work one unit
 * per dot in the task, and acknowledge. A worker can be made slower, or be
 * stopped with Ctrl-C halfway through a task, to see what acknowledgements
 * and prefetch change.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { RunState } from '../../../server/model/state.js';
import {
  defineProgramCell,
  type ActorProgram,
  type PlannedAction,
  type PlannedMoment,
  type ProgramLanguage,
  type RunView,
} from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { producerJavaScript, workerJavaScript } from './work-queue.javascript.js';
import { producerPython, workerPython } from './work-queue.python.js';

/** The tasks the tutorial sends: one dot is one unit of work. */
const TUTORIAL_TASKS = ['First message.', 'Second message..', 'Third message...', 'Fourth message....', 'Fifth message.....'];

/** What "send one more" sends. */
const ONE_MORE_TASK = 'One more task.';

/** How long a run may stay quiet beyond the longest task's work before it counts as over. */
const QUIET_MARGIN_MS = 1000;

const workQueueParams = Type.Object({
  tasks: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
    default: TUTORIAL_TASKS,
    minItems: 1,
    maxItems: 50,
    description: 'the tasks the producer sends, in order; every dot in a task is one unit of work',
  }),
  msPerDot: Type.Integer({
    default: 100,
    minimum: 0,
    maximum: 2000,
    description: 'milliseconds of work per dot (the tutorial uses a whole second)',
  }),
  workers: Type.Integer({ default: 2, minimum: 1, maximum: 5, description: 'how many workers share the queue' }),
  ackMode: Type.Union([Type.Literal('manual'), Type.Literal('automatic'), Type.Literal('forgotten')], {
    default: 'manual',
    description:
      'manual: a worker acknowledges each task when it is done; automatic: the broker forgets a task as soon as it sends it (noAck); forgotten: manual, but the worker never acknowledges',
  }),
  prefetch: Type.Integer({
    default: 1,
    minimum: 0,
    maximum: 100,
    description: 'how many unacknowledged tasks a worker may hold (basic.qos); 0 = no limit, so tasks are dealt out in turn (round-robin)',
  }),
  durable: Type.Boolean({ default: true, description: 'declare task_queue durable, so the queue survives a broker restart' }),
  persistent: Type.Boolean({
    default: true,
    description:
      'send tasks as persistent (deliveryMode 2), so they survive a restart in a durable queue; properties.deliveryMode, when set, wins',
  }),
  stopWorker: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 5,
    description: 'the worker you stop (Ctrl-C) halfway through a task; 0 = none',
  }),
  stopAfter: Type.Integer({
    default: 1,
    minimum: 1,
    maximum: 50,
    description: 'the stopped worker is stopped halfway through this task of its own (1 = its first)',
  }),
  slowWorker: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 5,
    description: 'the worker that works slower than the others; 0 = all equally fast',
  }),
  slowdown: Type.Integer({ default: 4, minimum: 1, maximum: 20, description: 'how many times longer the slow worker takes per dot' }),
  restartBroker: Type.Boolean({
    default: false,
    description: 'restart the broker once the producer has sent its tasks; the workers start only once it is back',
  }),
  properties: PublishProperties,
});

/** The parameters of a work queue cell. */
export type WorkQueueParams = Static<typeof workQueueParams>;

/** The queue the producer and every worker declare. */
export const QUEUE = 'task_queue';

/** What a worker prints as it starts on a task, and once it is done with it. */
const RECEIVED = /^ \[x\] Received '(.*)'/;
const DONE = /^ \[x\] Done$/;

/** The number of dots in a task: its units of work. */
function dotsIn(task: string): number {
  return task.split('.').length - 1;
}

/** How many milliseconds worker `number` works per dot. */
export function msPerDotOf(params: WorkQueueParams, number: number): number {
  return params.msPerDot * (number === params.slowWorker ? params.slowdown : 1);
}

/** The producer's delivery mode: persistent (2) unless the learner's own deliveryMode says otherwise. */
export function deliveryModeOf(params: WorkQueueParams): 1 | 2 | undefined {
  return params.properties.deliveryMode ?? (params.persistent ? 2 : undefined);
}

/** What a worker's header says it does, in either language. */
export function workerDoes(params: WorkQueueParams, number: number): string {
  const stopped =
    number === params.stopWorker ? ` In this cell you stop it (Ctrl-C) halfway through task number ${params.stopAfter} of its own.` : '';
  const late = params.restartBroker ? ' In this cell it starts once the broker is back from its restart.' : '';
  return `Takes tasks from ${QUEUE} one at a time and works ${msPerDotOf(params, number)} ms per dot, until you stop it.${stopped}${late}`;
}

const workerName = (number: number): string => `worker ${number}`;

/** Refuses worker numbers the run does not have, naming the parameter and what is allowed. */
function checkWorkerNumbers(values: WorkQueueParams): void {
  for (const name of ['stopWorker', 'slowWorker'] as const) {
    if (values[name] > values.workers) {
      throw new Error(`${name} is ${values[name]} but there are only ${values.workers} workers: use 0 (none) or 1 to ${values.workers}`);
    }
  }
}

function worker(params: WorkQueueParams, language: ProgramLanguage, number: number): ActorProgram {
  return {
    actor: workerName(number),
    code: language === 'python' ? workerPython(params, number) : workerJavaScript(params, number),
    finished: DONE,
    ...(params.restartBroker ? { startAt: { when: brokerBack } } : {}),
  };
}

function producer(params: WorkQueueParams, language: ProgramLanguage): ActorProgram {
  return { actor: 'producer', code: language === 'python' ? producerPython(params) : producerJavaScript(params), next: 'ended' };
}

/** The connections of the workers still connected. */
function liveWorkers(state: RunState) {
  return [...state.connections.values()].filter((connection) => connection.actor.startsWith('worker ') && connection.state === 'open');
}

/**
 * Every task is dealt out: each one was delivered, or every worker still
 * connected holds as many unacknowledged tasks as its prefetch allows.
 */
function dealtOut(params: WorkQueueParams, { state }: RunView): boolean {
  const delivered = [...state.counts.delivered].reduce((sum, [actor, count]) => sum + (actor.startsWith('worker ') ? count : 0), 0);
  if (delivered >= params.tasks.length) return true;
  if (delivered === 0 || params.prefetch === 0 || params.ackMode === 'automatic') return false;
  const holding = (channels: Iterable<{ unacked: Map<number, unknown> }>) =>
    [...channels].reduce((sum, channel) => sum + channel.unacked.size, 0);
  return liveWorkers(state).every((connection) => holding(connection.channels.values()) >= params.prefetch);
}

/** Whether the actor's newest connection has closed (or its program ended before it connected). */
function disconnected(view: RunView, actor: string): boolean {
  const connection = [...view.state.connections.values()].findLast((candidate) => candidate.actor === actor);
  return view.ended(actor) || connection?.endedAt !== undefined;
}

/**
 * The stopped worker's connection has closed, and what it gave back is
 * where it is going: with no prefetch limit every task the queue holds goes
 * straight on to another worker, so the moment waits until none is left
 * ready (or no other worker is there to take them). Unless its tasks are
 * lost, it does not wait for the program's process to end: a Python program
 * takes a while to, after its connection is gone.
 */
function stoppedAndSettled(params: WorkQueueParams, view: RunView): boolean {
  const stopped = workerName(params.stopWorker);
  // With automatic acknowledgement what it held is counted lost as its program ends.
  if (params.ackMode === 'automatic') return view.ended(stopped);
  if (!disconnected(view, stopped)) return false;
  if (params.prefetch > 0 || liveWorkers(view.state).length === 0) return true;
  return (view.state.queues.get(QUEUE)?.ready.length ?? 0) === 0;
}

/** The broker is back from the cell's restart. */
function brokerBack(view: RunView): boolean {
  return view.state.restarts > 0;
}

function moments(params: WorkQueueParams): PlannedMoment[] {
  return [
    ...(params.restartBroker
      ? [{ id: 'broker-back', title: 'the broker back from its restart, before any worker starts', at: { when: brokerBack } }]
      : []),
    {
      id: 'tasks-dealt-out',
      title: 'once the tasks are dealt out, before any work starts',
      at: { when: (view) => dealtOut(params, view) },
    },
    ...(params.stopWorker > 0
      ? [
          {
            id: 'worker-stopped',
            title: `while worker ${params.stopWorker} is stopped`,
            at: { when: (view: RunView) => stoppedAndSettled(params, view) },
          },
        ]
      : []),
    { id: 'work-done', title: 'the work done, the workers still connected', at: 'quiet' },
    { id: 'workers-gone', title: 'after the workers disconnect', at: 'end' },
  ];
}

/** Ctrl-C for the stopped worker, halfway through its `stopAfter`-th task: the program's own clean exit. */
function plan(params: WorkQueueParams): PlannedAction[] {
  const restart: PlannedAction[] = params.restartBroker
    ? [{ at: { when: (view: RunView) => view.ended('producer') }, action: 'restart-broker' }]
    : [];
  if (params.stopWorker === 0) return restart;
  const actor = workerName(params.stopWorker);
  const halfOfTask = (line: string): number => (dotsIn(RECEIVED.exec(line)?.[1] ?? '') * msPerDotOf(params, params.stopWorker)) / 2;
  return [...restart, { at: { actor, line: RECEIVED, count: params.stopAfter, delayMs: halfOfTask }, action: 'stop', actor }];
}

/** Longer than the longest task takes the slowest worker, so a worker busy with one never looks quiet. */
function quietMs(params: WorkQueueParams): number {
  const mostDots = Math.max(...params.tasks.map(dotsIn));
  return mostDots * params.msPerDot * (params.slowWorker > 0 ? params.slowdown : 1) + QUIET_MARGIN_MS;
}

export default programScenario(
  defineProgramCell({
    title: 'Tasks shared among workers',
    params: workQueueParams,
    limits: { seconds: 120 },
    programs: (params, language) => {
      checkWorkerNumbers(params);
      const workers = Array.from({ length: params.workers }, (_, i) => worker(params, language, i + 1));
      return [...workers, producer(params, language)];
    },
    another: (params, language, actor, taken) => {
      if (actor === 'producer') return { label: 'send one more', program: producer({ ...params, tasks: [ONE_MORE_TASK] }, language) };
      if (!actor.startsWith('worker ')) return undefined;
      let number = 1;
      while (taken.includes(workerName(number))) number += 1;
      return { label: 'start another', program: worker(params, language, number) };
    },
    moments,
    plan,
    quietMs,
  }),
);
