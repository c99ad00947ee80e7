// The seed notes' stumbling block: RabbitMQ lets guest log in only from
// loopback. A client on another host (a network namespace of this test's own)
// is refused with RabbitMQ's words, while another user gets in, and so does
// guest once loopback_users is emptied.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { settingsFromConf } from '../../server/broker/config/conf-settings.js';
import { brokerOptionsFrom } from '../../server/broker/config/settings.js';
import { parseConf } from '../../server/broker/config/sysctl-format.js';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';
import { anotherMachineUnavailable, createAnotherMachine, type AnotherMachine } from '../../server/programs/another-machine.js';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const unavailable = anotherMachineUnavailable();
if (unavailable !== undefined) {
  if (process.env.CI === 'true') throw new Error(`the remote-guest test must run under CI, but ${unavailable}`);
  console.warn(`skipping the remote-guest test: ${unavailable}`);
}

/** Runs `node --input-type=module -e <script>` here; resolves with its stdout. */
function runHere(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: repository }, (error, stdout) => {
      if (error === null) resolve(stdout);
      else reject(new Error(error.message));
    });
  });
}

/** A script for the remote host: try to log in (and declare a queue, if named), print what happened as JSON. */
function loginScript(url: string, queue?: string): string {
  return `
    import amqp from 'amqplib';
    try {
      const connection = await amqp.connect(${JSON.stringify(url)});
      const queue = ${JSON.stringify(queue ?? null)};
      if (queue !== null) await (await connection.createChannel()).assertQueue(queue, { exclusive: true });
      await connection.close();
      console.log(JSON.stringify({ connected: true }));
    } catch (error) {
      console.log(JSON.stringify({ connected: false, message: error.message }));
    }`;
}

describe.skipIf(unavailable !== undefined)('guest from a non-loopback address', () => {
  let remoteHost: AnotherMachine;
  let broker: EmbeddedBroker;

  beforeAll(async () => {
    remoteHost = createAnotherMachine();
    broker = await startBroker({
      host: remoteHost.hostAddress,
      port: 0,
      users: [
        { username: 'guest', password: 'guest' },
        { username: 'alice', password: 'secret' },
      ],
    });
  });
  afterAll(async () => {
    // Unset when beforeAll failed.
    await (broker as typeof broker | undefined)?.close();
    (remoteHost as typeof remoteHost | undefined)?.remove();
  });

  test("guest is refused with RabbitMQ's text; the broker's log event gives the real reason", async () => {
    const refused = new Promise<string>((resolve) => broker.events.once('login-refused', ({ reason }) => resolve(reason)));
    const output = await remoteHost.runNode(loginScript(`amqp://guest:guest@${broker.host}:${broker.port}`), repository);
    const result = JSON.parse(output) as { connected: boolean; message?: string };
    expect(result.connected).toBe(false);
    expect(result.message).toContain(
      'ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.',
    );
    expect(await refused).toBe("PLAIN login refused: user 'guest' can only connect via localhost");
  });

  test('another user logs in from the same remote host', async () => {
    const output = await remoteHost.runNode(loginScript(`amqp://alice:secret@${broker.host}:${broker.port}`), repository);
    expect(JSON.parse(output)).toEqual({ connected: true });
  });

  test('a user added while the broker runs, with permissions in the vhost, works from the remote host', async () => {
    broker.users.addUser('remote-worker', 'pw');
    broker.users.setPermissions({ user: 'remote-worker', vhost: '/', configure: '^remote-', write: '', read: '' });
    const url = `amqp://remote-worker:pw@${broker.host}:${broker.port}`;
    expect(JSON.parse(await remoteHost.runNode(loginScript(url, 'remote-jobs'), repository))).toEqual({ connected: true });
  });
});

describe.skipIf(unavailable !== undefined)('guest reaching a loopback listener from a non-loopback address', () => {
  let remoteHost: AnotherMachine;
  let broker: EmbeddedBroker;

  beforeAll(async () => {
    remoteHost = createAnotherMachine();
    broker = await startBroker({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await (broker as typeof broker | undefined)?.close();
    (remoteHost as typeof remoteHost | undefined)?.remove();
  });

  // RabbitMQ judges by the address the connection arrived at (rabbit_net:is_loopback on the socket's own name),
  // not by where it came from: a broker that listens on 127.0.0.1 only never refuses guest for this.
  test('guest logs in: the broker judges by the address it was reached at', async () => {
    const url = `amqp://guest:guest@${broker.host}:${broker.port}`;
    const script = `
      import amqp from 'amqplib';
      const connection = await amqp.connect(${JSON.stringify(url)}, { localAddress: ${JSON.stringify(remoteHost.hostAddress)} });
      await connection.close();
      console.log('connected');`;
    expect(await runHere(script)).toBe('connected\n');
  });
});

describe.skipIf(unavailable !== undefined)('guest from a non-loopback address with loopback_users = none', () => {
  let remoteHost: AnotherMachine;
  let broker: EmbeddedBroker;

  beforeAll(async () => {
    remoteHost = createAnotherMachine();
    const fromConf = brokerOptionsFrom(settingsFromConf(parseConf('loopback_users = none\n'), 'rabbitmq.conf'));
    broker = await startBroker({ ...fromConf, host: remoteHost.hostAddress, port: 0 });
  });
  afterAll(async () => {
    await (broker as typeof broker | undefined)?.close();
    (remoteHost as typeof remoteHost | undefined)?.remove();
  });

  test('guest logs in', async () => {
    const output = await remoteHost.runNode(loginScript(`amqp://guest:guest@${broker.host}:${broker.port}`), repository);
    expect(JSON.parse(output)).toEqual({ connected: true });
  });
});
