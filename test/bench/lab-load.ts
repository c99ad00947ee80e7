/**
 * An outside application for the lab benchmark, in a process of its own: a
 * producer publishing to a queue at a steady rate and consumers acking
 * what they get, all through the address given, as any program of a
 * learner's would. Prints one JSON line a second: {published, delivered}.
 *
 *   tsx test/bench/lab-load.ts --url amqp://guest:guest@127.0.0.1:5673 --rate 10000 --seconds 60 --consumers 2
 */
import amqp from 'amqplib';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '60' },
    consumers: { type: 'string', default: '2' },
    prefetch: { type: 'string', default: '100' },
    queue: { type: 'string', default: 'lab-load' },
  },
});
if (values.url === undefined) throw new Error('--url is needed: the lab address to load');
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const queue = values.queue;
/** Publishes go out in a batch every tick, so the rate holds without a timer per message. */
const TICK_MS = 10;

let published = 0;
let delivered = 0;

const consumers = await Promise.all(
  Array.from({ length: Number(values.consumers) }, async (_, index) => {
    const connection = await amqp.connect(values.url ?? '', { clientProperties: { connection_name: `consumer ${index + 1}` } });
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false });
    await channel.prefetch(Number(values.prefetch));
    await channel.consume(queue, (message) => {
      if (message === null) return;
      delivered += 1;
      channel.ack(message);
    });
    return connection;
  }),
);

const producer = await amqp.connect(values.url, { clientProperties: { connection_name: 'producer' } });
const channel = await producer.createChannel();
await channel.assertQueue(queue, { durable: false });
const body = Buffer.from('a message of the load');
const started = Date.now();
const report = setInterval(() => console.log(JSON.stringify({ published, delivered })), 1000);

while (Date.now() - started < seconds * 1000) {
  const due = Math.floor(((Date.now() - started) / 1000) * rate);
  while (published < due) {
    published += 1;
    if (!channel.sendToQueue(queue, body)) {
      await new Promise((resolve) => channel.once('drain', resolve));
      break;
    }
  }
  await new Promise((resolve) => setTimeout(resolve, TICK_MS));
}
// Let the consumers take what is left, then leave, deleting the queue.
const deadline = Date.now() + 10_000;
while (delivered < published && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
clearInterval(report);
console.log(JSON.stringify({ published, delivered, done: true }));
await channel.deleteQueue(queue);
await producer.close();
for (const connection of consumers) await connection.close();
