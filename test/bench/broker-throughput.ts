/**
 * The broker benchmark: one workload on the embedded broker (in its own
 * process) and on RabbitMQ, side by side. amqplib, one connection, a confirm
 * channel publishing 50,000 messages of 100 bytes to a queue while a consumer
 * with prefetch 1000 acks them. Then the embedded broker's memory with
 * 1,000,000 ready messages of 100 bytes in one queue.
 *
 * With --persistent the queue is durable and the messages persistent
 * (delivery mode 2): each confirm then waits for the disk, on both brokers
 * (the embedded one keeps its data in a fresh temporary directory).
 *
 *   npm run bench:broker [-- --messages 50000 --memory-messages 1000000 --persistent]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import { startBrokerProcess, type BrokerProcess } from '../support/broker-process.js';

const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    'memory-messages': { type: 'string', default: '1000000' },
    rabbitmq: { type: 'string', default: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672' },
    rounds: { type: 'string', default: '3' },
    persistent: { type: 'boolean', default: false },
  },
});
const persistent = flags.persistent;
const messageCount = Number(flags.messages);
const memoryMessages = Number(flags['memory-messages']);
const rounds = Number(flags.rounds);
const body = Buffer.alloc(100, 'x');

/** Publishes `messageCount` confirmed messages while consuming and acking them; returns msgs/s. */
async function throughput(url: string): Promise<number> {
  // Nagle's algorithm would hold back small frames like confirms and acks; RabbitMQ's own clients disable it.
  const connection = await amqp.connect(url, { noDelay: true });
  try {
    const publisher = await connection.createConfirmChannel();
    const consumer = await connection.createChannel();
    const queue = `bench-${process.pid}-${Date.now()}`;
    await publisher.assertQueue(queue, { autoDelete: false, durable: persistent });
    await consumer.prefetch(1000);
    let received = 0;
    const allConsumed = new Promise<void>((resolve) => {
      void consumer.consume(queue, (message) => {
        if (message === null) return;
        consumer.ack(message);
        if (++received === messageCount) resolve();
      });
    });
    const started = performance.now();
    for (let i = 0; i < messageCount; i++) {
      if (!publisher.sendToQueue(queue, body, { persistent })) {
        await new Promise((resolve) => publisher.once('drain', resolve));
      }
    }
    await publisher.waitForConfirms();
    await allConsumed;
    const seconds = (performance.now() - started) / 1000;
    await publisher.deleteQueue(queue);
    return messageCount / seconds;
  } finally {
    await connection.close();
  }
}

/** Fills one queue with ready messages and reads the broker process's resident memory. */
async function memoryWithReadyMessages(broker: BrokerProcess): Promise<{ baselineMb: number; filledMb: number }> {
  const baselineMb = broker.residentMegabytes();
  const connection = await amqp.connect(broker.url);
  try {
    const channel = await connection.createConfirmChannel();
    const queue = 'bench-memory';
    await channel.assertQueue(queue, { durable: false });
    for (let i = 0; i < memoryMessages; i++) {
      if (!channel.sendToQueue(queue, body)) await new Promise((resolve) => channel.once('drain', resolve));
      if (i % 50_000 === 49_999) await channel.waitForConfirms();
    }
    await channel.waitForConfirms();
    const { messageCount: ready } = await channel.checkQueue(queue);
    if (ready !== memoryMessages) throw new Error(`expected ${memoryMessages} ready messages, the queue holds ${ready}`);
    return { baselineMb, filledMb: broker.residentMegabytes() };
  } finally {
    await connection.close();
  }
}

function best(samples: number[]): number {
  return Math.max(...samples);
}

async function main(): Promise<void> {
  const kind = persistent ? 'persistent messages to a durable queue' : 'transient messages';
  console.log(
    `workload: amqplib, 1 connection, confirm channel, ${messageCount} x 100-byte ${kind}, consumer prefetch 1000 with acks; best of ${rounds}`,
  );
  const dataDir = persistent ? mkdtempSync(join(tmpdir(), 'warren-bench-')) : undefined;
  const embedded = await startBrokerProcess(dataDir === undefined ? [] : ['--data-dir', dataDir]);
  try {
    const embeddedRates: number[] = [];
    const rabbitRates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      embeddedRates.push(await throughput(embedded.url));
      rabbitRates.push(await throughput(flags.rabbitmq));
    }
    const embeddedRate = best(embeddedRates);
    const rabbitRate = best(rabbitRates);
    console.log(`embedded broker: ${Math.round(embeddedRate)} msgs/s (rounds: ${embeddedRates.map(Math.round).join(', ')})`);
    console.log(`rabbitmq:        ${Math.round(rabbitRate)} msgs/s (rounds: ${rabbitRates.map(Math.round).join(', ')})`);
    if (memoryMessages > 0) {
      const { baselineMb, filledMb } = await memoryWithReadyMessages(embedded);
      console.log(
        `embedded broker memory: ${memoryMessages} ready 100-byte messages in one queue: ${filledMb.toFixed(0)} MB RSS (idle: ${baselineMb.toFixed(0)} MB; limit 400 MB)`,
      );
    }
    console.log(`embedded/rabbitmq throughput ratio: ${(embeddedRate / rabbitRate).toFixed(2)}`);
  } finally {
    await embedded.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
