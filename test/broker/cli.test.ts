// `npm run broker`: the standalone broker prints where it listens, serves any
// client there, and names a bad flag with what is allowed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { afterAll, describe, expect, test } from 'vitest';
import { startBrokerProcess } from '../support/broker-process.js';

const scratch = mkdtempSync(join(tmpdir(), 'warren-cli-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Declares a durable queue with one persistent message in it, through the broker at url. */
async function leaveOneMessage(url: string): Promise<void> {
  const connection = await amqp.connect(url);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue('kept', { durable: true });
  channel.sendToQueue('kept', Buffer.from('still here'), { persistent: true });
  await channel.waitForConfirms();
  await connection.close();
}

/** How many messages the queue 'kept' holds, or undefined when there is no such queue. */
async function keptCount(url: string): Promise<number | undefined> {
  const connection = await amqp.connect(url);
  connection.on('error', () => {});
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    return (await channel.checkQueue('kept')).messageCount;
  } catch {
    return undefined;
  } finally {
    await connection.close().catch(() => {});
  }
}

const cli = fileURLToPath(new URL('../../server/broker/cli.ts', import.meta.url));

describe('the standalone broker command', () => {
  test('prints its URL on loopback and serves a client there', async () => {
    const broker = await startBrokerProcess();
    try {
      expect(new URL(broker.url).hostname).toBe('127.0.0.1');
      const connection = await amqp.connect(broker.url);
      const channel = await connection.createChannel();
      await channel.assertQueue('hello');
      channel.sendToQueue('hello', Buffer.from('Hello World!'));
      const message = await new Promise<string>((resolve) => {
        void channel.consume('hello', (delivery) => delivery && resolve(delivery.content.toString()), { noAck: true });
      });
      expect(message).toBe('Hello World!');
      await connection.close();
    } finally {
      await broker.stop();
    }
  });

  test('--data-dir keeps durable queues and persistent messages from one run of the broker to the next', async () => {
    const directory = join(scratch, 'kept');
    const first = await startBrokerProcess(['--data-dir', directory]);
    try {
      expect(first.output()).toContain(`Data directory: ${directory}`);
      await leaveOneMessage(first.url);
    } finally {
      await first.stop();
    }
    const second = await startBrokerProcess(['--data-dir', directory]);
    try {
      expect(await keptCount(second.url)).toBe(1);
    } finally {
      await second.stop();
    }
  });

  test('--in-memory keeps nothing from one run to the next', async () => {
    const first = await startBrokerProcess(['--in-memory']);
    try {
      expect(first.output()).toContain('Data: kept in memory only (--in-memory)');
      await leaveOneMessage(first.url);
    } finally {
      await first.stop();
    }
    const second = await startBrokerProcess(['--in-memory']);
    try {
      expect(await keptCount(second.url)).toBeUndefined();
    } finally {
      await second.stop();
    }
  });

  test('a data directory another running broker uses is refused with status 1, naming the directory and the process', async () => {
    const directory = join(scratch, 'locked');
    const running = await startBrokerProcess(['--data-dir', directory]);
    try {
      const result = spawnSync(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--data-dir', directory], { encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`data directory ${directory} is in use by process \\d+; stop that broker`));
    } finally {
      await running.stop();
    }
  });

  const aFile = join(scratch, 'a-file');
  writeFileSync(aFile, 'not a directory');

  test.each([
    [['--data-dir', aFile], `--data-dir must be a directory, but ${aFile} is a file`],
    [['--data-dir', ''], '--data-dir must be a directory path'],
    [['--data-dir', '/tmp/x', '--in-memory'], '--data-dir and --in-memory cannot both be given'],
    [['--in-memory=yes'], 'allowed flags are --port, --host, --memory-limit, --data-dir and --in-memory'],
    [['--port', 'eighty'], "--port must be a whole number from 0 to 65535, got 'eighty'"],
    [['--port', '70000'], "--port must be a whole number from 0 to 65535, got '70000'"],
    [['--colour', 'red'], 'allowed flags are --port, --host, --memory-limit, --data-dir and --in-memory'],
    [['--memory-limit', 'lots'], "--memory-limit 'lots' is not a memory limit: use a size such as 512MB, 1.5GiB or 536870912 (bytes"],
    [['--memory-limit', '512 MBytes'], "--memory-limit '512 MBytes' is not a memory limit"],
    [['--memory-limit', '1.5'], "--memory-limit '1.5' is more than all of this machine's memory: a fraction must be from 0 to 1"],
  ])('%j exits with status 2 and says what is allowed', (args, message) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
