/**
 * The flow-control benchmark: publishers flood a queue nobody consumes on
 * the embedded broker (in its own process, at a stated memory limit). The
 * memory alarm must stop them: the broker's resident memory stays under
 * the limit plus a stated margin. The margin is what the limit does not
 * count: the Node process itself (about 80 MB idle) and the received and
 * sent buffers the garbage collector has not reclaimed yet (V8 collects
 * them after some 64 MB or more have piled up). Then a consumer drains the
 * queue and the publishers are unblocked.
 *
 *   npm run bench:flow [-- --memory-limit 256MiB --margin-mb 192 --publishers 4 --seconds 20 --size 1024]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { parseMemoryLimit } from '../../server/broker/memory-limit.js';
import { startBrokerProcess, type BrokerProcess } from '../support/broker-process.js';

const { values: flags } = parseArgs({
  options: {
    'memory-limit': { type: 'string', default: '256MiB' },
    'margin-mb': { type: 'string', default: '192' },
    publishers: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '20' },
    size: { type: 'string', default: '1024' },
  },
});
const MB = 1024 * 1024;
const memoryLimit = parseMemoryLimit(flags['memory-limit']);
const marginMb = Number(flags['margin-mb']);
const publisherCount = Number(flags.publishers);
const floodMs = Number(flags.seconds) * 1000;
const body = Buffer.alloc(Number(flags.size), 'x');
const queue = 'flood';

/** One flooding connection and how long it was blocked. */
interface Publisher {
  connection: ChannelModel;
  channel: Channel;
  sent: number;
  blockedSince: number | undefined;
  blockedMs: number;
  notices: number;
}

async function openPublisher(url: string): Promise<Publisher> {
  const connection = await amqp.connect(url, { noDelay: true });
  const publisher: Publisher = {
    connection,
    channel: await connection.createChannel(),
    sent: 0,
    blockedSince: undefined,
    blockedMs: 0,
    notices: 0,
  };
  connection.on('blocked', () => {
    publisher.notices++;
    publisher.blockedSince = performance.now();
  });
  connection.on('unblocked', () => {
    publisher.notices++;
    if (publisher.blockedSince !== undefined) publisher.blockedMs += performance.now() - publisher.blockedSince;
    publisher.blockedSince = undefined;
  });
  return publisher;
}

/** Publishes as fast as amqplib lets it (waiting for 'drain' when its buffer is full) until `until`. */
async function flood(publisher: Publisher, until: number): Promise<void> {
  const { channel } = publisher;
  while (performance.now() < until) {
    if (channel.sendToQueue(queue, body)) {
      publisher.sent++;
      if (publisher.sent % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    publisher.sent++;
    // A blocked publisher's buffer never drains; the flood ends at `until` all the same.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, until - performance.now()));
      channel.once('drain', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Samples the broker's resident memory until stopped; returns the largest sample. */
function sampleMemory(broker: BrokerProcess): { stop(): number } {
  let largest = broker.residentMegabytes();
  const timer = setInterval(() => {
    largest = Math.max(largest, broker.residentMegabytes());
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(largest, broker.residentMegabytes());
    },
  };
}

async function main(): Promise<void> {
  const broker = await startBrokerProcess(['--memory-limit', String(memoryLimit)]);
  try {
    const idleMb = broker.residentMegabytes();
    const admin = await amqp.connect(broker.url);
    const adminChannel = await admin.createChannel();
    await adminChannel.assertQueue(queue, { durable: false });
    const publishers = await Promise.all(Array.from({ length: publisherCount }, () => openPublisher(broker.url)));
    console.log(
      `flood: ${publisherCount} amqplib publishers, ${body.length}-byte messages, ${floodMs / 1000} s, into a queue nobody consumes; ` +
        `broker memory limit ${(memoryLimit / MB).toFixed(0)} MiB`,
    );

    const sampler = sampleMemory(broker);
    const floodStart = performance.now();
    let firstBlockedAfterMs: number | undefined;
    for (const publisher of publishers) {
      publisher.connection.once('blocked', () => (firstBlockedAfterMs ??= performance.now() - floodStart));
    }
    await Promise.all(publishers.map((publisher) => flood(publisher, floodStart + floodMs)));
    const floodEnd = performance.now();
    const { messageCount: queued } = await adminChannel.checkQueue(queue);
    const peakDuringFloodMb = sampler.stop();
    const blockedAtEnd = publishers.filter((p) => p.blockedSince !== undefined).length;
    const floodNotices = publishers.reduce((a, p) => a + p.notices, 0);
    const blockedMs = publishers.map((p) => p.blockedMs + (p.blockedSince === undefined ? 0 : floodEnd - p.blockedSince));
    const averageBlockedS = blockedMs.reduce((a, b) => a + b, 0) / publishers.length / 1000;

    // Recovery: a consumer drains the queue; the publishers' held messages follow once they are unblocked.
    const recoverySampler = sampleMemory(broker);
    const recoveryStart = performance.now();
    const consumerChannel = await admin.createChannel();
    await consumerChannel.prefetch(1000);
    let consumed = 0;
    await consumerChannel.consume(
      queue,
      (message) => {
        if (message === null) return;
        consumed++;
        consumerChannel.ack(message);
      },
      { noAck: false },
    );
    let allUnblockedAfterMs: number | undefined;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (allUnblockedAfterMs === undefined && publishers.every((p) => p.blockedSince === undefined)) {
        allUnblockedAfterMs = performance.now() - recoveryStart;
      }
      const { messageCount } = await adminChannel.checkQueue(queue);
      if (messageCount === 0 && allUnblockedAfterMs !== undefined && consumed > 0) break;
    }
    const drainedAfterS = (performance.now() - recoveryStart) / 1000;
    const peakDuringRecoveryMb = recoverySampler.stop();
    const sent = publishers.reduce((a, p) => a + p.sent, 0);

    const boundMb = memoryLimit / MB + marginMb;
    console.log(
      `broker RSS: idle ${idleMb.toFixed(0)} MB, peak during the flood ${peakDuringFloodMb.toFixed(0)} MB, ` +
        `peak during recovery ${Math.max(peakDuringRecoveryMb, broker.peakResidentMegabytes()).toFixed(0)} MB; ` +
        `limit ${(memoryLimit / MB).toFixed(0)} MiB + stated margin ${marginMb} MB = ${boundMb.toFixed(0)} MB: ` +
        `flood ${peakDuringFloodMb <= boundMb ? 'within' : 'OVER'}`,
    );
    console.log(
      `blocking: first connection.blocked after ${((firstBlockedAfterMs ?? NaN) / 1000).toFixed(1)} s; ` +
        `each publisher blocked ${averageBlockedS.toFixed(1)} s of ${floodMs / 1000} s on average; ` +
        `${blockedAtEnd} of ${publishers.length} blocked when the flood ended; ${floodNotices} blocked/unblocked notices`,
    );
    console.log(`queue when the flood ended: ${queued} messages (${((queued * body.length) / MB).toFixed(0)} MB of bodies)`);
    console.log(
      `recovery: a consumer (prefetch 1000, acks) unblocked every publisher after ${(allUnblockedAfterMs / 1000).toFixed(1)} s ` +
        `and emptied the queue after ${drainedAfterS.toFixed(1)} s (${consumed} messages of ${sent} sent; ` +
        `${publishers.reduce((a, p) => a + p.notices, 0) - floodNotices} more notices as the publishers' held messages came in); ` +
        `broker RSS then ${broker.residentMegabytes().toFixed(0)} MB`,
    );
    await Promise.all(publishers.map((p) => p.connection.close()));
    await admin.close();
  } finally {
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
