// consumer_timeout, as cases any broker can be put through once it has a
// short one: the embedded broker started with it (test/broker/), and the
// local RabbitMQ with it set by rabbitmqctl for the cases' duration
// (test/restart/, as it changes the node for everyone). What RabbitMQ 3.10
// does: a delivery taken with manual acknowledgement, by a consumer or by
// basic.get, and left unacknowledged longer than the timeout closes its
// channel, and only that channel, with 406 PRECONDITION_FAILED in RabbitMQ's
// words; the message goes back to its queue, redelivered. No-ack deliveries
// and deliveries acknowledged in time never time out, and the clock starts
// at the delivery, not at the channel's opening. Each channel checks once a
// tick, so cases wait up to the timeout plus two ticks; until the client
// answers the close with close-ok, each tick sends it again.
import amqp from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';
import { afterAll, expect, test } from 'vitest';
import { RawAmqpClient, basicGet, methodFrame } from './raw-amqp.js';

/** A broker with a short consumer_timeout, checked often. */
export interface ConsumerTimeoutLeg {
  readonly kind: 'embedded' | 'rabbitmq';
  /** amqp URL of the vhost the cases declare their queues in. */
  readonly url: string;
  readonly timeoutMs: number;
  /** How often channels check (channel_tick_interval). */
  readonly checkMs: number;
}

/** How a channel ended: the broker's close, or still open. */
interface Ending {
  code?: number;
  message?: string;
}

let counter = 0;

/** Declares the same cases for `leg()` (called inside the tests, once the leg runs). */
export function consumerTimeoutCases(leg: () => ConsumerTimeoutLeg): void {
  const connections: ChannelModel[] = [];
  const queues: string[] = [];

  afterAll(async () => {
    if (queues.length > 0) {
      const cleaner = await amqp.connect(leg().url);
      const channel = await cleaner.createChannel();
      for (const queue of queues) await channel.deleteQueue(queue);
      await cleaner.close();
    }
    for (const connection of connections) await connection.close().catch(() => {});
  });

  /** A connection of the case's own, closed after the cases. */
  async function connect(): Promise<ChannelModel> {
    const connection = await amqp.connect(leg().url);
    connection.on('error', () => {});
    connections.push(connection);
    return connection;
  }

  /** A channel whose close by the broker is recorded in `ending`. */
  async function channelOn(connection: ChannelModel): Promise<{ channel: Channel; ending: Ending }> {
    const channel = await connection.createChannel();
    const ending: Ending = {};
    channel.on('error', (error: Error & { code?: number }) => {
      ending.code = error.code;
      ending.message = error.message;
    });
    return { channel, ending };
  }

  /** A queue of the case's own holding `count` messages, deleted after the cases. */
  async function queueWith(count: number): Promise<string> {
    counter += 1;
    const name = `consumer-timeout-${String(process.pid)}-${String(Date.now())}-${String(counter)}`;
    const connection = await connect();
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(name, { durable: false });
    queues.push(name);
    for (let index = 1; index <= count; index++) channel.sendToQueue(name, Buffer.from(`task ${String(index)}`));
    await channel.waitForConfirms();
    await channel.close();
    return name;
  }

  /** Long enough for any delivery older than the timeout to be seen at a tick. */
  const longerThanTimeout = (): number => leg().timeoutMs + 2 * leg().checkMs + 500;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Resolves once the channel was closed by the broker, or after `ms`. */
  async function closedWithin(ending: Ending, ms: number): Promise<Ending> {
    const deadline = Date.now() + ms;
    while (ending.code === undefined && Date.now() < deadline) await sleep(20);
    return ending;
  }

  const closeText = (channelNumber: number): string =>
    `PRECONDITION_FAILED - delivery acknowledgement on channel ${String(channelNumber)} timed out. Timeout value used: ${String(leg().timeoutMs)} ms. This timeout value can be configured, see consumers doc guide to learn more`;

  test('a consumer that never acknowledges has its channel, and only it, closed with 406; the message is back, redelivered', async () => {
    const queue = await queueWith(1);
    const connection = await connect();
    const bystander = await channelOn(connection);
    const worker = await channelOn(connection);
    const received: string[] = [];
    await worker.channel.consume(queue, (message) => {
      if (message !== null) received.push(message.content.toString());
    });
    const ending = await closedWithin(worker.ending, longerThanTimeout() + 5000);
    expect(received).toEqual(['task 1']);
    expect(ending.code).toBe(406);
    // amqplib numbers channels from 1: the bystander is 1, the worker 2.
    expect(ending.message).toBe(`Channel closed by server: 406 (PRECONDITION-FAILED) with message "${closeText(2)}"`);
    // The connection and its other channel go on; the task is back in the queue.
    const back = await bystander.channel.get(queue, { noAck: true });
    expect(back && { body: back.content.toString(), redelivered: back.fields.redelivered }).toEqual({ body: 'task 1', redelivered: true });
    expect(bystander.ending.code).toBeUndefined();
  }, 30_000);

  test('a delivery taken with basic.get and manual acknowledgement times out as well', async () => {
    const queue = await queueWith(1);
    const { channel, ending } = await channelOn(await connect());
    const taken = await channel.get(queue, { noAck: false });
    expect(taken && taken.content.toString()).toBe('task 1');
    expect((await closedWithin(ending, longerThanTimeout() + 5000)).message).toContain(closeText(1));
  }, 30_000);

  test('no-ack deliveries and deliveries acknowledged in time never time out; the clock starts at the delivery', async () => {
    const queue = await queueWith(2);
    const connection = await connect();
    const autoAck = await channelOn(connection);
    const first = await autoAck.channel.get(queue, { noAck: true });
    expect(first && first.content.toString()).toBe('task 1');
    // The second channel opens, then waits longer than the timeout before it takes a delivery it acknowledges soon.
    const manual = await channelOn(connection);
    await sleep(longerThanTimeout());
    const second = await manual.channel.get(queue, { noAck: false });
    expect(second && second.content.toString()).toBe('task 2');
    await sleep(Math.floor(leg().timeoutMs / 2));
    if (second) manual.channel.ack(second);
    await sleep(longerThanTimeout());
    // Both channels still answer.
    expect((await autoAck.channel.checkQueue(queue)).messageCount).toBe(0);
    expect((await manual.channel.checkQueue(queue)).messageCount).toBe(0);
    expect([autoAck.ending.code, manual.ending.code]).toEqual([undefined, undefined]);
  }, 30_000);

  test('a client that does not answer the close is sent it again at every check, until its close-ok', async () => {
    const queue = await queueWith(1);
    const url = new URL(leg().url);
    const raw = await RawAmqpClient.connect(url.hostname, Number(url.port || 5672));
    try {
      expect(
        await raw.handshake({ username: 'guest', password: 'guest', vhost: decodeURIComponent(url.pathname.slice(1)) || '/' }),
      ).toBeNull();
      await raw.openChannel(1);
      raw.send(basicGet(1, queue));
      expect((await raw.nextMessage())?.body.toString()).toBe('task 1');
      // The client reads the closes and does not answer them, for three more checks after the first.
      const closes: { channel: number; code: number; text: string }[] = [];
      const deadline = Date.now() + longerThanTimeout() + 3 * leg().checkMs;
      while (Date.now() < deadline) {
        // Nothing more before the deadline: nextMethod gives up, saying it timed out.
        const method = await raw.nextMethod(Math.max(1, deadline - Date.now())).catch(() => null);
        if (method?.classId === 20 && method.methodId === 40) {
          const text = method.args.subarray(3, 3 + method.args.readUInt8(2)).toString();
          closes.push({ channel: method.channel, code: method.args.readUInt16BE(0), text });
        }
      }
      expect(closes.length).toBeGreaterThanOrEqual(2);
      for (const close of closes) expect(close).toEqual({ channel: 1, code: 406, text: closeText(1) });
      // Answered, the channel is gone and nothing more comes: the connection goes on, with a new channel 1.
      raw.send(methodFrame(1, 20, 41));
      await raw.openChannel(1);
      await expect(raw.nextMethod(2 * leg().checkMs + 200)).rejects.toThrow(/^timed out/);
    } finally {
      raw.end();
    }
  }, 30_000);
}
