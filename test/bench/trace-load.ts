// The actors' stand-in for the trace benchmark, in a process of its own as a
// run's programs are in the workbook: an amqplib producer publishing at the
// rate it is told, and a consumer acking every message, both connected
// through the tap. Started by trace.ts over IPC; not run directly.
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';

/** Parent -> load. */
export type LoadCommand =
  | { type: 'connect'; url: string; queue: string }
  /** Publishes `total` messages at `messagesPerSecond`, in ticks of a few milliseconds. */
  | { type: 'publish'; messagesPerSecond: number; total: number }
  | { type: 'cpu' }
  | { type: 'close' };

/** Load -> parent. */
export type LoadReport =
  | { type: 'ready' }
  /** Every message of the last publish command has been handed to the socket. */
  | { type: 'published'; count: number }
  | { type: 'consumed'; count: number }
  /** CPU time this process used since the last cpu command, in microseconds. */
  | { type: 'cpu'; micros: number }
  | { type: 'closed' };

const BODY = Buffer.alloc(100, 'x');

function send(report: LoadReport): void {
  if (process.connected) process.send?.(report);
}

let producer: amqp.Channel | undefined;
let queueName = '';
let consumed = 0;
let cpuMark = process.cpuUsage();
const connections: amqp.ChannelModel[] = [];

async function connect(url: string, queue: string): Promise<void> {
  queueName = queue;
  const producerConnection = await amqp.connect(url, { clientProperties: { connection_name: 'producer' }, noDelay: true });
  const consumerConnection = await amqp.connect(url, { clientProperties: { connection_name: 'consumer' }, noDelay: true });
  connections.push(producerConnection, consumerConnection);
  producer = await producerConnection.createChannel();
  const consumer = await consumerConnection.createChannel();
  await consumer.assertQueue(queue, { durable: false, autoDelete: false });
  await consumer.prefetch(1000);
  await consumer.consume(queue, (message) => {
    if (message === null) return;
    consumed += 1;
    consumer.ack(message);
  });
  setInterval(() => send({ type: 'consumed', count: consumed }), 20).unref();
  send({ type: 'ready' });
}

async function publish(channel: amqp.Channel, messagesPerSecond: number, total: number): Promise<void> {
  const started = performance.now();
  let published = 0;
  while (published < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * messagesPerSecond));
    while (published < due) {
      published += 1;
      if (!channel.publish('', queueName, BODY)) await once(channel, 'drain');
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  send({ type: 'published', count: published });
}

async function close(): Promise<void> {
  const [first] = connections;
  if (first !== undefined) {
    const channel = await first.createChannel();
    await channel.deleteQueue(queueName);
  }
  for (const connection of connections) await connection.close();
  send({ type: 'closed' });
  process.disconnect();
}

function fail(error: unknown): void {
  console.error('the benchmark load failed:', error);
  process.exit(1);
}

process.on('message', (command: LoadCommand) => {
  switch (command.type) {
    case 'connect':
      connect(command.url, command.queue).catch(fail);
      break;
    case 'publish':
      if (producer === undefined) fail(new Error('publish before connect'));
      else publish(producer, command.messagesPerSecond, command.total).catch(fail);
      break;
    case 'cpu': {
      const used = process.cpuUsage(cpuMark);
      cpuMark = process.cpuUsage();
      send({ type: 'cpu', micros: used.user + used.system });
      break;
    }
    case 'close':
      close().catch(fail);
      break;
  }
});
