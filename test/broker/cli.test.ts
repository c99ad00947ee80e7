// `npm run broker`: the standalone broker prints where it listens, serves any
// client there, reads RabbitMQ's configuration files, and names a bad flag or
// a bad file (with its line) with what is allowed.
import { spawn, spawnSync } from 'node:child_process';
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

  test('reads set_vm_memory_high_watermark and status on its standard input while it runs', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--in-memory'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    const printed = (pattern: RegExp): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the broker did not print ${String(pattern)}; it printed:\n${output}`)), 15_000);
        const look = (chunk: string): void => {
          output += chunk;
          if (!pattern.test(output)) return;
          clearTimeout(timer);
          child.stdout.off('data', look);
          resolve();
        };
        child.stdout.on('data', look);
      });
    try {
      await printed(/listening on amqp:/);
      expect(output).toContain('Commands: set_vm_memory_high_watermark <fraction>');
      child.stdin.write('set_vm_memory_high_watermark absolute 1MiB\n');
      await printed(/Memory limit set to 1 MiB \(1048576 bytes\)\.\nMemory: .* held, limit 1 MiB \(1048576 bytes\)\nAlarms: \(none\)\n/);
      child.stdin.write('set_vm_memory_high_watermark absolute 1.5MiB\n');
      await printed(/Error: '1\.5MiB' is not an absolute size/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  const aFile = join(scratch, 'a-file');
  writeFileSync(aFile, 'not a directory');

  test.each([
    [['--data-dir', aFile], `--data-dir must be a directory, but ${aFile} is a file`],
    [['--data-dir', ''], '--data-dir must be a directory path'],
    [['--data-dir', '/tmp/x', '--in-memory'], '--data-dir and --in-memory cannot both be given'],
    [['--in-memory=yes'], 'allowed flags are --port, --host, --memory-limit, --data-dir, --in-memory and --config'],
    [['--port', 'eighty'], "--port must be a whole number from 0 to 65535, got 'eighty'"],
    [['--port', '70000'], "--port must be a whole number from 0 to 65535, got '70000'"],
    [['--colour', 'red'], 'allowed flags are --port, --host, --memory-limit, --data-dir, --in-memory and --config'],
    [['--memory-limit', 'lots'], "--memory-limit 'lots' is not a memory limit: use a size such as 512MB, 1.5GiB or 536870912 (bytes"],
    [['--memory-limit', '512 MBytes'], "--memory-limit '512 MBytes' is not a memory limit"],
    [['--memory-limit', '1.5'], "--memory-limit '1.5' is more than all of this machine's memory: a fraction must be from 0 to 1"],
  ])('%j exits with status 2 and says what is allowed', (args, message) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

const folder = mkdtempSync(join(tmpdir(), 'warren-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Writes a configuration file of the test's own and returns its path. */
function configFile(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

function runWith(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
}

describe('--config', () => {
  test('a trailing comma in rabbitmq.config stops the broker with the file, the line and the token, as erl_parse says it', () => {
    const file = configFile('rabbitmq.config', '[{rabbit, [{loopback_users, []},]}].\n');
    const result = runWith('--config', file);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`Failed to load advanced configuration file "${file}": ${file}:1: syntax error before: ']'`);
    expect(result.stderr).toContain("remove the comma before ']'");
  });

  test.each([
    [
      'a line that is no setting',
      'heartbeat = 10\nbroken\n',
      (file: string) => `Syntax error in ${file} after line 2 column 1, parsing incomplete`,
    ],
    [
      'an unknown key',
      'loopback_users.guest = false\nfoo.bar = 1\n',
      (file: string) => `${file}:2: Conf file attempted to set unknown variable: foo.bar`,
    ],
    [
      'a listener that is neither a port nor an address',
      'listeners.tcp.default = nope\n',
      (file: string) =>
        `${file}:1: Error transforming datatype for: listeners.tcp.default\n  - "nope" cannot be converted to a(n) integer\n  - "nope" cannot be converted to a(n) IP`,
    ],
    [
      'loopback_users set to something other than none',
      'loopback_users = all\n',
      (file: string) =>
        `${file}:1: Error transforming datatype for: loopback_users\n  - "all" is not a valid enum value, acceptable values are: none`,
    ],
    [
      'a heartbeat that is not a number',
      '\nheartbeat = abc\n',
      (file: string) => `${file}:2: Error transforming datatype for: heartbeat\n  - "abc" cannot be converted to a(n) integer`,
    ],
    ['a channel_max AMQP cannot carry', 'channel_max = 70000\n', () => 'channel_max must be a whole number from 0 to 65535, got 70000'],
  ])('rabbitmq.conf with %s stops the broker, saying so', (_, text, message) => {
    const file = configFile('rabbitmq.conf', text);
    const result = runWith('--config', file);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message(file));
  });

  test('an unknown rabbit key in an Erlang file is refused at its line, listing what is read', () => {
    const file = configFile('advanced.config', '[{rabbit, [\n  {heartbeat, 30},\n  {tcp_listen_options, []}\n]}].\n');
    const result = runWith('--config', file);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `${file}:3: {tcp_listen_options, ...} is not a setting the embedded broker reads; it reads tcp_listeners,`,
    );
  });

  test('a file that is neither .conf nor .config is refused, naming both', () => {
    const result = runWith('--config', configFile('broker.yaml', 'heartbeat: 30\n'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'a configuration file ends in .conf (the rabbitmq.conf format) or .config (Erlang terms, as in advanced.config)',
    );
  });

  test('rabbitmq.conf makes the default user, vhost and permissions; advanced.config overrides it', async () => {
    const conf = configFile(
      'lab.conf',
      [
        '# a broker for the lab',
        'default_user = teacher',
        'default_pass = chalk',
        'default_vhost = classroom',
        'default_user_tags.monitoring = true',
        'default_permissions.configure = ^lab-',
        'default_permissions.write = .*',
        'default_permissions.read = .*',
        'heartbeat = 30',
        '',
      ].join('\n'),
    );
    const advanced = configFile('lab-advanced.config', '[{rabbit, [{default_pass, <<"board">>}]}, {rabbitmq_management, []}].\n');
    const broker = await startBrokerProcess(['--config', conf, '--config', advanced]);
    try {
      const address = new URL(broker.url);
      const teacher = `amqp://teacher:board@${address.host}/classroom`;
      const connection = await amqp.connect(teacher);
      const channel = await connection.createChannel();
      // The refusal below closes the channel; the test reads it from the rejected declare.
      channel.on('error', () => {});
      expect((await channel.assertQueue('lab-1', { exclusive: true })).queue).toBe('lab-1');
      await expect(channel.assertQueue('other')).rejects.toThrow(
        "ACCESS_REFUSED - access to queue 'other' in vhost 'classroom' refused for user 'teacher'",
      );
      await connection.close();
      await expect(amqp.connect(`amqp://teacher:chalk@${address.host}/classroom`)).rejects.toThrow(/ACCESS_REFUSED/);
      await expect(amqp.connect(`amqp://guest:guest@${address.host}/`)).rejects.toThrow(/ACCESS_REFUSED/);
    } finally {
      await broker.stop();
    }
  });

  test('a classic rabbitmq.config sets the default user and lifts the loopback rule', async () => {
    const file = configFile('classic.config', '[{rabbit, [{loopback_users, []}, {default_user, <<"bob">>}, {default_pass, "pw"}]}].\n');
    const broker = await startBrokerProcess(['--config', file]);
    try {
      const connection = await amqp.connect(`amqp://bob:pw@${new URL(broker.url).host}`);
      await connection.close();
    } finally {
      await broker.stop();
    }
  });
});
