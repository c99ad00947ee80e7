/**
 * The second tutorial's programs: the producer (new_task.js) puts tasks on
 * task_queue, and workers (worker.js) take them one at a time, work one unit
 * per dot in the task, and acknowledge. A worker can be made slower, or be
 * stopped halfway through a task, to see what acknowledgements and prefetch
 * change.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { defineScenario, PublishProperties, closeConnections, waitUntil, type NamedMoment } from '../../../server/scenario/index.js';
import { QUEUE, taskPublishOptions, workQueueCode } from './work-queue.code.js';

/** The tasks the tutorial sends: one dot is one unit of work. */
const TUTORIAL_TASKS = ['First message.', 'Second message..', 'Third message...', 'Fourth message....', 'Fifth message.....'];

/** Added to the longest the work could possibly take, to bound the whole wait. */
const SLACK_MS = 3000;

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
    description: 'the worker that stops (closes its connection) halfway through a task; 0 = none',
  }),
  stopAfter: Type.Integer({
    default: 1,
    minimum: 1,
    maximum: 50,
    description: 'the stopping worker stops halfway through this task of its own (1 = its first)',
  }),
  slowWorker: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 5,
    description: 'the worker that works slower than the others; 0 = all equally fast',
  }),
  slowdown: Type.Integer({ default: 4, minimum: 1, maximum: 20, description: 'how many times longer the slow worker takes per dot' }),
  properties: PublishProperties,
});

/** The parameters of a work queue cell. */
export type WorkQueueParams = Static<typeof workQueueParams>;

/** One running worker.js. */
interface Worker {
  actor: string;
  number: number;
  connection: ChannelModel;
  channel: Channel;
  /** Deliveries received and not yet handled: the one it works on and those waiting their turn. */
  pending: number;
  /** The deliveries waiting their turn, not yet started. */
  waiting: ConsumeMessage[];
  /** Every delivery it received. */
  received: number;
  /** Tasks it has started, counting one it was stopped in. */
  tasksStarted: number;
  /** Tasks it finished and never acknowledged (ackMode forgotten). */
  doneUnacknowledged: number;
  /** True once it has closed its connection on purpose. */
  stopped: boolean;
}

/** The number of dots in a task: its units of work. */
function dotsIn(task: string): number {
  return task.split('.').length - 1;
}

/** The moments of a run the lesson links to, each the `list_queues` view at that moment. */
function workQueueMoments(params: WorkQueueParams) {
  return {
    dealtOut: { id: 'tasks-dealt-out', title: 'once the tasks are dealt out, before any work starts' },
    workerStopped: params.stopWorker > 0 ? { id: 'worker-stopped', title: `while worker ${params.stopWorker} is stopped` } : undefined,
    workDone: { id: 'work-done', title: 'the work done, the workers still connected' },
    workersGone: { id: 'workers-gone', title: 'after the workers disconnect' },
  } satisfies Record<string, NamedMoment | undefined>;
}

/** Refuses worker numbers the run does not have, naming the parameter and what is allowed. */
function checkWorkerNumbers(values: WorkQueueParams): void {
  for (const name of ['stopWorker', 'slowWorker'] as const) {
    if (values[name] > values.workers) {
      throw new Error(`${name} is ${values[name]} but there are only ${values.workers} workers: use 0 (none) or 1 to ${values.workers}`);
    }
  }
}

export default defineScenario({
  title: 'Tasks shared among workers',
  params: workQueueParams,
  actors: ({ workers }) => [...Array.from({ length: workers }, (_, i) => `worker ${i + 1}`), 'producer'],
  limits: { seconds: 120 },
  moments: (params) => Object.values(workQueueMoments(params)).filter((moment) => moment !== undefined),
  code: (params) => {
    checkWorkerNumbers(params);
    return workQueueCode(params);
  },
  async run({ params, connect, log, sleep, snapshot }) {
    checkWorkerNumbers(params);
    const moment = workQueueMoments(params);
    const workers: Worker[] = [];
    let tasksDone = 0;
    // Tasks the broker forgot as it sent them (automatic acknowledgement) to a worker that then stopped.
    let tasksLost = 0;
    // Deliveries marked redelivered, to any worker.
    let redeliveries = 0;
    // The first failure, boxed so that even a rejection without a reason counts.
    let failure: { error: unknown } | undefined;

    // A worker that holds as many unacknowledged tasks as its prefetch allows, and will never
    // acknowledge them, is sent nothing more.
    const canTakeMore = (worker: Worker): boolean =>
      !worker.stopped && !(params.ackMode === 'forgotten' && params.prefetch > 0 && worker.received >= params.prefetch);

    // Deliveries a worker holds unacknowledged: the task it works on, those waiting their turn, and finished ones it forgot to acknowledge.
    const holding = (worker: Worker): number => (params.ackMode === 'automatic' ? 0 : worker.pending + worker.doneUnacknowledged);

    // Every task has been dealt out: each one was delivered, or every worker still running holds as many as its prefetch allows.
    const allDealtOut = (): boolean =>
      workers.reduce((sum, worker) => sum + worker.received, 0) >= params.tasks.length ||
      workers.every(
        (worker) => worker.stopped || (params.ackMode !== 'automatic' && params.prefetch > 0 && holding(worker) >= params.prefetch),
      );

    // The list_queues view after publishing shows every task dealt out and none done yet: workers start
    // working only once it is taken, a moment after the last task reached its worker.
    let firstLookTaken = (): void => undefined;
    const firstLook = new Promise<void>((resolve) => {
      firstLookTaken = resolve;
    });

    // The run is over when every task is done or lost, or when no worker is working and none can be sent more.
    const settled = (): boolean =>
      failure !== undefined ||
      tasksDone + tasksLost >= params.tasks.length ||
      workers.every((worker) => worker.pending === 0 && !canTakeMore(worker));

    // amqplib writes a connection's own frames straight to the socket but a channel's through a queue of its own,
    // so a connection.close can overtake the worker's last basic.ack. Closing the channel first (its close follows
    // its acks, and waits for the broker's close-ok) makes sure the broker has every ack before the connection goes.
    const leave = async (worker: Worker): Promise<void> => {
      // A channel the broker closed has nothing left to send, and the runner has reported why it closed.
      await worker.channel.close().catch(() => undefined);
      await closeConnections([worker.connection]);
    };

    const stop = async (worker: Worker, task: string, lostTask: ConsumeMessage | undefined): Promise<void> => {
      // What goes back to the queue: every task it holds unacknowledged, finished or not.
      const moving = holding(worker);
      const redeliveredBefore = redeliveries;
      worker.stopped = true;
      tasksDone -= worker.doneUnacknowledged;
      log(worker.actor, ` [!] Stopped halfway through '${task}': its connection is closed`);
      if (lostTask !== undefined) {
        // With automatic acknowledgement the tasks waiting their turn go with it too: all are lost as it stops.
        for (const message of [lostTask, ...worker.waiting.splice(0)]) lose(worker, message);
      }
      await leave(worker);
      // The list_queues view right after: what the stopped worker held is back in the queue or, with no prefetch
      // limit, already with another worker. It is taken once they got there, so it counts every one of them.
      if (params.prefetch === 0 && workers.some((other) => !other.stopped)) {
        await waitUntil(sleep, () => redeliveries >= redeliveredBefore + moving, SLACK_MS);
      }
      await snapshot(moment.workerStopped);
    };

    // With automatic acknowledgement the broker forgot a task as it sent it: one the worker stops holding is gone.
    const lose = (worker: Worker, message: ConsumeMessage): void => {
      tasksLost += 1;
      log(worker.actor, ` [!] Lost '${message.content.toString()}': it was delivered with automatic acknowledgement`, { lost: [message] });
    };

    const work = async (worker: Worker, message: ConsumeMessage): Promise<void> => {
      const waited = worker.waiting.indexOf(message);
      if (waited >= 0) worker.waiting.splice(waited, 1);
      if (worker.stopped) {
        // A task that was waiting its turn: requeued by the broker; with automatic acknowledgement already counted
        // lost as the worker stopped, unless it arrived after that.
        if (params.ackMode === 'automatic' && waited >= 0) lose(worker, message);
        return;
      }
      worker.tasksStarted += 1;
      const task = message.content.toString();
      log(worker.actor, ` [x] Received '${task}'${message.fields.redelivered ? ' (redelivered)' : ''}`);
      const speed = worker.number === params.slowWorker ? params.slowdown : 1;
      const workMs = dotsIn(task) * params.msPerDot * speed;
      if (worker.number === params.stopWorker && worker.tasksStarted === params.stopAfter) {
        await sleep(workMs / 2);
        // What the stop shows (which tasks move to whom) must not depend on how fast the broker deals them out:
        // the worker stops only once it holds every task it is going to be dealt.
        await waitUntil(sleep, allDealtOut, SLACK_MS);
        await stop(worker, task, params.ackMode === 'automatic' ? message : undefined);
        return;
      }
      await sleep(workMs);
      log(worker.actor, ' [x] Done');
      if (params.ackMode === 'manual') worker.channel.ack(message);
      if (params.ackMode === 'forgotten') worker.doneUnacknowledged += 1;
      tasksDone += 1;
    };

    const startWorker = async (number: number): Promise<Worker> => {
      const actor = `worker ${number}`;
      const connection = await connect(actor);
      const channel = await connection.createChannel();
      await channel.assertQueue(QUEUE, { durable: params.durable });
      // Without basic.qos the broker sends a worker every task it is dealt at once.
      if (params.prefetch > 0) await channel.prefetch(params.prefetch);
      const worker: Worker = {
        actor,
        number,
        connection,
        channel,
        pending: 0,
        waiting: [],
        received: 0,
        tasksStarted: 0,
        doneUnacknowledged: 0,
        stopped: false,
      };
      // worker.js handles one task at a time: deliveries wait their turn here.
      let backlog = firstLook;
      await channel.consume(
        QUEUE,
        (message) => {
          if (message === null) return;
          worker.pending += 1;
          worker.waiting.push(message);
          worker.received += 1;
          if (message.fields.redelivered) redeliveries += 1;
          backlog = backlog
            .then(() => work(worker, message))
            .catch((error: unknown) => {
              failure ??= { error };
            })
            .finally(() => {
              worker.pending -= 1;
            });
        },
        { noAck: params.ackMode === 'automatic' },
      );
      log(actor, ` [*] Waiting for messages in ${QUEUE}. To exit press CTRL+C`);
      return worker;
    };

    for (let number = 1; number <= params.workers; number += 1) workers.push(await startWorker(number));

    const producer = await connect('producer');
    const channel = await producer.createChannel();
    await channel.assertQueue(QUEUE, { durable: params.durable });
    const publishOptions = taskPublishOptions(params);
    for (const task of params.tasks) {
      channel.sendToQueue(QUEUE, Buffer.from(task), publishOptions);
      log('producer', ` [x] Sent '${task}'`);
    }
    // Closing the channel first makes sure every publish went out before the connection closes.
    await channel.close();
    await producer.close();
    await waitUntil(sleep, allDealtOut, SLACK_MS);
    await snapshot(moment.dealtOut);
    firstLookTaken();

    // Bounded by the most the work could take, in case tasks vanish some other way (an expiration set in properties).
    const mostWork = params.tasks.reduce((sum, task) => sum + dotsIn(task), 0) * params.msPerDot * params.slowdown;
    await waitUntil(sleep, settled, mostWork + SLACK_MS);
    if (failure !== undefined) throw failure.error;
    // The list_queues view with the workers still connected, then after they leave:
    // whatever they held unacknowledged goes back to the queue.
    await snapshot(moment.workDone);
    await Promise.all(workers.filter((worker) => !worker.stopped).map(leave));
    await snapshot(moment.workersGone);
  },
});
