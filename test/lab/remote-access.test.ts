// Programs on other machines need a user of their own at the lab's port:
// BROKER_USER makes one on the embedded broker (checked, with errors naming
// what is wrong), it logs in from a non-loopback address where guest is
// refused, and the workbook's start-up notes say how to get one.
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import { readConfig } from '../../server/config.js';
import { startLab, type Lab } from '../../server/lab/lab.js';
import { addRemoteUser, remoteAccessNotes } from '../../server/lab/remote-access.js';

const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;
if (networkAddress === undefined) {
  if (process.env.CI === 'true') throw new Error('the remote-access tests need a non-loopback IPv4 address on this machine');
  console.warn('SKIPPED the lab tests of a BROKER_USER from afar: this machine has no non-loopback IPv4 address');
}

const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  BROKER_DATA_DIR: join(tmpdir(), 'warren-remote-access-test'),
  ...extra,
});

describe('BROKER_USER', () => {
  it('is name:password', () => {
    expect(readConfig(env({ BROKER_USER: 'alice:s3cret:x' })).brokerUser).toEqual({ username: 'alice', password: 's3cret:x' });
    expect(readConfig(env({})).brokerUser).toBeUndefined();
  });

  it('is refused, naming what is allowed, without a password, as guest, or beside AMQP_URL', () => {
    expect(() => readConfig(env({ BROKER_USER: 'alice' }))).toThrow(
      'BROKER_USER must be name:password, both non-empty, e.g. BROKER_USER=alice:s3cret',
    );
    expect(() => readConfig(env({ BROKER_USER: 'guest:guest' }))).toThrow(
      'BROKER_USER cannot be guest: guest may only connect from this machine; choose another name',
    );
    expect(() => readConfig(env({ BROKER_USER: 'alice:pw', AMQP_URL: 'amqp://127.0.0.1' }))).toThrow(
      /^BROKER_USER is for the embedded broker; on RabbitMQ \(AMQP_URL\) add the user there: rabbitmqctl add_user/,
    );
  });
});

describe.runIf(networkAddress !== undefined)('a BROKER_USER at the lab port', () => {
  let target: BrokerTarget;
  let lab: Lab;

  beforeAll(async () => {
    target = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
    lab = await startLab({ broker: target, host: '0.0.0.0', port: 0, log: () => {} });
  });
  afterAll(async () => {
    await lab.close();
    await target.close();
  });

  const urlFor = (user: string, password: string): string => `amqp://${user}:${password}@${networkAddress ?? ''}:${new URL(lab.url).port}`;

  it('logs in from another address, and a second start with a new password changes it', async () => {
    if (target.embedded === undefined) throw new Error('expected the embedded broker');
    addRemoteUser(target.embedded, { username: 'bob', password: 'first' });
    const connection = await amqp.connect(urlFor('bob', 'first'));
    const channel = await connection.createChannel();
    await channel.assertQueue('remote-access-bob', { exclusive: true });
    await connection.close();

    addRemoteUser(target.embedded, { username: 'bob', password: 'second' });
    await expect(amqp.connect(urlFor('bob', 'first'))).rejects.toThrow(/ACCESS_REFUSED/);
    const again = await amqp.connect(urlFor('bob', 'second'));
    await again.close();
    await expect(amqp.connect(urlFor('guest', 'guest'))).rejects.toThrow(
      'ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.',
    );
  });
});

describe('the start-up notes', () => {
  it('say nothing when the lab listens on loopback', () => {
    for (const brokerHost of ['127.0.0.1', 'localhost', '::1']) {
      expect(remoteAccessNotes({ brokerHost, brokerKind: 'embedded', vhost: '/', remoteUser: undefined })).toEqual([]);
    }
  });

  it('say guest stays on this machine, and how to add a user on either broker', () => {
    const embedded = remoteAccessNotes({ brokerHost: '0.0.0.0', brokerKind: 'embedded', vhost: '/', remoteUser: undefined });
    expect(embedded).toEqual([
      "BROKER_HOST=0.0.0.0: programs on other machines can reach the lab's port, but guest can only connect from this machine (as on RabbitMQ).",
      "For programs elsewhere, start with a user of their own: BROKER_USER=name:password npm start (it may use vhost '/').",
    ]);
    const withUser = remoteAccessNotes({
      brokerHost: '0.0.0.0',
      brokerKind: 'embedded',
      vhost: '/',
      remoteUser: { username: 'bob', password: 'pw' },
    });
    expect(withUser[1]).toBe("Programs elsewhere log in as bob (BROKER_USER), with every permission in vhost '/'.");
    const rabbit = remoteAccessNotes({ brokerHost: '192.0.2.2', brokerKind: 'rabbitmq', vhost: 'my vhost', remoteUser: undefined });
    expect(rabbit[1]).toBe(
      "For programs elsewhere, add a user on RabbitMQ: rabbitmqctl add_user NAME PASSWORD, then rabbitmqctl set_permissions -p 'my vhost' NAME '.*' '.*' '.*'",
    );
  });
});
