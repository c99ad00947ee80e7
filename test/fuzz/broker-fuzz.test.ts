import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';
import { channelOperations, closeChannel, closeConnection, handshake, openChannel, type ChannelMode } from './oracle-frames.js';
import { mutateFrame } from './mutate.js';
import { playScript } from './play-script.js';
import { seededRandom, type Random } from './random.js';

/** The bar: frames the broker read and acted on, not frames written to a socket it may have stopped reading. */
const FRAMES_TO_HANDLE = 100_000;
/** A connection's script, if no broken frame ends it first. */
const FRAMES_PER_CONNECTION = 1_000;
/** Chance that a frame is broken: one in 200, so a connection usually gets well into its script first. */
const MUTATION_RATE = 0.005;
/** Chance that an operation is one the broker may refuse with a channel error. */
const REFUSABLE_RATE = 0.03;
/** Connections fuzzing at once. */
const CONNECTIONS_AT_ONCE = 16;
/** Several times what reaching the bar takes while the broker reads what it is sent; running out of them fails the test. */
const MAX_CONNECTIONS = 2_000;
const PROTOCOL_HEADER = Buffer.from('AMQP\u0000\u0000\u0009\u0001', 'latin1');
const MODES: readonly ChannelMode[] = ['plain', 'confirm', 'tx'];

/** `frame`, or now and then a broken copy of it. */
function maybeBroken(frame: Buffer, random: Random, rate = MUTATION_RATE): Buffer {
  return random.next() < rate ? mutateFrame(frame, random) : frame;
}

/**
 * One connection's bytes: the protocol header and handshake (each rarely
 * broken), then channel after channel, each opened, set up, given a random
 * run of operations and closed, with a frame broken now and then; then
 * connection.close. A broken frame may end the connection there: the broker
 * reads no further, and only what it read counts.
 */
function fuzzScript(random: Random, connectionNumber: number): Buffer {
  const parts: Buffer[] = [maybeBroken(PROTOCOL_HEADER, random, 0.02)];
  for (const frame of handshake()) parts.push(maybeBroken(frame, random, 0.02));
  const queue = `fuzz-${connectionNumber}`;
  // Channel numbers are not reused: one left closing by a refused operation must never be opened again.
  for (let channel = 1; parts.length < FRAMES_PER_CONNECTION && channel <= 2047; channel++) {
    const operations = channelOperations(channel, queue, random.pick(MODES));
    parts.push(maybeBroken(openChannel(channel), random));
    for (const frame of operations.setup) parts.push(maybeBroken(frame, random));
    for (let count = 1 + random.below(60); count > 0; count--) {
      const operation = random.next() < REFUSABLE_RATE ? random.pick(operations.refusable) : random.pick(operations.everyday);
      for (const frame of operation) parts.push(maybeBroken(frame, random));
    }
    parts.push(maybeBroken(closeChannel(channel), random));
  }
  parts.push(closeConnection());
  return Buffer.concat(parts);
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

describe('the embedded broker under 100,000 handled frames, random and mutated', () => {
  let broker: EmbeddedBroker;
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));

  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('reads and acts on every frame until one breaks its connection, and keeps serving a well-behaved client', async () => {
    console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
    const internalErrors = vi.spyOn(console, 'error');
    // Why the broker ended each fuzzing connection, by reply code ('FRAME_ERROR') or reason.
    const endings = new Map<string, number>();
    broker.events.on('connection-closed', ({ reason }) => {
      const kind = /^[A-Z_]+(?= - )/.exec(reason)?.[0] ?? reason;
      endings.set(kind, (endings.get(kind) ?? 0) + 1);
    });

    const bystander = await amqp.connect(broker.url);
    const bystanderChannel = await bystander.createConfirmChannel();
    const { queue: bystanderQueue } = await bystanderChannel.assertQueue('', { exclusive: true });
    let bystanderClosed = false;
    bystander.on('close', () => {
      bystanderClosed = true;
    });

    const handledBefore = broker.framesHandled();
    const handled = (): number => broker.framesHandled() - handledBefore;
    let connections = 0;
    let bystanderPublishes = 0;
    const fuzzer = async (): Promise<void> => {
      while (handled() < FRAMES_TO_HANDLE && connections < MAX_CONNECTIONS) {
        const connectionNumber = connections++;
        // Each connection's own generator: a seed replays every connection whatever order they finish in.
        const random = seededRandom(seed ^ Math.imul(connectionNumber + 1, 0x9e3779b1));
        await playScript(broker.port, fuzzScript(random, connectionNumber), random);
        // Now and then the bystander publishes with confirms: the broker must keep answering it.
        if (connectionNumber % CONNECTIONS_AT_ONCE === 0) {
          bystanderPublishes++;
          bystanderChannel.sendToQueue(bystanderQueue, Buffer.from(`still here ${connectionNumber}`));
          await bystanderChannel.waitForConfirms();
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS_AT_ONCE }, fuzzer));
    console.log(`${handled()} frames handled on ${connections} connections; how they ended:`, Object.fromEntries(endings));

    expect(handled()).toBeGreaterThanOrEqual(FRAMES_TO_HANDLE);
    // Broken frames reached the broker, and it refused them in several ways, each by the protocol's rules.
    const replyCodes = [...endings.keys()].filter((kind) => /^[A-Z_]+$/.test(kind));
    expect(replyCodes).toContain('FRAME_ERROR');
    expect(replyCodes.length).toBeGreaterThanOrEqual(3);
    // No broken frame made the broker fail inside (it logs that as an internal error).
    expect(internalErrors.mock.calls).toEqual([]);
    internalErrors.mockRestore();

    expect(bystanderClosed).toBe(false);
    const check = await bystanderChannel.checkQueue(bystanderQueue);
    expect(check.messageCount).toBe(bystanderPublishes);
    await bystander.close();
    expect(await roundTrip(broker.url, 'after the storm')).toBe('after the storm');
  }, 120_000);
});
