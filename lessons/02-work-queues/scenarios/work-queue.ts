/**
 * The second tutorial's programs: the producer (new_task.js) puts tasks on
 * task_queue, and workers (worker.js) take them one at a time, work one unit
 * per dot in the task, and acknowledge. A worker can be made slower, or be
 * stopped halfway through a task, to see what acknowledgements and prefetch
 * change.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { defineScenario, PublishProperties, toPublishOptions } from '../../../server/scenario/index.js';
import { closeConnections } from '../../connections.js';
import { waitUntilSettled } from '../../waiting.js';

const QUEUE = 'task_queue';

/** The tasks the tutorial sends: one dot is one unit of work. */
const TUTORIAL_TASKS = ['First message.', 'Second message..', 'Third message...', 'Fourth message....', 'Fifth message.....'];

/** How long every worker must sit idle with nothing arriving before the run decides no more tasks will come. */
const QUIET_MS = 750;

/** Added to the longest the work could possibly take, to bound the whole wait. */
const SLACK_MS = 3000;

const workQueueParams = Type.Object({
  tasks: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
    default: TUTORIAL_TASKS,
    minItems: 1,
    maxItems: 50,
    description: 'the tasks the producer sends, in order; every dot in a task is one unit of work',
  }),
  msPerDot: Type.Integer({ default: 100, minimum: 0, maximum: 2000, description: 'milliseconds of work per dot (the tutorial uses a whole second)' }),
  workers: Type.Integer({ default: 2, minimum: 1, maximum: 5, description: 'how many workers share the queue' }),
  ackMode: Type.Union([Type.Literal('manual'), Type.Literal('automatic'), Type.Literal('forgotten')], {
    default: 'manual',
    description: 'manual: a worker acknowledges each task when it is done; automatic: the broker forgets a task as soon as it sends it (noAck); forgotten: manual, but the worker never acknowledges',
  }),
  prefetch: Type.Integer({
    default: 1,
    minimum: 0,
    maximum: 100,
    description: 'how many unacknowledged tasks a worker may hold (basic.qos); 0 = no limit, so tasks are dealt out in turn (round-robin)',
  }),
  durable: Type.Boolean({ default: true, description: 'declare task_queue durable, so the queue survives a broker restart' }),
  persistent: Type.Boolean({ default: true, description: 'send tasks as persistent (deliveryMode 2), so they survive a restart in a durable queue; properties.deliveryMode, when set, wins' }),
  stopWorker: Type.Integer({ default: 0, minimum: 0, maximum: 5, description: 'the worker that stops (closes its connection) halfway through a task; 0 = none' }),
  stopAfter: Type.Integer({ default: 1, minimum: 1, maximum: 50, description: 'the stopping worker stops halfway through this task of its own (1 = its first)' }),
  slowWorker: Type.Integer({ default: 0, minimum: 0, maximum: 5, description: 'the worker that works slower than the others; 0 = all equally fast' }),
  slowdown: Type.Integer({ default: 4, minimum: 1, maximum: 20, description: 'how many times longer the slow worker takes per dot' }),
  properties: PublishProperties,
});

type Params = Static<typeof workQueueParams>;

/** One running worker.js. */
interface Worker {
  actor: string;
  number: number;
  connection: ChannelModel;
  channel: Channel;
  /** True from receiving a task until done with it. */
  busy: boolean;
  /** True once it has closed its connection on purpose. */
  stopped: boolean;
  /** Tasks it has started, counting one it was stopped in. */
  tasksStarted: number;
}

/** The number of dots in a task: its units of work. */
function dotsIn(task: string): number {
  return task.split('.').length - 1;
}

/** Refuses worker numbers the run does not have, naming the parameter and what is allowed. */
function checkWorkerNumbers(values: Params): void {
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
  async run({ params, connect, log, sleep, snapshot }) {
    checkWorkerNumbers(params);
    const workers: Worker[] = [];
    let tasksDone = 0;
    // Grows with every delivery, finished task and stop: how the wait tells a quiet run.
    let activity = 0;
    let failure: unknown;

    const stop = async (worker: Worker, task: string): Promise<void> => {
      worker.stopped = true;
      log(worker.actor, ` [!] Stopped halfway through '${task}': its connection is closed`);
      await worker.connection.close();
      worker.busy = false;
      activity += 1;
      // The list_queues view right after: what the stopped worker held is back in the queue.
      await snapshot();
    };

    const work = async (worker: Worker, message: ConsumeMessage): Promise<void> => {
      // Deliveries that were already on their way when the worker stopped: the broker requeues them.
      if (worker.stopped) return;
      worker.busy = true;
      worker.tasksStarted += 1;
      const task = message.content.toString();
      log(worker.actor, ` [x] Received '${task}'${message.fields.redelivered ? ' (redelivered)' : ''}`);
      const speed = worker.number === params.slowWorker ? params.slowdown : 1;
      const workMs = dotsIn(task) * params.msPerDot * speed;
      if (worker.number === params.stopWorker && worker.tasksStarted === params.stopAfter) {
        await sleep(workMs / 2);
        await stop(worker, task);
        return;
      }
      await sleep(workMs);
      log(worker.actor, ' [x] Done');
      if (params.ackMode === 'manual') worker.channel.ack(message);
      tasksDone += 1;
      activity += 1;
      worker.busy = false;
    };

    const startWorker = async (number: number): Promise<Worker> => {
      const actor = `worker ${number}`;
      const connection = await connect(actor);
      const channel = await connection.createChannel();
      await channel.assertQueue(QUEUE, { durable: params.durable });
      // Without basic.qos the broker sends a worker every task it is dealt at once.
      if (params.prefetch > 0) await channel.prefetch(params.prefetch);
      const worker: Worker = { actor, number, connection, channel, busy: false, stopped: false, tasksStarted: 0 };
      // worker.js handles one task at a time: deliveries wait their turn here.
      let backlog = Promise.resolve();
      await channel.consume(QUEUE, (message) => {
        if (message === null) return;
        activity += 1;
        backlog = backlog.then(() => work(worker, message)).catch((error: unknown) => {
          failure ??= error;
        });
      }, { noAck: params.ackMode === 'automatic' });
      log(actor, ` [*] Waiting for messages in ${QUEUE}. To exit press CTRL+C`);
      return worker;
    };

    for (let number = 1; number <= params.workers; number += 1) workers.push(await startWorker(number));

    const producer = await connect('producer');
    const channel = await producer.createChannel();
    await channel.assertQueue(QUEUE, { durable: params.durable });
    const publishOptions = { ...(params.persistent ? { deliveryMode: 2 } : {}), ...toPublishOptions(params.properties) };
    for (const task of params.tasks) {
      channel.sendToQueue(QUEUE, Buffer.from(task), publishOptions);
      log('producer', ` [x] Sent '${task}'`);
    }
    // Closing the channel first makes sure every publish went out before the connection closes.
    await channel.close();
    await producer.close();
    await snapshot();

    const mostWork = params.tasks.reduce((sum, task) => sum + dotsIn(task), 0) * params.msPerDot * params.slowdown;
    await waitUntilSettled(sleep, {
      finished: () => tasksDone >= params.tasks.length || failure !== undefined,
      activity: () => activity,
      busy: () => workers.some((worker) => worker.busy),
      quietMs: QUIET_MS,
      timeoutMs: mostWork + SLACK_MS,
    });
    if (failure !== undefined) throw failure;
    // The list_queues view with the workers still connected, then after they leave:
    // whatever they held unacknowledged goes back to the queue.
    await snapshot();
    await closeConnections(workers.map((worker) => worker.connection));
    await snapshot();
  },
});
