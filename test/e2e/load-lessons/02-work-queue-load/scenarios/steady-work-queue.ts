/**
 * A work queue at a steady rate: the producer sends tasks to task_queue at
 * `rate` messages per second for `seconds`, and `workers` workers take them
 * with a prefetch window, acknowledging each at once (no work per task).
 */
import { Type } from '@sinclair/typebox';
import type { Channel } from 'amqplib';
import { closeConnections, defineScenario, waitUntil } from '../../../../../server/scenario/index.js';

const QUEUE = 'task_queue';
/** The producer publishes this often, catching up with the rate each time. */
const TICK_MS = 10;
/** The most a run may take: the bench's longest run and time for the workers to finish. */
const MOST_SECONDS = 600;
const MOST_RATE = 20_000;
/** How long the workers get to take what is left once the producer stops. */
const DRAIN_MS = 10_000;

export default defineScenario({
  title: 'A steady stream of tasks',
  params: Type.Object({
    rate: Type.Integer({ default: 5000, minimum: 1, maximum: MOST_RATE, description: 'tasks the producer sends per second' }),
    seconds: Type.Integer({ default: 60, minimum: 1, maximum: MOST_SECONDS, description: 'how long the producer sends' }),
    workers: Type.Integer({ default: 4, minimum: 1, maximum: 10, description: 'how many workers share the queue' }),
    prefetch: Type.Integer({ default: 100, minimum: 1, maximum: 1000, description: 'unacknowledged tasks a worker may hold (basic.qos)' }),
  }),
  actors: ({ workers }) => [...Array.from({ length: workers }, (_, i) => `worker ${i + 1}`), 'producer'],
  limits: { seconds: MOST_SECONDS + 30, messages: MOST_RATE * MOST_SECONDS },
  async run({ params, connect, log, sleep }) {
    const workerConnections = [];
    let done = 0;
    for (let number = 1; number <= params.workers; number += 1) {
      const connection = await connect(`worker ${number}`);
      const channel = await connection.createChannel();
      await channel.assertQueue(QUEUE, { durable: false });
      await channel.prefetch(params.prefetch);
      await channel.consume(QUEUE, (message) => {
        if (message === null) return;
        channel.ack(message);
        done += 1;
      });
      workerConnections.push(connection);
    }

    const producer = await connect('producer');
    const channel: Channel = await producer.createChannel();
    await channel.assertQueue(QUEUE, { durable: false });
    const total = params.rate * params.seconds;
    const started = performance.now();
    let sent = 0;
    while (sent < total) {
      // Sends what the rate asks for by now, so a slow tick is made up in the next.
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * params.rate));
      for (; sent < due; sent += 1) channel.sendToQueue(QUEUE, Buffer.from(`Task ${sent + 1}.`));
      await sleep(TICK_MS);
    }
    log('producer', ` [x] Sent ${sent} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await channel.close();
    await producer.close();
    await waitUntil(sleep, () => done >= total, DRAIN_MS);
    log('worker 1', ` [x] The workers acknowledged ${done} tasks`);
    await closeConnections(workerConnections);
  },
});
