// Trace path benchmark: real amqplib clients -> tap -> recorder -> hub ->
// a WebSocket client over loopback. Prints the events/s the client got,
// latency from the tap recording an event to the client parsing it, RSS
// before and after, and what the hub sent and dropped.
//
//   npm run bench:trace                      embedded broker when there is one, else RabbitMQ
//   npm run bench:trace -- --broker rabbitmq (or an amqp:// URL; AMQP_URL is the default RabbitMQ)
//   npm run bench:trace -- --rate 30000 --seconds 5
//   npm run bench:trace -- --slow            the client reads slowly: gaps, and memory stays bounded
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import { WebSocket, WebSocketServer } from 'ws';
import type { ServerMessage } from '../../server/protocol/messages.js';
import { startTap } from '../../server/tap/index.js';
import { createTraceHub } from '../../server/trace/hub.js';
import { createTraceRecorder } from '../../server/trace/recorder.js';

interface Options {
  broker: string;
  /** Trace events per second to aim for (each message makes 4: publish, routing decision, deliver, ack). */
  rate: number;
  seconds: number;
  slow: boolean;
}

const EVENTS_PER_MESSAGE = 4;
const BODY = Buffer.alloc(100, 'x');

function parseArgs(argv: string[]): Options {
  const options: Options = { broker: defaultBroker(), rate: 24_000, seconds: 5, slow: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--broker') options.broker = value();
    else if (arg === '--rate') options.rate = positive(arg, value());
    else if (arg === '--seconds') options.seconds = positive(arg, value());
    else if (arg === '--slow') options.slow = true;
    else throw new Error(`unknown option ${arg}; allowed: --broker embedded|rabbitmq|<amqp-url>, --rate <events/s>, --seconds <n>, --slow`);
  }
  return options;
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, got ${text}`);
  return n;
}

function defaultBroker(): string {
  return existsSync(new URL('../../server/broker/index.ts', import.meta.url)) ? 'embedded' : 'rabbitmq';
}

/** Where the broker listens, and how to stop it if the benchmark started it. */
async function openBroker(choice: string): Promise<{ label: string; host: string; port: number; vhost: string; close: () => Promise<void> }> {
  if (choice === 'embedded') {
    const { startBroker } = await import('../../server/broker/index.js');
    const broker = await startBroker({ port: 0 });
    return { label: `embedded broker (in this process) at ${broker.host}:${broker.port}`, host: broker.host, port: broker.port, vhost: '/', close: () => broker.close() };
  }
  const url = new URL(choice === 'rabbitmq' ? process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672' : choice);
  const vhost = decodeURIComponent(url.pathname.slice(1)) || '/';
  return { label: `RabbitMQ at ${url.hostname}:${url.port || 5672}`, host: url.hostname, port: Number(url.port || 5672), vhost, close: async () => {} };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const broker = await openBroker(options.broker);
  const runId = 'bench';

  const t0 = performance.now();
  const recorder = createTraceRecorder({ now: () => performance.now() - t0 });
  const hub = createTraceHub();
  recorder.subscribe((event) => hub.publish(runId, event));
  const tap = await startTap({ upstreamHost: broker.host, upstreamPort: broker.port, recorder, observeRouting: true });

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const viewer = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  await once(viewer, 'open');
  const [serverSide] = await accepted;
  hub.attach(runId, serverSide);

  // What the viewer saw: latencies of every event it got, and the gaps.
  const latencies = new Float64Array(Math.ceil(options.rate * options.seconds * 1.5) + 100_000);
  let received = 0;
  let droppedInGaps = 0;
  let gapEvents = 0;
  viewer.on('message', (data) => {
    const now = performance.now() - t0;
    const message = JSON.parse(String(data)) as ServerMessage;
    if (message.type !== 'trace') return;
    for (const event of message.events) {
      if (event.kind === 'gap') {
        gapEvents += 1;
        droppedInGaps += event.dropped;
      } else {
        if (received < latencies.length) latencies[received] = now - event.time;
        received += 1;
      }
    }
  });
  let slowReader: NodeJS.Timeout | undefined;
  if (options.slow) {
    // Reads for 50 ms, then looks away for a second: far slower than the trace comes in.
    const cycle = () => {
      viewer.pause();
      slowReader = setTimeout(() => {
        viewer.resume();
        slowReader = setTimeout(cycle, 50);
      }, 1000);
    };
    cycle();
  }

  const url = `amqp://guest:guest@${tap.host}:${tap.port}/${encodeURIComponent(broker.vhost)}?frameMax=131072`;
  const producerConnection = await amqp.connect(url, { clientProperties: { connection_name: 'producer' }, noDelay: true });
  const consumerConnection = await amqp.connect(url, { clientProperties: { connection_name: 'consumer' }, noDelay: true });
  const producer = await producerConnection.createChannel();
  const consumer = await consumerConnection.createChannel();
  const queue = `trace-bench-${process.pid}`;
  await consumer.assertQueue(queue, { durable: false, autoDelete: false });
  await consumer.prefetch(1000);
  let consumed = 0;
  await consumer.consume(queue, (message) => {
    if (message === null) return;
    consumed += 1;
    consumer.ack(message);
  });

  // Settle, then measure from here.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const rssSampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 50);
  const eventsAtStart = recorder.count;
  const receivedAtStart = received;
  const droppedAtStart = droppedInGaps;
  const measureFrom = received;

  const messagesPerSecond = options.rate / EVENTS_PER_MESSAGE;
  const total = Math.round(messagesPerSecond * options.seconds);
  const started = performance.now();
  let published = 0;
  while (published < total) {
    // Publish what the clock says is due, in ticks of a few milliseconds.
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * messagesPerSecond));
    while (published < due) {
      published += 1;
      if (!producer.publish('', queue, BODY)) await once(producer, 'drain');
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const produced = () => recorder.count - eventsAtStart;
  // Done when every message is consumed and its ack has passed the tap.
  const deadline = performance.now() + 30_000;
  while ((consumed < total || produced() < total * EVENTS_PER_MESSAGE) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const accounted = () => received - receivedAtStart + (droppedInGaps - droppedAtStart);
  if (options.slow) {
    clearTimeout(slowReader);
    viewer.resume();
  }
  hub.flush(runId);
  while (accounted() < produced() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(rssSampler);
  const rssAfter = process.memoryUsage().rss;

  const measured = latencies.subarray(measureFrom, Math.min(received, latencies.length)).sort();
  const stats = hub.stats(runId);
  const lines = [
    `trace benchmark: ${broker.label}, ${options.slow ? 'slow viewer' : 'viewer reading at full speed'}`,
    `messages: ${total} published, ${consumed} consumed and acked, in ${elapsed.toFixed(2)} s`,
    `events: ${produced()} recorded (${Math.round(produced() / elapsed)} events/s), ${received - receivedAtStart} delivered to the viewer (${Math.round((received - receivedAtStart) / elapsed)} events/s)`,
    `gaps: ${gapEvents} gap events summarising ${droppedInGaps - droppedAtStart} dropped events; delivered + dropped = ${accounted()} of ${produced()} ${accounted() === produced() ? '(none lost silently)' : '(MISMATCH)'}`,
    `latency tap -> viewer: p50 ${percentile(measured, 50).toFixed(1)} ms, p99 ${percentile(measured, 99).toFixed(1)} ms, max ${percentile(measured, 100).toFixed(1)} ms`,
    `hub: sent ${stats.sent}, dropped ${stats.dropped}, gaps ${stats.gaps}`,
    `RSS: before ${mb(rssBefore)}, peak ${mb(rssPeak)}, after ${mb(rssAfter)}`,
  ];
  console.log(lines.join('\n'));

  await consumer.deleteQueue(queue);
  await producerConnection.close();
  await consumerConnection.close();
  viewer.close();
  hub.close();
  await tap.close();
  await new Promise((resolve) => wss.close(resolve));
  await broker.close();
  if (accounted() !== produced()) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
