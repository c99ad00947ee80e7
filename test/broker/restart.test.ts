// The embedded broker restarted in place: the cases RabbitMQ also passes
// (test/restart/ runs them there), then what only the embedded broker
// offers: an in-memory restart, the data directory's lock, a torn log, a
// log larger than a read chunk, clients coming back at once, a restart in
// the middle of publishing.
import { mkdtempSync, rmSync, statSync, appendFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';
import { READ_CHUNK } from '../../server/broker/storage/log-reader.js';
import { LOG_FILE } from '../../server/broker/storage/store.js';
import { restartCases, type RestartLeg } from '../conformance/restart-cases.js';

const directories: string[] = [];

function freshDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'warren-restart-'));
  directories.push(directory);
  return directory;
}

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe('restart [embedded]', () => {
  let broker: EmbeddedBroker | undefined;
  const vhost = 'restart-cases';
  beforeAll(async () => {
    broker = await startBroker({ port: 0, dataDir: freshDirectory() });
    broker.addVhost(vhost);
  });
  afterAll(async () => {
    await broker?.close();
  });
  restartCases((): RestartLeg => {
    const running = broker;
    if (running === undefined) throw new Error('the broker did not start');
    return { kind: 'embedded', url: `${running.url}/${encodeURIComponent(vhost)}`, restart: () => running.restart() };
  });
});

describe('the embedded broker on restart', () => {
  const started: EmbeddedBroker[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((broker) => broker.close()));
  });
  async function start(dataDir?: string): Promise<EmbeddedBroker> {
    const broker = await startBroker({ port: 0, dataDir });
    started.push(broker);
    return broker;
  }

  test('without a data directory a restart keeps nothing but the vhosts, on the same port', async () => {
    const broker = await start();
    broker.addVhost('kept-vhost');
    const connection = await amqp.connect(broker.url);
    const closed = new Promise<Error>((resolve) => connection.once('close', resolve));
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('durable', { durable: true });
    channel.sendToQueue('durable', Buffer.from('persistent'), { persistent: true });
    await channel.waitForConfirms();
    const port = broker.port;
    await broker.restart();
    expect(String(await closed)).toContain(
      '320 (CONNECTION-FORCED) with message "CONNECTION_FORCED - broker forced connection closure with reason \'shutdown\'"',
    );
    expect(broker.port).toBe(port);
    expect(broker.snapshot().queues).toEqual([]);
    expect(broker.snapshot('kept-vhost').queues).toEqual([]);
  });

  test('a data directory in use by a running broker is refused, naming it; once that broker stops it opens', async () => {
    const directory = freshDirectory();
    const first = await startBroker({ port: 0, dataDir: directory });
    await expect(startBroker({ port: 0, dataDir: directory })).rejects.toThrow(`data directory ${directory} is in use`);
    await first.close();
    const second = await start(directory);
    expect(second.dataDir).toBe(directory);
  });

  test('a torn last record is cut off: everything before it comes back, and the broker goes on writing', async () => {
    const directory = freshDirectory();
    const broker = await startBroker({ port: 0, dataDir: directory });
    const connection = await amqp.connect(broker.url);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('work', { durable: true });
    for (const body of ['one', 'two', 'three']) channel.sendToQueue('work', Buffer.from(body), { persistent: true });
    await channel.waitForConfirms();
    await connection.close();
    await broker.close();
    const log = join(directory, LOG_FILE);
    // The clean-stop mark and the third message's last bytes go, as if the disk stopped mid-write.
    truncateSync(log, statSync(log).size - 16);
    appendFileSync(log, Buffer.from([0, 0, 1, 0, 9, 9]));
    const reopened = await start(directory);
    const again = await amqp.connect(reopened.url);
    const readChannel = await again.createConfirmChannel();
    const bodies: [string, boolean][] = [];
    for (
      let message = await readChannel.get('work', { noAck: true });
      message !== false;
      message = await readChannel.get('work', { noAck: true })
    ) {
      bodies.push([message.content.toString(), message.fields.redelivered]);
    }
    // Not a clean stop: as in RabbitMQ, every message read back is marked redelivered.
    expect(bodies).toEqual([
      ['one', true],
      ['two', true],
    ]);
    readChannel.sendToQueue('work', Buffer.from('four'), { persistent: true });
    await readChannel.waitForConfirms();
    await again.close();
    await reopened.restart();
    const last = await amqp.connect(reopened.url);
    const lastChannel = await last.createChannel();
    const four = await lastChannel.get('work', { noAck: true });
    expect(four !== false && four.content.toString()).toBe('four');
    await last.close();
  });

  test('a log larger than a read chunk comes back whole: records across chunk boundaries, and a message larger than a chunk', async () => {
    const directory = freshDirectory();
    const first = await startBroker({ port: 0, dataDir: directory });
    const connection = await amqp.connect(first.url);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('big-log', { durable: true });
    const bodies = Array.from({ length: 3001 }, (_, i) =>
      i === 1500 ? Buffer.alloc(READ_CHUNK * 2.5, 'big') : Buffer.alloc(333 + (i % 500), String(i % 10)),
    );
    for (const body of bodies) channel.sendToQueue('big-log', body, { persistent: true });
    await channel.waitForConfirms();
    await connection.close();
    await first.close();
    expect(statSync(join(directory, LOG_FILE)).size).toBeGreaterThan(3 * READ_CHUNK);

    const second = await start(directory);
    const again = await amqp.connect(second.url);
    const reader = await again.createChannel();
    const read: Buffer[] = [];
    for (
      let message = await reader.get('big-log', { noAck: true });
      message !== false;
      message = await reader.get('big-log', { noAck: true })
    ) {
      read.push(message.content);
    }
    await again.close();
    expect(read.length).toBe(bodies.length);
    expect(read.every((body, i) => body.equals(bodies[i] ?? Buffer.alloc(0)))).toBe(true);
  });

  test('clients that reconnect at once are served as soon as the broker is back, with their durable queue', async () => {
    const broker = await start(freshDirectory());
    const connection = await amqp.connect(broker.url);
    connection.on('error', () => {});
    const channel = await connection.createChannel();
    await channel.assertQueue('jobs', { durable: true });
    const reconnected = new Promise<number>((resolve, reject) => {
      connection.once('close', () => {
        amqp
          .connect(broker.url)
          .then(async (next) => {
            const nextChannel = await next.createChannel();
            const { messageCount } = await nextChannel.checkQueue('jobs');
            await next.close();
            resolve(messageCount);
          })
          .catch(reject);
      });
    });
    await broker.restart();
    expect(await reconnected).toBe(0);
  });

  test('a restart while a publisher sends persistent messages with confirms loses none it confirmed', async () => {
    const broker = await start(freshDirectory());
    const connection = await amqp.connect(broker.url);
    connection.on('error', () => {});
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => {});
    await channel.assertQueue('flood', { durable: true });
    const confirmed: number[] = [];
    const publisher = { stopped: false };
    connection.on('close', () => {
      publisher.stopped = true;
    });
    const publishing = (async () => {
      for (let i = 0; !publisher.stopped && i < 200_000; i++) {
        try {
          channel.sendToQueue('flood', Buffer.from(String(i)), { persistent: true }, (error) => {
            if (error === null || error === undefined) confirmed.push(i);
          });
        } catch {
          return;
        }
        if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // Mid-flood: some publishes confirmed, many more on their way.
    while (confirmed.length < 2000) await new Promise((resolve) => setTimeout(resolve, 5));
    await broker.restart();
    await publishing;
    expect(confirmed.length).toBeGreaterThan(0);
    const after = await amqp.connect(broker.url);
    const reader = await after.createChannel();
    const { messageCount } = await reader.checkQueue('flood');
    expect(messageCount).toBeGreaterThanOrEqual(confirmed.length);
    const present = new Set<number>();
    for (
      let message = await reader.get('flood', { noAck: true });
      message !== false;
      message = await reader.get('flood', { noAck: true })
    ) {
      present.add(Number(message.content.toString()));
    }
    expect(confirmed.filter((i) => !present.has(i))).toEqual([]);
    await after.close();
  });

  test('acked messages leave the data directory: a restart after draining a queue brings back none', async () => {
    const directory = freshDirectory();
    const broker = await start(directory);
    const connection = await amqp.connect(broker.url);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('drained', { durable: true });
    for (let i = 0; i < 1000; i++) channel.sendToQueue('drained', Buffer.from(`m${i}`), { persistent: true });
    await channel.waitForConfirms();
    await channel.prefetch(100);
    let acked = 0;
    await new Promise<void>((resolve) => {
      void channel.consume('drained', (message) => {
        if (message === null) return;
        channel.ack(message);
        if (++acked === 1000) resolve();
      });
    });
    await channel.checkQueue('drained');
    await connection.close();
    await broker.restart();
    expect(broker.snapshot().queues.find((queue) => queue.name === 'drained')?.messagesReady).toBe(0);
  });
});
