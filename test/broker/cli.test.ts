// `npm run broker`: the standalone broker prints where it listens, serves any
// client there, and names a bad flag with what is allowed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { describe, expect, test } from 'vitest';
import { startBrokerProcess } from '../support/broker-process.js';

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

  test.each([
    [['--port', 'eighty'], "--port must be a whole number from 0 to 65535, got 'eighty'"],
    [['--port', '70000'], "--port must be a whole number from 0 to 65535, got '70000'"],
    [['--colour', 'red'], 'allowed flags are --port, --host and --memory-limit'],
    [['--memory-limit', 'lots'], "--memory-limit 'lots' is not a memory limit: use a size such as 512MB, 1.5GiB or 536870912 (bytes"],
    [['--memory-limit', '512 MBytes'], "--memory-limit '512 MBytes' is not a memory limit"],
    [['--memory-limit', '1.5'], "--memory-limit '1.5' is more than all of this machine's memory: a fraction must be from 0 to 1"],
  ])('%j exits with status 2 and says what is allowed', (args, message) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
