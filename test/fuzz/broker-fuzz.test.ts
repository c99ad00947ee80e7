import { connect as connectTcp, type Socket } from 'node:net';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';
import { channelFrames, handshake } from './oracle-frames.js';
import { mutateFrame } from './mutate.js';
import { seededRandom, type Random } from './random.js';

const FRAMES_TO_SEND = 100_000;
const FRAMES_PER_CONNECTION = 250;
const CONNECTIONS_AT_ONCE = 16;
const PROTOCOL_HEADER = Buffer.from('AMQP\u0000\u0000\u0009\u0001', 'latin1');

/** One fuzzing connection's bytes: a header (rarely broken), the handshake, then a mix of good and broken frames. */
function fuzzScript(random: Random, connectionNumber: number): { bytes: Buffer; frames: number } {
  const parts: Buffer[] = [];
  const header = random.next() < 0.03 ? mutateFrame(PROTOCOL_HEADER, random) : PROTOCOL_HEADER;
  parts.push(header);
  for (const frame of handshake()) parts.push(random.next() < 0.05 ? mutateFrame(frame, random) : frame);
  let frames = parts.length;
  const queue = `fuzz-${connectionNumber}`;
  const channels = [1, 2, 3].map((channel) => channelFrames(channel, queue));
  for (const channel of channels) parts.push(channel[0] as Buffer);
  frames += channels.length;
  while (frames < FRAMES_PER_CONNECTION) {
    const good = random.pick(random.pick(channels));
    // Mostly well-formed frames in a random order (soft errors keep the connection alive);
    // a broken one now and then ends it, as it should.
    parts.push(random.next() < 0.97 ? good : mutateFrame(good, random));
    frames++;
  }
  return { bytes: Buffer.concat(parts), frames };
}

/** Sends the bytes in random-sized pieces and waits until the broker closes the socket or goes quiet. */
function playScript(port: number, bytes: Buffer, random: Random): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connectTcp({ host: '127.0.0.1', port });
    let idle: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(idle);
      socket.destroy();
      resolve();
    };
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(finish, 300);
    };
    socket.on('data', armIdle);
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      let offset = 0;
      while (offset < bytes.length) {
        const size = 1 + random.below(4096);
        socket.write(bytes.subarray(offset, offset + size));
        offset += size;
      }
      armIdle();
    });
  });
}

/** A well-behaved client's round trip: declare, publish, consume, ack. */
async function roundTrip(url: string, label: string): Promise<string> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    channel.sendToQueue(queue, Buffer.from(label));
    const received = await new Promise<string>((resolve) => {
      void channel.consume(queue, (message) => {
        if (message === null) return;
        channel.ack(message);
        resolve(message.content.toString());
      });
    });
    return received;
  } finally {
    await connection.close();
  }
}

describe('the embedded broker under 100,000 random and mutated frames', () => {
  let broker: EmbeddedBroker;
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));

  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('keeps serving a well-behaved client on another connection', async () => {
    console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
    const random = seededRandom(seed);
    const bystander = await amqp.connect(broker.url);
    const bystanderChannel = await bystander.createConfirmChannel();
    const { queue: bystanderQueue } = await bystanderChannel.assertQueue('', { exclusive: true });
    let bystanderClosed = false;
    bystander.on('close', () => {
      bystanderClosed = true;
    });

    let framesSent = 0;
    let connectionNumber = 0;
    while (framesSent < FRAMES_TO_SEND) {
      const wave: Promise<void>[] = [];
      for (let i = 0; i < CONNECTIONS_AT_ONCE && framesSent < FRAMES_TO_SEND; i++) {
        const script = fuzzScript(random, connectionNumber++);
        framesSent += script.frames;
        wave.push(playScript(broker.port, script.bytes, random));
      }
      await Promise.all(wave);
      // The bystander publishes with confirms between waves: the broker must keep answering it.
      bystanderChannel.sendToQueue(bystanderQueue, Buffer.from(`still here ${connectionNumber}`));
      await bystanderChannel.waitForConfirms();
    }

    expect(framesSent).toBeGreaterThanOrEqual(FRAMES_TO_SEND);
    expect(bystanderClosed).toBe(false);
    const check = await bystanderChannel.checkQueue(bystanderQueue);
    expect(check.messageCount).toBe(Math.ceil(connectionNumber / CONNECTIONS_AT_ONCE));
    await bystander.close();
    expect(await roundTrip(broker.url, 'after the storm')).toBe('after the storm');
  }, 180_000);
});
