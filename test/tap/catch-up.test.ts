// A run looks at the broker right after its programs act: the tap's catch-up
// makes sure what they just sent (acks still in their sockets) has reached
// the broker and the trace before the look.
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';
import type { TraceEvent } from '../../server/protocol/trace.js';
import { socketsOf } from '../../server/tap/catch-up.js';
import { startTap, type Tap } from '../../server/tap/index.js';
import { createTraceRecorder } from '../../server/trace/recorder.js';

const MESSAGES = 50;
let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
});
afterAll(async () => {
  await broker.close();
});

test('acks sent a moment before are counted by the broker and in the trace once the tap has caught up', async () => {
  const events: TraceEvent[] = [];
  const recorder = createTraceRecorder();
  recorder.subscribe((event) => events.push(event));
  const tap: Tap = await startTap({ upstreamHost: broker.host, upstreamPort: broker.port, recorder });
  const connection = await amqp.connect(`amqp://guest:guest@${tap.host}:${tap.port}`);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue('catch-up', { exclusive: true });
    for (let n = 0; n < MESSAGES; n += 1) channel.sendToQueue('catch-up', Buffer.from(`task ${n}`));

    // Acknowledge every message the moment the last one arrives, and look at once: nothing has been sent yet.
    const looked = new Promise<{ unacked: number; acksInTrace: number }>((resolve, reject) => {
      const held: amqp.ConsumeMessage[] = [];
      void channel.consume('catch-up', (message) => {
        if (message === null) return;
        held.push(message);
        if (held.length < MESSAGES) return;
        for (const each of held) channel.ack(each);
        tap
          .catchUp(socketsOf([connection]), (port) => broker.bytesReadFrom(port))
          .then(() => {
            const queue = broker.snapshot('/').queues.find((found) => found.name === 'catch-up');
            const acksInTrace = events.filter((event) => event.kind === 'frame' && event.method === 'basic.ack').length;
            resolve({ unacked: queue?.messagesUnacknowledged ?? -1, acksInTrace });
          }, reject);
      });
    });
    expect(await looked).toEqual({ unacked: 0, acksInTrace: MESSAGES });
  } finally {
    await connection.close();
    await tap.close();
  }
});

test('frames the gate holds stay held: the broker is shown without them', async () => {
  const recorder = createTraceRecorder();
  const tap = await startTap({ upstreamHost: broker.host, upstreamPort: broker.port, recorder });
  const connection = await amqp.connect(`amqp://guest:guest@${tap.host}:${tap.port}`);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue('held', { exclusive: true });
    tap.hold();
    channel.sendToQueue('held', Buffer.from('waits for a step'));
    await tap.catchUp(socketsOf([connection]), (port) => broker.bytesReadFrom(port));
    expect(tap.waiting).toBe(1);
    expect(broker.snapshot('/').queues.find((queue) => queue.name === 'held')?.messagesReady).toBe(0);
    tap.release();
    await tap.catchUp(socketsOf([connection]), (port) => broker.bytesReadFrom(port));
    expect(broker.snapshot('/').queues.find((queue) => queue.name === 'held')?.messagesReady).toBe(1);
  } finally {
    await connection.close();
    await tap.close();
  }
});
