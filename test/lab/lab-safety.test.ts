// The lab's port is open to programs of any kind, so it keeps RabbitMQ's
// rules the broker behind it cannot see: guest logs in only through a
// loopback address (a connection to this machine's network address is
// refused with RabbitMQ's words, while a user of one's own gets in), and
// lesson runs' vhosts stay out of reach. Garbage, a wrong protocol header,
// a huge frame or a client gone mid-handshake harm neither the workbook nor
// the other connections.
import { connect as connectSocket, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import { startLab, type Lab } from '../../server/lab/lab.js';
import type { FrameEvent, TraceEvent } from '../../server/protocol/trace.js';
import { managementApiFor } from '../../server/runs/management-api.js';
import { rabbitUnavailable } from '../code/code-brokers.js';
import { RawAmqpClient, type RawClose } from '../conformance/raw-amqp.js';

const LOGIN_REFUSED = 'ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.';

/** An IPv4 address of this machine that is not loopback: connecting to it arrives "from afar". */
const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;
if (networkAddress === undefined) {
  if (process.env.CI === 'true') throw new Error('the lab safety tests need a non-loopback IPv4 address on this machine');
  console.warn('SKIPPED the lab tests of guest from afar: this machine has no non-loopback IPv4 address');
}

const RABBIT_URL = 'amqp://guest:guest@127.0.0.1:5672';
const missingRabbit = await rabbitUnavailable();
if (missingRabbit !== null) {
  if (process.env.CI === 'true') throw new Error(`the lab safety tests compare with RabbitMQ, but ${missingRabbit}`);
  console.warn(`SKIPPED the lab safety tests' comparison with RabbitMQ: ${missingRabbit}`);
}

let target: BrokerTarget;
let lab: Lab;
const seen: TraceEvent[] = [];
const logged: string[] = [];
let stopWatching: () => void;

beforeAll(async () => {
  target = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
  lab = await startLab({
    broker: target,
    host: '0.0.0.0',
    port: 0,
    log: (line) => logged.push(line),
    remoteLoginHint: 'For programs elsewhere, start with a user of their own.',
  });
  stopWatching = await lab.watch((event) => seen.push(event));
});

afterAll(async () => {
  stopWatching();
  await lab.close();
  await target.close();
});

const port = (): number => Number(new URL(lab.url).port);
const toClient = (method: string): FrameEvent[] =>
  seen.filter((event): event is FrameEvent => event.kind === 'frame' && event.direction === 'to-client' && event.method === method);

/** Connects with amqplib; resolves to the connection, or to the error's message. */
async function tryConnect(url: string): Promise<ChannelModel | string> {
  try {
    return await amqp.connect(url);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A round trip through the lab: declare, publish, get. */
async function roundTrip(connection: ChannelModel, queue: string): Promise<string | undefined> {
  const channel = await connection.createChannel();
  await channel.assertQueue(queue, { exclusive: true });
  channel.sendToQueue(queue, Buffer.from(`through ${queue}`));
  for (let attempt = 0; attempt < 50; attempt++) {
    const message = await channel.get(queue, { noAck: true });
    if (message !== false) return message.content.toString();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

describe.runIf(networkAddress !== undefined)('guest from afar', () => {
  it('is refused at a non-loopback address with RabbitMQ words, the reason in the log, and nothing reaches the broker', async () => {
    const before = target.embedded?.framesHandled() ?? 0;
    const result = await tryConnect(`amqp://guest:guest@${networkAddress ?? ''}:${port()}`);
    expect(typeof result).toBe('string');
    expect(result).toContain(LOGIN_REFUSED);
    const close = toClient('connection.close').at(-1);
    expect(close?.fields).toMatchObject({ replyCode: 403, replyText: LOGIN_REFUSED, classId: 0, methodId: 0 });
    const refusedAt = logged.findIndex((line) =>
      /^\[lab\] PLAIN login refused: user 'guest' can only connect via localhost \(from [\d.]+:\d+ to [\d.]+\)$/.test(line),
    );
    expect(refusedAt).toBeGreaterThanOrEqual(0);
    expect(logged[refusedAt + 1]).toBe('[lab] For programs elsewhere, start with a user of their own.');
    // The broker handled no frame of this connection: the start-ok never went past the lab.
    expect((target.embedded?.framesHandled() ?? 0) - before).toBe(0);
  });

  it('lets a user of ones own in from there', async () => {
    target.embedded?.users.addUser('alice', 'wonderland');
    target.embedded?.users.setPermissions({ user: 'alice', vhost: '/', configure: '.*', write: '.*', read: '.*' });
    const connection = await amqp.connect(`amqp://alice:wonderland@${networkAddress ?? ''}:${port()}`);
    expect(await roundTrip(connection, 'lab-safety-alice')).toBe('through lab-safety-alice');
    await connection.close();
  });

  it('lets guest in through loopback', async () => {
    const connection = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port()}`);
    expect(await roundTrip(connection, 'lab-safety-guest')).toBe('through lab-safety-guest');
    await connection.close();
  });
});

describe('lesson runs vhosts', () => {
  it('are refused to programs of ones own as RabbitMQ refuses a vhost, even one guest may use on the broker', async () => {
    target.embedded?.addVhost('warren-lab-safety-run');
    const result = await tryConnect(`amqp://guest:guest@127.0.0.1:${port()}/warren-lab-safety-run`);
    const text = "NOT_ALLOWED - access to vhost 'warren-lab-safety-run' refused for user 'guest'";
    // amqplib does not show the text of a close answering connection.open (on RabbitMQ neither); the trace does.
    expect(result).toBe('Expected ConnectionOpenOk; got <ConnectionClose channel:0>');
    expect(toClient('connection.close').at(-1)?.fields).toMatchObject({ replyCode: 530, replyText: text, classId: 10, methodId: 40 });
    expect(logged).toContainEqual(
      expect.stringContaining(
        "[lab] access to vhost 'warren-lab-safety-run' refused for user 'guest': lesson runs' vhosts are not open to programs of your own",
      ),
    );
    target.embedded?.deleteVhost('warren-lab-safety-run');
  });
});

/** What a broker's connection.close says, for comparing two brokers. */
const said = (close: RawClose | null) =>
  close === null ? null : { code: close.code, replyText: close.replyText, classId: close.classId, methodId: close.methodId };

describe.runIf(networkAddress !== undefined && missingRabbit === null)('on the wire, as RabbitMQ', () => {
  it('a refused login reads as RabbitMQ refusing one (there, a wrong password: RabbitMQ listens on loopback only)', async () => {
    const fromLab = await RawAmqpClient.connect(networkAddress ?? '', port());
    const labClose = await fromLab.login({ username: 'guest', password: 'guest' });
    const fromRabbit = await RawAmqpClient.connect('127.0.0.1', 5672);
    const rabbitClose = await fromRabbit.login({ username: 'guest', password: `not-${randomBytes(4).toString('hex')}` });
    expect(said(labClose)).toEqual({ code: 403, replyText: LOGIN_REFUSED, classId: 0, methodId: 0 });
    expect(said(labClose)).toEqual(said(rabbitClose));
    fromLab.end();
    fromRabbit.end();
  });

  it('a client that does not announce authentication_failure_close hears nothing: the socket closes, as on RabbitMQ', async () => {
    const silentRefusal = async (host: string, brokerPort: number, password: string) => {
      const client = await RawAmqpClient.connect(host, brokerPort);
      await client.start();
      client.startOk('PLAIN', Buffer.from(`\0guest\0${password}`), { authentication_failure_close: false });
      const next = await client.nextFrame(6000);
      client.end();
      return next;
    };
    const [fromLab, fromRabbit] = await Promise.all([
      silentRefusal(networkAddress ?? '', port(), 'guest'),
      silentRefusal('127.0.0.1', 5672, `not-${randomBytes(4).toString('hex')}`),
    ]);
    expect(fromLab).toBeNull();
    expect(fromRabbit).toBeNull();
  }, 15_000);

  it('a run vhost is refused as RabbitMQ refuses a vhost the user has no access to', async () => {
    target.embedded?.addVhost('warren-lab-safety-wire');
    const api = managementApiFor(RABBIT_URL);
    const vhost = `lab-safety-${randomBytes(4).toString('hex')}`;
    await api.createVhost(vhost);
    // The management API gives whoever creates a vhost every permission in it: taken back, so guest has none.
    const permissions = await fetch(`http://127.0.0.1:15672/api/permissions/${encodeURIComponent(vhost)}/guest`, {
      method: 'DELETE',
      headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
    });
    expect(permissions.ok).toBe(true);
    try {
      const fromLab = await RawAmqpClient.connect('127.0.0.1', port());
      const labClose = await fromLab.handshake({ username: 'guest', password: 'guest', vhost: 'warren-lab-safety-wire' });
      const fromRabbit = await RawAmqpClient.connect('127.0.0.1', 5672);
      const rabbitClose = await fromRabbit.handshake({ username: 'guest', password: 'guest', vhost });
      expect(said(rabbitClose)).toEqual({
        code: 530,
        replyText: `NOT_ALLOWED - access to vhost '${vhost}' refused for user 'guest'`,
        classId: 10,
        methodId: 40,
      });
      expect(said(labClose)).toEqual({
        ...said(rabbitClose),
        replyText: "NOT_ALLOWED - access to vhost 'warren-lab-safety-wire' refused for user 'guest'",
      });
      // After the client's close-ok, the lab ends the socket, as RabbitMQ does.
      expect(await fromLab.socketEnd(5000)).not.toBe('open');
      fromLab.end();
      fromRabbit.end();
    } finally {
      await api.deleteVhost(vhost);
      target.embedded?.deleteVhost('warren-lab-safety-wire');
    }
  });
});

/** Writes `chunks` to the lab's port, then waits up to `waitMs` for the lab to close the socket; true if it did. */
async function sendRaw(chunks: Buffer[], options: { waitMs: number; endAfter?: boolean }): Promise<boolean> {
  const socket: Socket = connectSocket({ host: '127.0.0.1', port: port() });
  socket.on('error', () => {});
  socket.on('data', () => {});
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  for (const chunk of chunks) socket.write(chunk);
  if (options.endAfter === true) socket.end();
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), options.waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  socket.destroy();
  return closed;
}

describe('foreign clients', () => {
  const header = Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');

  it('harm neither the workbook nor a connection already open', async () => {
    const survivor = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port()}`);
    const survivorChannel = await survivor.createChannel();
    await survivorChannel.assertQueue('lab-safety-survivor', { exclusive: true });

    // Garbage and a wrong protocol header: the broker answers and closes.
    expect(await sendRaw([Buffer.from('hello broker, are you there?\r\n\r\n')], { waitMs: 8000 })).toBe(true);
    expect(await sendRaw([Buffer.from('AMQP\x01\x01\x00\x0a', 'latin1')], { waitMs: 8000 })).toBe(true);
    expect(await sendRaw([Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')], { waitMs: 8000 })).toBe(true);
    // A frame that claims 2 GB and sends 6 MB of it: passed on unread (not gathered in the workbook), refused by the broker.
    const huge = Buffer.from([1, 0, 0, 0x7f, 0xff, 0xff, 0xff]);
    expect(await sendRaw([header, huge, Buffer.alloc(6 * 1024 * 1024, 0x41)], { waitMs: 8000 })).toBe(true);
    // Gone mid-handshake: after the header, and halfway through a frame.
    await sendRaw([header], { waitMs: 100, endAfter: true });
    await sendRaw([header, Buffer.from([1, 0, 0, 0, 0, 1, 0, 0, 10])], { waitMs: 100, endAfter: true });
    // A start-ok that does not decode.
    expect(await sendRaw([header, Buffer.from([1, 0, 0, 0, 0, 0, 4, 0, 10, 0, 11, 0xce])], { waitMs: 8000 })).toBe(true);

    expect(await roundTrip(survivor, 'lab-safety-survivor-2')).toBe('through lab-safety-survivor-2');
    await survivorChannel.checkQueue('lab-safety-survivor');
    await survivor.close();
    const newcomer = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port()}`);
    expect(await roundTrip(newcomer, 'lab-safety-newcomer')).toBe('through lab-safety-newcomer');
    await newcomer.close();
  }, 60_000);
});
