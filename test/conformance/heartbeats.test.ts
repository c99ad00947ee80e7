// Heartbeats as RabbitMQ keeps them: it checks what the client sent once an
// interval and drops a client after two checks in a row that saw nothing,
// so a silent client goes between two and three intervals after its last
// bytes (three, when it falls silent right after connection.open), with a
// TCP reset. It sends a heartbeat every half interval in which it sent
// nothing else. The intervals are short (1-2 s), and the bounds leave room
// for a busy machine while still telling three intervals from two and a half.
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import type { BrokerUnderTest } from './brokers.js';
import { FrameType, frame, passiveExchangeDeclare } from './raw-amqp.js';
import type { RawAmqpClient } from './raw-amqp.js';

/** A raw client past the handshake, with heartbeats every `seconds` and channel 1 open. */
async function heartbeatingClient(broker: BrokerUnderTest, seconds: number): Promise<RawAmqpClient> {
  const client = await broker.raw();
  const refused = await client.handshake(broker.credentials(), { heartbeat: seconds });
  if (refused !== null) throw new Error(`handshake refused: ${refused.code} ${refused.replyText}`);
  await client.openChannel(1);
  return client;
}

/** The types of the frames the broker sends until it ends the socket (or `ms` pass). */
async function framesUntilEnd(client: RawAmqpClient, ms: number): Promise<number[]> {
  const types: number[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const next = await client.nextFrame(Math.max(1, deadline - Date.now())).catch(() => null);
    if (next === null) return types;
    types.push(next.type);
  }
}

/** Sends what `send` builds every `everyMs` until the returned function is called. */
function keepSending(client: RawAmqpClient, everyMs: number, send: () => Buffer): () => void {
  const timer = setInterval(() => client.send(send()), everyMs);
  return () => clearInterval(timer);
}

const HEARTBEAT_FRAME = frame(FrameType.heartbeat, 0, Buffer.alloc(0));

describeBothBrokers('heartbeats', (broker) => {
  test('a client that falls silent after opening is reset three intervals later, having heard a heartbeat every half interval', async () => {
    const interval = 2000;
    const client = await heartbeatingClient(broker, interval / 1000);
    const silentSince = Date.now();
    const frames = await framesUntilEnd(client, 5 * interval);
    expect(await client.socketEnd(0)).toBe('reset');
    const silentFor = client.endedAt - silentSince;
    expect(silentFor).toBeGreaterThanOrEqual(2.75 * interval);
    expect(silentFor).toBeLessThan(3.75 * interval);
    // Heartbeats at 0.5, 1, 1.5, 2 and 2.5 intervals; on a busy machine one more may slip in before the reset.
    const heartbeats = frames.filter((type) => type === FrameType.heartbeat).length;
    expect(heartbeats).toBeGreaterThanOrEqual(5);
    expect(heartbeats).toBeLessThanOrEqual(6);
    expect(frames.every((type) => type === FrameType.heartbeat)).toBe(true);
  }, 20_000);

  test('a client that keeps sending heartbeats stays connected', async () => {
    const client = await heartbeatingClient(broker, 1);
    const stop = keepSending(client, 400, () => HEARTBEAT_FRAME);
    try {
      expect(await client.socketEnd(3500)).toBe('open');
    } finally {
      stop();
    }
  }, 20_000);

  test('while it has other frames to send, the broker sends no heartbeats (only the first look sends one regardless)', async () => {
    const client = await heartbeatingClient(broker, 1);
    const stopHeartbeats = keepSending(client, 400, () => HEARTBEAT_FRAME);
    // Each passive declare is answered, so the broker sends something every 100 ms.
    const stopDeclares = keepSending(client, 100, () => passiveExchangeDeclare(1, 'amq.direct'));
    try {
      const frames = await framesUntilEnd(client, 2500);
      expect(frames.filter((type) => type === FrameType.method).length).toBeGreaterThan(5);
      // A heartbeat every half interval would be 5; one more than the first allows for a stall of the machine.
      expect(frames.filter((type) => type === FrameType.heartbeat).length).toBeLessThanOrEqual(2);
    } finally {
      stopHeartbeats();
      stopDeclares();
    }
  }, 20_000);
});
