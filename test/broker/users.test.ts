// The embedded broker's users and permissions, managed at run time the way
// rabbitmqctl manages RabbitMQ's, and kept as plain records that a new
// broker can start from.
import amqp from 'amqplib';
import { afterEach, describe, expect, test } from 'vitest';
import { AccessError, startBroker, type EmbeddedBroker } from '../../server/broker/index.js';

const started: EmbeddedBroker[] = [];
async function broker(options: Parameters<typeof startBroker>[0] = {}): Promise<EmbeddedBroker> {
  const running = await startBroker({ port: 0, ...options });
  started.push(running);
  return running;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((running) => running.close()));
});

const urlFor = (running: EmbeddedBroker, user: string, password: string, vhost = '/') =>
  `amqp://${user}:${password}@127.0.0.1:${running.port}/${encodeURIComponent(vhost)}`;

/** Whether the user gets a connection open in the vhost. */
async function canConnect(running: EmbeddedBroker, user: string, password: string, vhost = '/'): Promise<boolean> {
  try {
    const connection = await amqp.connect(urlFor(running, user, password, vhost));
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

describe('users, as rabbitmqctl manages them', () => {
  test('guest is there by default, tagged administrator, with every permission in /', async () => {
    const running = await broker();
    expect(running.users.listUsers()).toEqual([{ user: 'guest', tags: ['administrator'] }]);
    expect(running.users.listPermissions('/')).toEqual([{ user: 'guest', vhost: '/', configure: '.*', write: '.*', read: '.*' }]);
  });

  test('a new user logs in once it has permissions in the vhost, and not after delete_user', async () => {
    const running = await broker();
    running.users.addUser('carol', 's3cret');
    expect(await canConnect(running, 'carol', 's3cret')).toBe(false);
    running.users.setPermissions({ user: 'carol', vhost: '/', configure: '', write: '', read: '' });
    expect(await canConnect(running, 'carol', 's3cret')).toBe(true);
    expect(await canConnect(running, 'carol', 'wrong')).toBe(false);
    running.users.changePassword('carol', 'other');
    expect(await canConnect(running, 'carol', 'other')).toBe(true);
    running.users.deleteUser('carol');
    expect(await canConnect(running, 'carol', 'other')).toBe(false);
    expect(running.users.listPermissions('/').map((row) => row.user)).toEqual(['guest']);
  });

  test("refusals use rabbitmqctl's words", async () => {
    const running = await broker();
    running.users.addUser('dave', 'pw', ['monitoring']);
    expect(() => running.users.addUser('dave', 'pw')).toThrow(new AccessError('User "dave" already exists'));
    expect(() => running.users.deleteUser('erin')).toThrow(new AccessError('User "erin" does not exist'));
    const everything = { configure: '.*', write: '.*', read: '.*' };
    expect(() => running.users.setPermissions({ user: 'erin', vhost: '/', ...everything })).toThrow(
      new AccessError('User erin does not exist'),
    );
    expect(() => running.users.setPermissions({ user: 'dave', vhost: 'nowhere', ...everything })).toThrow(
      new AccessError('Virtual host nowhere does not exist'),
    );
    expect(() => running.users.setPermissions({ user: 'dave', vhost: '/', configure: '(', write: '', read: '' })).toThrow(
      /^invalid regular expression '\(' for the configure permission: /,
    );
    expect(() => running.users.setUserTags('dave', ['two words'])).toThrow(/a user tag is one word/);
  });

  test('tags are kept as given; a user without tags still uses AMQP', async () => {
    const running = await broker();
    running.users.addUser('frank', 'pw');
    running.users.setUserTags('frank', ['management', 'policymaker']);
    expect(running.users.listUsers()).toContainEqual({ user: 'frank', tags: ['management', 'policymaker'] });
    running.users.setUserTags('frank', []);
    running.users.setPermissions({ user: 'frank', vhost: '/', configure: '.*', write: '.*', read: '.*' });
    const connection = await amqp.connect(urlFor(running, 'frank', 'pw'));
    const channel = await connection.createChannel();
    await channel.assertQueue('frank-q', { exclusive: true });
    await connection.close();
  });

  test('deleting a vhost deletes the permissions to it; addVhost gives the first user everything in the new one', async () => {
    const running = await broker();
    running.addVhost('lab');
    running.users.addUser('gina', 'pw');
    running.users.setPermissions({ user: 'gina', vhost: 'lab', configure: '.*', write: '.*', read: '.*' });
    expect(running.users.listPermissions('lab').map((row) => row.user)).toEqual(['guest', 'gina']);
    running.deleteVhost('lab');
    expect(running.users.listUserPermissions('gina')).toEqual([]);
    expect(running.listVhosts()).toEqual(['/']);
  });

  test('records() is plain JSON with hashed passwords, and a broker started from it lets the same users in', async () => {
    const first = await broker({ vhosts: ['/', 'shop'] });
    first.users.addUser('hana', 'pa55', ['administrator']);
    first.users.setPermissions({ user: 'hana', vhost: 'shop', configure: '^hana-', write: '.*', read: '.*' });
    const saved = JSON.parse(JSON.stringify(first.users.records())) as ReturnType<EmbeddedBroker['users']['records']>;
    expect(JSON.stringify(saved)).not.toContain('pa55');
    expect(saved.users.find((user) => user.name === 'hana')).toMatchObject({
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: ['administrator'],
    });
    const second = await broker({ vhosts: ['/', 'shop'], access: saved });
    expect(await canConnect(second, 'hana', 'pa55', 'shop')).toBe(true);
    expect(await canConnect(second, 'hana', 'pa55', '/')).toBe(false);
    expect(second.users.listUserPermissions('hana')).toEqual([
      { user: 'hana', vhost: 'shop', configure: '^hana-', write: '.*', read: '.*' },
    ]);
  });

  test('startBroker refuses permissions for a user or vhost it does not have', async () => {
    await expect(
      broker({
        users: [{ username: 'ivy', password: 'pw' }],
        permissions: [{ user: 'ivy', vhost: 'nope', configure: '', write: '', read: '' }],
      }),
    ).rejects.toThrow('Virtual host nope does not exist');
  });
});

describe('the impersonator tag', () => {
  test('lets a user publish with another user-id; without it the channel is closed with 406', async () => {
    const running = await broker();
    running.users.addUser('relay', 'pw', ['impersonator']);
    running.users.setPermissions({ user: 'relay', vhost: '/', configure: '.*', write: '.*', read: '.*' });
    const connection = await amqp.connect(urlFor(running, 'relay', 'pw'));
    const channel = await connection.createConfirmChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    channel.sendToQueue(queue, Buffer.from('on behalf of guest'), { userId: 'guest' });
    await channel.waitForConfirms();
    expect((await channel.get(queue)) !== false).toBe(true);
    running.users.setUserTags('relay', []);
    const closed = new Promise<Error>((resolve) => channel.once('error', resolve));
    channel.sendToQueue(queue, Buffer.from('again'), { userId: 'guest' });
    expect((await closed).message).toContain("PRECONDITION_FAILED - user_id property set to 'guest' but authenticated user was 'relay'");
    await connection.close();
  });
});
