// The memory alarm on both brokers: with the memory limit set below what
// the broker uses (on RabbitMQ `rabbitmqctl set_vm_memory_high_watermark
// absolute <bytes>`), a connection that publishes is blocked right after its
// content header (told with connection.blocked "low on memory" if it asked
// to be told, blocked all the same if not), a connection that does not
// publish goes on, the broker's heartbeats go on while the client's are not
// read, and when the limit is put back the blocked connections are
// unblocked and their held publishes arrive.
//
// On RabbitMQ the alarm blocks every publisher on the node, other tests'
// too, so these cases run alone, last; each puts the watermark back even
// when it fails.
import { expect, test } from 'vitest';
import { describeBothBrokers } from '../conformance/brokers.js';
import { bodiesOf, consumeInto, eventually } from '../conformance/observe.js';
import { Args, FrameType, basicPublish, contentHeader, frame, methodFrame, type RawAmqpClient } from '../conformance/raw-amqp.js';

/** basic.publish of a short message to a queue through the default exchange: method, header and body frames. */
function publishFrames(queue: string, body: string): Buffer {
  return Buffer.concat([basicPublish(1, '', queue), contentHeader(1, body.length), frame(FrameType.body, 1, Buffer.from(body))]);
}

/** A passive queue.declare on channel 1: answered with declare-ok only once everything sent before it was read. */
function passiveDeclare(queue: string): Buffer {
  return methodFrame(1, 50, 10, new Args().short(0).shortstr(queue).octet(1).emptyTable());
}

/** What the client hears next, by name: a heartbeat, a method as class.method, or 'closed'. */
async function nextHeard(client: RawAmqpClient, ms: number): Promise<string | null> {
  const next = await client.nextFrame(ms).catch(() => undefined);
  if (next === undefined) return null;
  if (next === null) return 'closed';
  if (next.type === FrameType.heartbeat) return 'heartbeat';
  return next.type === FrameType.method ? `${next.payload.readUInt16BE(0)}.${next.payload.readUInt16BE(2)}` : `frame ${next.type}`;
}

/** Everything the client hears during `ms`. */
async function heardDuring(client: RawAmqpClient, ms: number): Promise<string[]> {
  const heard: string[] = [];
  const deadline = Date.now() + ms;
  for (let left = ms; left > 0; left = deadline - Date.now()) {
    const next = await nextHeard(client, left);
    if (next === null) break;
    heard.push(next);
    if (next === 'closed') break;
  }
  return heard;
}

const BLOCKED = '10.60';
const UNBLOCKED = '10.61';
const DECLARE_OK = '50.11';

describeBothBrokers('memory alarm', (broker) => {
  test('publishers are blocked with "low on memory" and not read until it clears; a connection that does not publish goes on', async ({
    skip,
  }) => {
    const queue = await broker.queue('held-publishes');
    const observer = await broker.channel();

    const told = await broker.connect(); // amqplib announces the connection.blocked capability
    const toldChannel = await told.createChannel();
    const notices: string[] = [];
    told.on('blocked', (reason: string) => notices.push(`blocked: ${reason}`));
    told.on('unblocked', () => notices.push('unblocked'));

    const untold = await broker.raw(); // announces no connection.blocked capability
    expect(await untold.handshake(broker.credentials())).toBeNull();
    await untold.openChannel(1);

    const clear = await broker.raiseMemoryAlarm();
    if (clear === null) return skip();
    let cleared = false;
    try {
      toldChannel.sendToQueue(queue, Buffer.from('told'));
      untold.send(basicPublish(1, '', queue));
      untold.send(contentHeader(1, 'untold'.length));
      untold.send(frame(FrameType.body, 1, Buffer.from('untold')));
      untold.send(methodFrame(1, 50, 10, new Args().short(0).shortstr(queue).octet(1).emptyTable()));
      // What the untold client hears first, and whether the alarm had been cleared by then.
      const untoldAnswer = untold.nextMethod(15_000).then((method) => ({ method, afterClearing: cleared }));

      await eventually('the publisher is blocked', async () => notices.length > 0, 10_000);
      expect(notices).toEqual(['blocked: low on memory']);
      // The observer's connection has not published: it is answered. Neither publish has reached the queue.
      expect((await observer.checkQueue(queue)).messageCount).toBe(0);

      cleared = true;
      await clear();
      await eventually('the publisher is unblocked', async () => notices.length > 1, 10_000);
      expect(notices).toEqual(['blocked: low on memory', 'unblocked']);

      // The untold client was blocked too (its declare was answered only after the alarm cleared), and never told.
      const { method, afterClearing } = await untoldAnswer;
      expect(method && [method.classId, method.methodId]).toEqual([50, 11]);
      expect(afterClearing).toBe(true);

      const inbox = await consumeInto(observer, queue, { noAck: true });
      expect(bodiesOf(await inbox.atLeast(2, 5000)).sort()).toEqual(['told', 'untold']);
    } finally {
      await clear();
    }
  });

  test('a connection is blocked at its next publish, not when the alarm goes off: until then it is answered and told nothing', async ({
    skip,
  }) => {
    const queue = await broker.queue('blocked-at-next-publish');
    const publisher = await broker.raw();
    expect(await publisher.handshake(broker.credentials(), {}, { 'connection.blocked': true })).toBeNull();
    await publisher.openChannel(1);
    publisher.send(publishFrames(queue, 'before the alarm'));
    publisher.send(passiveDeclare(queue));
    expect(await nextHeard(publisher, 5000)).toBe(DECLARE_OK);

    const clear = await broker.raiseMemoryAlarm();
    if (clear === null) return skip();
    try {
      publisher.send(passiveDeclare(queue));
      expect(await nextHeard(publisher, 5000)).toBe(DECLARE_OK);
      publisher.send(publishFrames(queue, 'during the alarm'));
      publisher.send(passiveDeclare(queue));
      expect(await nextHeard(publisher, 5000)).toBe(BLOCKED);
      // Blocked: the declare sent after the publish waits unread.
      expect(await heardDuring(publisher, 1000)).toEqual([]);
      await clear();
      expect(await heardDuring(publisher, 3000)).toEqual([UNBLOCKED, DECLARE_OK]);
    } finally {
      await clear();
    }
  });

  test("while blocked, the broker goes on sending heartbeats and does not count the client's as missing; once unblocked, it does", async ({
    skip,
  }) => {
    const queue = await broker.queue('heartbeats-while-blocked');
    const clear = await broker.raiseMemoryAlarm();
    if (clear === null) return skip();
    try {
      // A one-second heartbeat, and a client that never sends one: unblocked, it would be dropped within three seconds.
      const publisher = await broker.raw();
      expect(await publisher.handshake(broker.credentials(), { heartbeat: 1 }, { 'connection.blocked': true })).toBeNull();
      await publisher.openChannel(1);
      publisher.send(publishFrames(queue, 'held'));
      expect(await nextHeard(publisher, 5000)).toBe(BLOCKED);

      const whileBlocked = await heardDuring(publisher, 4500);
      expect(whileBlocked.filter((heard) => heard === 'heartbeat').length).toBeGreaterThanOrEqual(3);
      expect(whileBlocked.filter((heard) => heard !== 'heartbeat')).toEqual([]);

      await clear();
      const afterwards = await heardDuring(publisher, 6000);
      expect(afterwards.filter((heard) => heard !== 'heartbeat')).toEqual([UNBLOCKED, 'closed']);
    } finally {
      await clear();
    }
  });
});
