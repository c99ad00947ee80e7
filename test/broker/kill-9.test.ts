// A broker killed with kill -9 while a publisher sends persistent messages
// with confirms loses none it confirmed. The broker runs as a process of
// its own on a data directory; it is killed at random moments in several
// rounds and started again on the same directory each time. Then every
// confirmed message must be in the queue, none twice (the publisher never
// sends one again), and, as RabbitMQ's classic queues do after a crash,
// every message read back is marked redelivered.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { afterAll, expect, test } from 'vitest';
import { startBrokerProcess, type BrokerProcess } from '../support/broker-process.js';

const TOTAL = 100_000;
const ROUNDS = 4;
const QUEUE = 'confirmed-work';
const directory = mkdtempSync(join(tmpdir(), 'warren-kill-9-'));
const running: BrokerProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((broker) => broker.kill()));
  rmSync(directory, { recursive: true, force: true });
});

async function startOnDirectory(): Promise<BrokerProcess> {
  const broker = await startBrokerProcess(['--data-dir', directory]);
  running.push(broker);
  return broker;
}

/**
 * Publishes messages numbered from `from` up to TOTAL-1 until the broker is
 * killed, `killAfter` ms from now, or, without killAfter, all of them, and
 * kills the broker once they are confirmed. Returns the numbers confirmed
 * and the next number to send.
 */
async function publishUntilKilled(broker: BrokerProcess, from: number, killAfter?: number): Promise<{ confirmed: number[]; next: number }> {
  const connection = await amqp.connect(broker.url, { noDelay: true });
  connection.on('error', () => {});
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => {});
  await channel.assertQueue(QUEUE, { durable: true });
  const confirmed: number[] = [];
  const state = { closed: false };
  connection.on('close', () => {
    state.closed = true;
  });
  const killing = killAfter === undefined ? undefined : new Promise((resolve) => setTimeout(resolve, killAfter)).then(() => broker.kill());
  let n = from;
  for (; n < TOTAL && !state.closed; n++) {
    let roomLeft: boolean;
    try {
      const number = n;
      roomLeft = channel.sendToQueue(QUEUE, Buffer.from(String(number)), { persistent: true }, (error) => {
        if (error === null || error === undefined) confirmed.push(number);
      });
    } catch {
      break;
    }
    if (!roomLeft) await new Promise((resolve) => channel.once('drain', resolve).once('close', resolve));
  }
  if (killing === undefined) {
    await channel.waitForConfirms();
    await broker.kill();
  }
  await killing;
  await new Promise<void>((resolve) => {
    if (state.closed) resolve();
    else connection.once('close', () => resolve());
  });
  return { confirmed, next: n };
}

test(`every confirmed one of ${TOTAL} persistent messages survives kill -9 in ${ROUNDS} rounds, none twice, each redelivered`, async () => {
  const confirmed = new Set<number>();
  let next = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const broker = await startOnDirectory();
    // Killed mid-publish at a random moment; the last round sends the rest and is killed once it is confirmed.
    const killAfter = round < ROUNDS ? 300 + Math.floor(Math.random() * 1200) : undefined;
    const result = await publishUntilKilled(broker, next, killAfter);
    for (const n of result.confirmed) confirmed.add(n);
    next = result.next;
  }
  expect(next).toBe(TOTAL);
  expect(confirmed.size).toBeGreaterThan(0);

  const broker = await startOnDirectory();
  const connection = await amqp.connect(broker.url, { noDelay: true });
  const channel = await connection.createChannel();
  const { messageCount } = await channel.checkQueue(QUEUE);
  const seen = new Map<number, number>();
  let notRedelivered = 0;
  await channel.prefetch(1000);
  await new Promise<void>((resolve) => {
    let read = 0;
    if (messageCount === 0) resolve();
    void channel.consume(
      QUEUE,
      (message) => {
        if (message === null) return;
        const n = Number(message.content.toString());
        seen.set(n, (seen.get(n) ?? 0) + 1);
        if (!message.fields.redelivered) notRedelivered++;
        if (++read === messageCount) resolve();
      },
      { noAck: true },
    );
  });
  await connection.close();
  await broker.stop();

  const lost = [...confirmed].filter((n) => !seen.has(n));
  const twice = [...seen].filter(([, count]) => count > 1).map(([n]) => n);
  console.log(`[kill -9] ${confirmed.size} of ${TOTAL} confirmed, ${seen.size} found after ${ROUNDS + 1} kills`);
  expect(lost).toEqual([]);
  expect(twice).toEqual([]);
  expect(notRedelivered).toBe(0);
}, 120_000);
