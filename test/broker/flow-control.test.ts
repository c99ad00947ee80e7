// Flow control in the embedded broker: a flood of publishes into a queue
// nobody consumes is stopped at the memory limit (the publisher is blocked
// and its socket left unread) while a consumer drains the queue; a consumer
// that does not read its socket is not sent more than a bounded backlog; a
// content header announcing a huge body reserves nothing.
import amqp from 'amqplib';
import { afterEach, describe, expect, test } from 'vitest';
import { startBroker, type EmbeddedBroker, type MemoryUse } from '../../server/broker/index.js';
import { Args, FrameType, RawAmqpClient, basicPublish, contentHeader, frame, methodFrame } from '../conformance/raw-amqp.js';

const MiB = 1024 * 1024;
const BODY_SIZE = 4096;
const credentials = { username: 'guest', password: 'guest', vhost: '/' };

const brokers: EmbeddedBroker[] = [];
const clients: RawAmqpClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.end();
  for (const broker of brokers.splice(0)) await broker.close();
});

async function brokerWithLimit(memoryLimit?: number): Promise<EmbeddedBroker> {
  const broker = await startBroker({ port: 0, memoryLimit });
  brokers.push(broker);
  return broker;
}

async function rawClient(broker: EmbeddedBroker, capabilities: Record<string, boolean> = {}): Promise<RawAmqpClient> {
  const client = await RawAmqpClient.connect(broker.host, broker.port);
  clients.push(client);
  const refused = await client.handshake(credentials, {}, capabilities);
  if (refused !== null) throw new Error(`login refused: ${refused.replyText}`);
  await client.openChannel(1);
  return client;
}

/** basic.publish of one 4 KiB message to a queue through the default exchange: method, header and body frames. */
function publishFrames(queue: string): Buffer {
  return Buffer.concat([basicPublish(1, '', queue), contentHeader(1, BODY_SIZE), frame(FrameType.body, 1, Buffer.alloc(BODY_SIZE, 0x2a))]);
}

/** A passive queue.declare on channel 1: answered with declare-ok only once everything sent before it was read. */
function passiveDeclare(queue: string): Buffer {
  return methodFrame(1, 50, 10, new Args().short(0).shortstr(queue).octet(1).emptyTable());
}

function readyMessages(broker: EmbeddedBroker, queue: string): number {
  const found = broker.snapshot().queues.find((q) => q.name === queue);
  if (found === undefined) throw new Error(`no queue ${queue}`);
  return found.messagesReady;
}

/** Round trips on another connection: the broker's event loop turns over many times meanwhile. */
async function roundTrips(channel: amqp.Channel, queue: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await channel.checkQueue(queue);
}

describe('a publisher flooding a queue nobody consumes', () => {
  test('is blocked at the memory limit and not read, while a consumer drains the queue; then it is unblocked and goes on', async () => {
    const limit = 4 * MiB;
    const broker = await brokerWithLimit(limit);
    const alarmsSet: MemoryUse[] = [];
    broker.events.on('memory-alarm', (use) => {
      if (use.alarmed) alarmsSet.push(use);
    });
    const admin = await amqp.connect(broker.url);
    const channel = await admin.createChannel();
    await channel.assertQueue('flood');

    const publisher = await rawClient(broker, { 'connection.blocked': true });
    const total = 16 * 1024; // 64 MiB of 4 KiB messages, sixteen times the limit
    const onePublish = publishFrames('flood');
    for (let i = 0; i < total; i++) publisher.send(onePublish);

    const blocked = await publisher.nextMethod(10_000);
    expect(blocked && [blocked.classId, blocked.methodId, blocked.args.subarray(1).toString()]).toEqual([10, 60, 'low on memory']);
    // The alarm went off within one check of the limit: the broker holds no more than the limit and a little.
    expect(alarmsSet.length).toBe(1);
    expect(alarmsSet[0]?.used).toBeLessThan(limit + 512 * 1024);
    const readyWhenBlocked = readyMessages(broker, 'flood');
    expect(readyWhenBlocked * BODY_SIZE).toBeLessThan(limit);

    // Blocked means not read: once the socket buffers between the two are full, what the
    // publisher wrote stays on its side, and no more publishes arrive.
    await roundTrips(channel, 'flood', 20);
    const unsent = publisher.unsentBytes;
    expect(unsent).toBeGreaterThan(32 * MiB);
    await roundTrips(channel, 'flood', 20);
    expect(publisher.unsentBytes).toBe(unsent);
    expect(readyMessages(broker, 'flood')).toBe(readyWhenBlocked);
    expect(broker.memory().alarmed).toBe(true);

    // A consumer still receives while the publisher is blocked; as the queue drains, the publisher goes on.
    let received = 0;
    const allReceived = new Promise<void>((resolve) => {
      void channel.consume(
        'flood',
        () => {
          received++;
          if (received === total) resolve();
        },
        { noAck: true },
      );
    });
    await allReceived;
    publisher.send(passiveDeclare('flood'));
    const notices: string[] = ['blocked'];
    for (;;) {
      const method = await publisher.nextMethod(10_000);
      if (method === null) throw new Error('the broker closed the publisher');
      if (method.classId === 50 && method.methodId === 11) break;
      notices.push(method.methodId === 60 ? 'blocked' : method.methodId === 61 ? 'unblocked' : `${method.classId}.${method.methodId}`);
    }
    // Blocked and unblocked alternate, and every block was lifted before the declare was read.
    expect(notices.length % 2).toBe(0);
    expect(notices).toEqual(notices.map((_, i) => (i % 2 === 0 ? 'blocked' : 'unblocked')));
    for (const use of alarmsSet) expect(use.used).toBeLessThan(limit + 512 * 1024);
    expect(broker.memory()).toMatchObject({ alarmed: false, limit });
    await admin.close();
  });

  test('a connection that has not published is not blocked by the alarm, and is blocked at its first publish', async () => {
    const broker = await brokerWithLimit();
    const publisher = await rawClient(broker, { 'connection.blocked': true });
    const admin = await amqp.connect(broker.url);
    const channel = await admin.createChannel();
    await channel.assertQueue('late');
    broker.setMemoryLimit(0);
    expect(broker.memory().alarmed).toBe(true);

    publisher.send(passiveDeclare('late'));
    const declareOk = await publisher.nextMethod();
    expect(declareOk && [declareOk.classId, declareOk.methodId]).toEqual([50, 11]);

    publisher.send(publishFrames('late'));
    publisher.send(passiveDeclare('late'));
    const blocked = await publisher.nextMethod();
    expect(blocked && [blocked.classId, blocked.methodId]).toEqual([10, 60]);
    // The header was read, the body was not: the message is not in the queue yet.
    await roundTrips(channel, 'late', 10);
    expect(readyMessages(broker, 'late')).toBe(0);

    broker.setMemoryLimit(512 * MiB);
    const unblocked = await publisher.nextMethod();
    expect(unblocked && [unblocked.classId, unblocked.methodId]).toEqual([10, 61]);
    const afterwards = await publisher.nextMethod();
    expect(afterwards && [afterwards.classId, afterwards.methodId]).toEqual([50, 11]);
    expect(readyMessages(broker, 'late')).toBe(1);
    await admin.close();
  });

  test('a client that did not ask to be told is blocked all the same, without connection.blocked', async () => {
    const broker = await brokerWithLimit(0);
    const publisher = await rawClient(broker);
    const admin = await amqp.connect(broker.url);
    const channel = await admin.createChannel();
    await channel.assertQueue('untold');

    publisher.send(publishFrames('untold'));
    publisher.send(passiveDeclare('untold'));
    await roundTrips(channel, 'untold', 10);
    expect(readyMessages(broker, 'untold')).toBe(0);

    broker.setMemoryLimit(512 * MiB);
    const first = await publisher.nextMethod();
    expect(first && [first.classId, first.methodId]).toEqual([50, 11]);
    expect(readyMessages(broker, 'untold')).toBe(1);
    await admin.close();
  });
});

describe('a consumer that does not read its socket', () => {
  test('is sent a bounded backlog; the rest waits in the queue and follows once it reads again', async () => {
    const broker = await brokerWithLimit();
    const admin = await amqp.connect(broker.url);
    const channel = await admin.createChannel();
    await channel.assertQueue('slow');

    const consumer = await rawClient(broker);
    consumer.send(methodFrame(1, 60, 20, new Args().short(0).shortstr('slow').shortstr('slow-reader').octet(0b10).emptyTable()));
    const consumeOk = await consumer.nextMethod();
    expect(consumeOk && [consumeOk.classId, consumeOk.methodId]).toEqual([60, 21]);
    consumer.stopReading();

    const publisher = await rawClient(broker);
    const total = 8192; // 32 MiB of 4 KiB messages
    const onePublish = publishFrames('slow');
    for (let i = 0; i < total; i++) publisher.send(onePublish);
    publisher.send(passiveDeclare('slow'));
    const declareOk = await publisher.nextMethod(30_000);
    expect(declareOk && [declareOk.classId, declareOk.methodId]).toEqual([50, 11]);

    // Without a bound every message would have gone to the socket; most of them wait in the queue instead.
    const waiting = readyMessages(broker, 'slow');
    expect(waiting).toBeGreaterThan(total / 2);
    const use = broker.memory();
    expect(use.used).toBeLessThan(waiting * (BODY_SIZE + 200) + 4 * MiB);

    consumer.startReading();
    // Each delivery: basic.deliver (consumer tag, delivery tag, flags, exchange '', routing key), content header, body.
    const deliverFrame = 8 + 4 + 1 + 'slow-reader'.length + 8 + 1 + 1 + 1 + 'slow'.length;
    const headerFrame = 8 + 14;
    const bodyFrame = 8 + BODY_SIZE;
    await consumer.skip(total * (deliverFrame + headerFrame + bodyFrame), 30_000);
    expect(readyMessages(broker, 'slow')).toBe(0);
    await admin.close();
  });
});

describe('a content header announcing a huge body', () => {
  test('reserves no memory for it: memory grows only with the body frames that arrive', async () => {
    const broker = await brokerWithLimit();
    const client = await rawClient(broker);
    const before = process.memoryUsage().arrayBuffers;
    const announced = 120 * MiB; // just under RabbitMQ's largest message, 128 MiB
    client.send(
      Buffer.concat([basicPublish(1, '', 'nowhere'), contentHeader(1, announced), frame(FrameType.body, 1, Buffer.alloc(BODY_SIZE))]),
    );
    client.send(methodFrame(2, 20, 10, new Args().shortstr('')));
    const openOk = await client.nextMethod();
    expect(openOk && [openOk.channel, openOk.classId, openOk.methodId]).toEqual([2, 20, 11]);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * MiB);
    expect(broker.memory().used).toBeLessThan(2 * MiB);
  });
});
