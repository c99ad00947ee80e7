// The memory alarm: with the memory high watermark at 0, a connection that
// publishes is blocked right after its content header (told with
// connection.blocked "low on memory" if it asked to be told, blocked all the
// same if not), a connection that does not publish goes on, and when the
// watermark is put back the blocked connections are unblocked and their
// held publishes arrive.
//
// On RabbitMQ this blocks every publisher on the node for the seconds the
// case runs; it clears the alarm as soon as it has seen the block.
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { bodiesOf, consumeInto, eventually } from './observe.js';
import { Args, FrameType, basicPublish, contentHeader, frame, methodFrame } from './raw-amqp.js';

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
});
