/**
 * How long the embedded broker takes to start again on a data directory
 * holding many persistent messages, and how much room they take there.
 * amqplib publishes `--messages` (1,000,000) persistent 100-byte messages
 * with confirms to a durable queue; the broker is closed, then started on
 * the same directory, timed until it listens with every message back.
 * Then a consumer acks them all, and the directory's size is read again
 * after another restart (acked messages leave it).
 *
 *   npm run bench:recovery [-- --messages 1000000]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import amqp from 'amqplib';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';

const { values: flags } = parseArgs({ options: { messages: { type: 'string', default: '1000000' } } });
const messageCount = Number(flags.messages);
if (!Number.isInteger(messageCount) || messageCount < 1) {
  console.error(`--messages must be a whole number of at least 1, got '${flags.messages}'`);
  process.exit(2);
}
const QUEUE = 'recovery';
const body = Buffer.alloc(100, 'x');

function directoryBytes(directory: string): number {
  return readdirSync(directory).reduce((sum, name) => sum + statSync(join(directory, name)).size, 0);
}

async function fill(broker: EmbeddedBroker): Promise<number> {
  const connection = await amqp.connect(broker.url, { noDelay: true });
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(QUEUE, { durable: true });
  const started = performance.now();
  for (let i = 0; i < messageCount; i++) {
    if (!channel.sendToQueue(QUEUE, body, { persistent: true })) await new Promise((resolve) => channel.once('drain', resolve));
    if (i % 100_000 === 99_999) await channel.waitForConfirms();
  }
  await channel.waitForConfirms();
  const seconds = (performance.now() - started) / 1000;
  await connection.close();
  return messageCount / seconds;
}

async function drain(broker: EmbeddedBroker): Promise<void> {
  const connection = await amqp.connect(broker.url, { noDelay: true });
  const channel = await connection.createChannel();
  await channel.prefetch(1000);
  let acked = 0;
  await new Promise<void>((resolve) => {
    void channel.consume(QUEUE, (message) => {
      if (message === null) return;
      channel.ack(message);
      if (++acked === messageCount) resolve();
    });
  });
  await channel.checkQueue(QUEUE);
  await connection.close();
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'warren-recovery-'));
  try {
    const first = await startBroker({ port: 0, dataDir: directory });
    const publishRate = await fill(first);
    await first.close();
    const filledBytes = directoryBytes(directory);
    console.log(`published ${messageCount} persistent 100-byte messages with confirms: ${Math.round(publishRate)} msgs/s`);
    console.log(
      `data directory: ${(filledBytes / 1e6).toFixed(1)} MB, ${(filledBytes / messageCount).toFixed(0)} bytes per message (100-byte body)`,
    );

    const heapBefore = process.memoryUsage().rss;
    const started = performance.now();
    const second = await startBroker({ port: 0, dataDir: directory });
    const recoverySeconds = (performance.now() - started) / 1000;
    const ready = second.snapshot().queues.find((queue) => queue.name === QUEUE)?.messagesReady;
    if (ready !== messageCount) throw new Error(`expected ${messageCount} messages back, the queue holds ${ready}`);
    console.log(
      `recovery: ${recoverySeconds.toFixed(2)} s until listening with all ${messageCount} messages back ` +
        `(${Math.round(messageCount / recoverySeconds)} msgs/s; RSS grew ${((process.memoryUsage().rss - heapBefore) / 1e6).toFixed(0)} MB)`,
    );
    await drain(second);
    await second.restart();
    const left = second.snapshot().queues.find((queue) => queue.name === QUEUE)?.messagesReady;
    await second.close();
    console.log(`after acking them all and a restart: ${left} messages, data directory ${(directoryBytes(directory) / 1e6).toFixed(1)} MB`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
