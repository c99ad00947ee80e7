// The tap between real amqplib clients and a real broker: what the trace
// shows of a publish and a consume, pausing and stepping, and what happens
// when the broker is unreachable or a client vanishes.
import { once } from 'node:events';
import { createServer } from 'node:net';
import amqp from 'amqplib';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { FrameEvent, FrameOf } from '../../server/protocol/trace.js';
import { startTap } from '../../server/tap/index.js';
import { createTraceRecorder } from '../../server/trace/recorder.js';
import { describeBothBrokers } from '../conformance/brokers.js';
import { tapBroker, type Tapped } from './tapped.js';
import { present } from '../support/present.js';

describeBothBrokers('tap', (broker) => {
  let tapped: Tapped;
  beforeEach(async () => {
    tapped = await tapBroker(broker);
  });
  afterEach(async () => {
    await tapped.close();
  });

  test("a publish and a consume appear as frames under the actors' names, with properties and body", async () => {
    const queue = broker.name('hello');
    broker.forgetQueueAfter(queue);
    const producer = await (await tapped.connect('producer')).createChannel();
    const consumer = await (await tapped.connect('consumer')).createChannel();
    await consumer.assertQueue(queue, { durable: false });
    const received = new Promise<string>((resolve) => {
      void consumer.consume(queue, (message) => {
        consumer.ack(present(message));
        resolve(present(message).content.toString());
      });
    });
    producer.sendToQueue(queue, Buffer.from('Hello World!'), {
      contentType: 'text/plain',
      correlationId: 'c-1',
      priority: 3,
      headers: { attempt: 1, raw: Buffer.from([1, 2, 3]) },
    });
    expect(await received).toBe('Hello World!');
    await tapped.waitFor('the ack', (e) => e.kind === 'frame' && e.method === 'basic.ack');

    // Each connection starts with a protocol header, named by its number until connection.start-ok names it.
    const headers = tapped.frames('protocol-header');
    expect(headers).toHaveLength(2);
    expect(headers[0]).toMatchObject({ actor: 'connection 1', direction: 'to-broker', fields: { protocol: 'AMQP', version: '0-9-1' } });
    const startOk = tapped.frames('connection.start-ok');
    expect(startOk.map((e) => e.actor).sort()).toEqual(['consumer', 'producer']);
    expect(startOk[0]?.fields.response).toBe('(hidden: the password of user "guest")');
    expect(tapped.frames('heartbeat')).toEqual([]);

    const [publish] = tapped.frames('basic.publish');
    expect(publish).toMatchObject({
      actor: 'producer',
      direction: 'to-broker',
      channel: 1,
      fields: { exchange: '', routingKey: queue, mandatory: false },
      message: {
        properties: { contentType: 'text/plain', correlationId: 'c-1', priority: 3, headers: { attempt: 1, raw: { base64: 'AQID' } } },
        bodySize: 12,
        bodyPreview: 'Hello World!',
      },
    });
    const [deliver] = tapped.frames('basic.deliver');
    expect(deliver).toMatchObject({
      actor: 'consumer',
      direction: 'to-client',
      fields: { deliveryTag: 1, redelivered: false, routingKey: queue },
      message: { bodyPreview: 'Hello World!', properties: { correlationId: 'c-1' } },
    });
    expect(tapped.frames('basic.ack')[0]).toMatchObject({
      actor: 'consumer',
      direction: 'to-broker',
      fields: { deliveryTag: 1, multiple: false },
    });

    // seq counts up from 1 and time never goes back.
    tapped.events.forEach((event, i) => expect(event.seq).toBe(i + 1));
    for (let i = 1; i < tapped.events.length; i++)
      expect(tapped.events[i]?.time).toBeGreaterThanOrEqual(present(tapped.events[i - 1]).time);
  });

  test('a large binary body is previewed as its first 200 bytes, escaped, with a cut marker', async () => {
    const queue = broker.name('binary');
    broker.forgetQueueAfter(queue);
    const channel = await (await tapped.connect('producer')).createChannel();
    await channel.assertQueue(queue, { durable: false });
    const body = Buffer.alloc(300_000, 0x41);
    body[0] = 0;
    channel.sendToQueue(queue, body);
    const event = (await tapped.waitFor('the publish', (e) => e.kind === 'frame' && e.method === 'basic.publish')) as FrameEvent;
    expect(event.message?.bodySize).toBe(300_000);
    expect(event.message?.bodyPreview).toBe(`\\x00${'A'.repeat(199)}…`);
    // The message went through intact, in many body frames.
    const got = await channel.get(queue, { noAck: true });
    expect(got && got.content.equals(body)).toBe(true);
  });

  test('hold keeps frames back; step passes exactly one; release passes the rest in order', async () => {
    const queue = broker.name('stepped');
    broker.forgetQueueAfter(queue);
    const channel = await (await tapped.connect('producer')).createChannel();
    await channel.assertQueue(queue, { durable: false });
    tapped.tap.hold();
    for (const text of ['one', 'two', 'three']) channel.sendToQueue(queue, Buffer.from(text));
    await waitUntil(() => tapped.tap.waiting === 3);
    expect(tapped.frames('basic.publish')).toEqual([]);

    expect(tapped.tap.step()).toBe(true);
    expect(tapped.frames('basic.publish').map((e) => present(e.message).bodyPreview)).toEqual(['one']);
    expect(tapped.tap.waiting).toBe(2);

    tapped.tap.release();
    expect(tapped.frames('basic.publish').map((e) => present(e.message).bodyPreview)).toEqual(['one', 'two', 'three']);
    expect(tapped.tap.step()).toBe(false);
    // The broker got all three, in order.
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const got = await waitForMessage(() => channel.get(queue, { noAck: true }));
      bodies.push(got);
    }
    expect(bodies).toEqual(['one', 'two', 'three']);
  });

  test('stepping through a round trip: a request waits at the gate until stepped, then its reply does', async () => {
    const channel = await (await tapped.connect('producer')).createChannel();
    tapped.tap.hold();
    const declared = channel.assertQueue('', { exclusive: true });
    await waitUntil(() => tapped.tap.waiting === 1);
    expect(tapped.tap.step()).toBe(true);
    expect(tapped.frames('queue.declare')).toHaveLength(1);
    await waitUntil(() => tapped.tap.waiting === 1);
    expect(tapped.frames('queue.declare-ok')).toEqual([]);
    expect(tapped.tap.step()).toBe(true);
    const { queue } = await declared;
    expect(tapped.frames('queue.declare-ok')[0]?.fields.queue).toBe(queue);
    tapped.tap.release();
  });

  test('hold never keeps a connection from opening: its handshake passes at once, and channel.open is the first frame held', async () => {
    tapped.tap.hold();
    const connection = await tapped.connect('producer');
    expect(tapped.tap.waiting).toBe(0);
    expect(tapped.frames().map((e) => e.method)).toEqual([
      'protocol-header',
      'connection.start',
      'connection.start-ok',
      'connection.tune',
      'connection.tune-ok',
      'connection.open',
      'connection.open-ok',
    ]);

    const opening = connection.createChannel();
    await waitUntil(() => tapped.tap.waiting === 1);
    expect(tapped.frames('channel.open')).toEqual([]);
    expect(tapped.tap.step()).toBe(true);
    expect(tapped.frames().at(-1)).toMatchObject({ method: 'channel.open', direction: 'to-broker', channel: 1 });
    await waitUntil(() => tapped.tap.waiting === 1);
    expect(tapped.tap.step()).toBe(true);
    await opening;
    expect(tapped.frames().at(-1)?.method).toBe('channel.open-ok');
  });

  test('a client that vanishes without closing is reported as a lost connection', async () => {
    const connection = await tapped.connect('worker 1');
    await connection.createChannel();
    // amqplib keeps its socket on the connection object; destroying it is a crash as the broker sees one.
    (connection.connection as unknown as { stream: { destroy(): void } }).stream.destroy();
    const lost = await tapped.waitFor('the loss', (e) => e.kind === 'frame' && e.method === 'connection-lost');
    expect(lost).toMatchObject({ actor: 'worker 1', direction: 'to-broker', fields: { closedBy: 'client' } });
  });

  test('bytes that do not decode are reported and still passed on to the broker', async () => {
    const raw = await rawClientThrough(tapped);
    // channel.open on channel 1 before the handshake, with a class id nobody knows: the broker answers with a close.
    raw.write(Buffer.from([1, 0, 1, 0, 0, 0, 4, 0x99, 0x99, 0, 1, 0xce]));
    const undecodable = await tapped.waitFor('the undecodable frame', (e) => e.kind === 'frame' && e.method === 'undecodable');
    expect(undecodable).toMatchObject({ direction: 'to-broker', channel: 1 });
    expect((undecodable as FrameOf<'undecodable'>).fields.reason).toMatch(/unknown class id 39321/);
    // The broker saw the bytes: it reacts by closing the connection.
    await tapped.waitFor(
      'the broker closing',
      (e) => e.kind === 'frame' && e.direction === 'to-client' && (e.method === 'connection.close' || e.method === 'connection-lost'),
    );
    raw.destroy();
  });
});

test('when the broker is unreachable the client is refused and the trace says why', async () => {
  const closedPort = await freePort();
  const recorder = createTraceRecorder();
  const events: FrameEvent[] = [];
  recorder.subscribe((e) => events.push(e as FrameEvent));
  const tap = await startTap({ upstreamHost: '127.0.0.1', upstreamPort: closedPort, recorder });
  try {
    await expect(amqp.connect(`amqp://guest:guest@${tap.host}:${tap.port}`, { timeout: 3000 })).rejects.toThrow();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      method: 'broker-unreachable',
      fields: { host: '127.0.0.1', port: closedPort, code: 'ECONNREFUSED' },
    });
  } finally {
    await tap.close();
  }
});

/** A port nothing listens on (taken and released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A plain socket through the tap that has sent the protocol header. */
async function rawClientThrough(tapped: Tapped) {
  const { connect } = await import('node:net');
  const socket = connect({ host: tapped.tap.host, port: tapped.tap.port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
  return socket;
}

async function waitUntil(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Polls basic.get until a message comes; returns its body. */
async function waitForMessage(get: () => Promise<false | { content: Buffer }>): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const message = await get();
    if (message) return message.content.toString();
    if (Date.now() > deadline) throw new Error('no message arrived');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
