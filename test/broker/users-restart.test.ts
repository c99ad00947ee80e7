// Users, permissions and vhosts kept in the data directory, as RabbitMQ
// keeps them: they come back after broker.restart(), after a new broker
// opens the directory, and after kill -9. The users the options or a
// configuration file name only begin a new directory.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { startBroker, type BrokerOptions, type EmbeddedBroker } from '../../server/broker/index.js';
import { BrokerStore } from '../../server/broker/storage/store.js';
import { startBrokerProcess, type BrokerProcess } from '../support/broker-process.js';

const directories: string[] = [];
function freshDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'warren-users-'));
  directories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const started: EmbeddedBroker[] = [];
async function brokerOn(dataDir: string, options: BrokerOptions = {}): Promise<EmbeddedBroker> {
  const running = await startBroker({ port: 0, dataDir, ...options });
  started.push(running);
  return running;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((running) => running.close()));
});

function urlFor(port: number, user: string, password: string, vhost = '/'): string {
  return `amqp://${user}:${password}@127.0.0.1:${port}/${encodeURIComponent(vhost)}`;
}

/** Whether the user gets a connection open in the vhost. */
async function canConnect(port: number, user: string, password: string, vhost = '/'): Promise<boolean> {
  try {
    const connection = await amqp.connect(urlFor(port, user, password, vhost));
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/** alice may declare queues named alice-* in shop and no others: the rights the tests give her. */
const ALICE_IN_SHOP = { user: 'alice', vhost: 'shop', configure: '^alice-', write: '.*', read: '.*' };

/** Logs in as alice to shop and checks her rights: alice-* may be declared, anything else is refused with RabbitMQ's words. */
async function expectAliceRights(port: number): Promise<void> {
  const connection = await amqp.connect(urlFor(port, 'alice', 's3cret', 'shop'));
  try {
    const channel = await connection.createChannel();
    // The refusal below closes the channel; the test reads it from the rejected declare.
    channel.on('error', () => {});
    expect((await channel.assertQueue('alice-work', { exclusive: true })).queue).toBe('alice-work');
    await expect(channel.assertQueue('orders')).rejects.toThrow(
      "ACCESS_REFUSED - access to queue 'orders' in vhost 'shop' refused for user 'alice'",
    );
  } finally {
    await connection.close();
  }
}

describe('users and permissions in the data directory', () => {
  test('a user made with a password, tags and permissions in a vhost logs in after a restart with the same rights', async () => {
    const directory = freshDirectory();
    const broker = await brokerOn(directory);
    broker.addVhost('shop');
    broker.users.addUser('alice', 's3cret', ['monitoring', 'impersonator']);
    broker.users.setPermissions(ALICE_IN_SHOP);
    await broker.restart();

    expect(broker.listVhosts()).toEqual(['/', 'shop']);
    expect(broker.users.listUsers()).toEqual([
      { user: 'guest', tags: ['administrator'] },
      { user: 'alice', tags: ['monitoring', 'impersonator'] },
    ]);
    expect(broker.users.listUserPermissions('alice')).toEqual([ALICE_IN_SHOP]);
    await expectAliceRights(broker.port);
    expect(await canConnect(broker.port, 'alice', 'wrong', 'shop')).toBe(false);
    expect(await canConnect(broker.port, 'alice', 's3cret', '/')).toBe(false);

    await broker.close();
    const another = await brokerOn(directory);
    expect(another.users.listUserPermissions('alice')).toEqual([ALICE_IN_SHOP]);
    await expectAliceRights(another.port);
  });

  test('a deleted user stays deleted; a changed password, changed tags and cleared permissions stay changed', async () => {
    const directory = freshDirectory();
    const first = await brokerOn(directory);
    const everything = { vhost: '/', configure: '.*', write: '.*', read: '.*' };
    for (const name of ['bob', 'dave', 'erin']) {
      first.users.addUser(name, 'old', ['management']);
      first.users.setPermissions({ user: name, ...everything });
    }
    first.users.deleteUser('bob');
    first.users.changePassword('dave', 'new');
    first.users.setUserTags('dave', []);
    first.users.clearPermissions('erin', '/');
    await first.close();

    const second = await brokerOn(directory);
    expect(second.users.listUsers().map(({ user }) => user)).toEqual(['guest', 'dave', 'erin']);
    expect(await canConnect(second.port, 'bob', 'old')).toBe(false);
    expect(await canConnect(second.port, 'dave', 'old')).toBe(false);
    expect(await canConnect(second.port, 'dave', 'new')).toBe(true);
    expect(second.users.listUsers()).toContainEqual({ user: 'dave', tags: [] });
    expect(await canConnect(second.port, 'erin', 'old')).toBe(false);
    expect(second.users.listPermissions('/').map(({ user }) => user)).toEqual(['guest', 'dave']);
  });

  test('deleting a vhost deletes its permissions for good: made again, it lets in only whoever made it', async () => {
    const directory = freshDirectory();
    const first = await brokerOn(directory, { vhosts: ['/', 'shop'] });
    first.users.addUser('alice', 's3cret');
    first.users.setPermissions(ALICE_IN_SHOP);
    first.deleteVhost('shop');
    await first.close();

    // The options name shop again, but the directory is not new: as on RabbitMQ, its vhosts are what the broker has.
    const second = await brokerOn(directory, { vhosts: ['/', 'shop'] });
    expect(second.listVhosts()).toEqual(['/']);
    second.addVhost('shop');
    await second.restart();
    expect(second.users.listPermissions('shop').map(({ user }) => user)).toEqual(['guest']);
    expect(await canConnect(second.port, 'alice', 's3cret', 'shop')).toBe(false);
  });

  test('the users of the options only begin a new directory: once it holds users, those are what the broker has', async () => {
    const directory = freshDirectory();
    const first = await brokerOn(directory, { users: [{ username: 'admin', password: 'first', tags: ['administrator'] }] });
    first.users.addUser('alice', 's3cret');
    first.users.deleteUser('admin');
    await first.close();

    const second = await brokerOn(directory, {
      users: [
        { username: 'admin', password: 'second' },
        { username: 'carol', password: 'pw' },
      ],
    });
    expect(second.users.listUsers()).toEqual([{ user: 'alice', tags: [] }]);
    expect(await canConnect(second.port, 'admin', 'second')).toBe(false);
    expect(await canConnect(second.port, 'carol', 'pw')).toBe(false);
  });

  test('a directory written before users were kept starts from the options, which may use every vhost it holds', async () => {
    const directory = freshDirectory();
    const older = new BrokerStore(directory);
    older.vhostAdded('/');
    older.vhostAdded('kept-before');
    await older.close();

    const broker = await brokerOn(directory);
    expect(broker.listVhosts()).toEqual(['/', 'kept-before']);
    expect(await canConnect(broker.port, 'guest', 'guest', 'kept-before')).toBe(true);
    broker.users.addUser('alice', 's3cret');
    await broker.restart();
    expect(broker.users.listUsers().map(({ user }) => user)).toEqual(['guest', 'alice']);
  });
});

describe('users and permissions after kill -9', () => {
  const running: BrokerProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((broker) => broker.kill()));
  });

  const brokerModule = fileURLToPath(new URL('../../server/broker/index.ts', import.meta.url));
  /** A broker process that changes users as a program embedding it would, prints its port, and waits to be killed. */
  function startChangingUsers(directory: string): { port: Promise<number>; kill: () => Promise<unknown> } {
    const script = `
      import { startBroker } from ${JSON.stringify(brokerModule)};
      const broker = await startBroker({ port: 0, dataDir: ${JSON.stringify(directory)} });
      broker.addVhost('shop');
      broker.users.addUser('alice', 's3cret', ['monitoring']);
      broker.users.setPermissions(${JSON.stringify(ALICE_IN_SHOP)});
      broker.users.addUser('bob', 'pw');
      broker.users.setPermissions({ user: 'bob', vhost: 'shop', configure: '.*', write: '.*', read: '.*' });
      broker.users.deleteUser('bob');
      console.log('port ' + broker.port);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = new Promise<number>((resolve, reject) => {
      let output = '';
      child.once('exit', (code) => reject(new Error(`the broker exited with status ${code} before listening:\n${output}`)));
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const match = /port (\d+)/.exec(output);
        if (match !== null) resolve(Number(match[1]));
      });
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    return {
      port,
      kill: () => {
        child.kill('SIGKILL');
        return exited;
      },
    };
  }

  test('users made and deleted just before kill -9 are as they were left, with the same rights', async () => {
    const directory = freshDirectory();
    const changing = startChangingUsers(directory);
    const port = await changing.port;
    // A confirm is sent once everything the broker recorded before it is on disk: the users' changes included.
    const connection = await amqp.connect(urlFor(port, 'guest', 'guest'));
    connection.on('error', () => {});
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('marker', { durable: true });
    channel.sendToQueue('marker', Buffer.from('after the users'), { persistent: true });
    await channel.waitForConfirms();
    await changing.kill();

    // Started again as `npm run broker` does, with a configuration file that names another first user: the directory's users win.
    const conf = join(freshDirectory(), 'zoe.conf');
    writeFileSync(conf, 'default_user = zoe\ndefault_pass = zoe\n');
    const broker = await startBrokerProcess(['--data-dir', directory, '--config', conf]);
    running.push(broker);
    const restartedPort = Number(new URL(broker.url).port);
    await expectAliceRights(restartedPort);
    expect(await canConnect(restartedPort, 'bob', 'pw', 'shop')).toBe(false);
    expect(await canConnect(restartedPort, 'zoe', 'zoe')).toBe(false);
    expect(await canConnect(restartedPort, 'guest', 'guest')).toBe(true);
  }, 60_000);
});
