// Trace path benchmark: real amqplib clients -> tap -> recorder -> hub ->
// a WebSocket client over loopback (in a process of its own, as a browser
// would be). Prints the events/s the client got,
// latency from the tap recording an event to the client parsing it, RSS
// before and after, and what the hub sent and dropped.
//
//   npm run bench:trace                      embedded broker when there is one, else RabbitMQ
//   npm run bench:trace -- --broker rabbitmq (or an amqp:// URL; AMQP_URL is the default RabbitMQ)
//   npm run bench:trace -- --rate 30000 --seconds 5
//   npm run bench:trace -- --slow            the client reads slowly: gaps, and memory stays bounded
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import { WebSocketServer, type WebSocket } from 'ws';
import { startTap } from '../../server/tap/index.js';
import { createTraceHub } from '../../server/trace/hub.js';
import { createTraceRecorder } from '../../server/trace/recorder.js';
import type { ViewerCommand, ViewerReport } from './trace-viewer.js';
import { present } from '../support/present.js';

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
    const arg = present(argv[i]);
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
async function openBroker(
  choice: string,
): Promise<{ label: string; host: string; port: number; vhost: string; close: () => Promise<void> }> {
  if (choice === 'embedded') {
    const { startBroker } = await import('../../server/broker/index.js');
    const broker = await startBroker({ port: 0 });
    return {
      label: `embedded broker (in this process) at ${broker.host}:${broker.port}`,
      host: broker.host,
      port: broker.port,
      vhost: '/',
      close: () => broker.close(),
    };
  }
  const url = new URL(choice === 'rabbitmq' ? (process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672') : choice);
  const vhost = decodeURIComponent(url.pathname.slice(1)) || '/';
  return {
    label: `RabbitMQ at ${url.hostname}:${url.port || 5672}`,
    host: url.hostname,
    port: Number(url.port || 5672),
    vhost,
    close: async () => {},
  };
}

/** The viewer process: commands go down, progress and the latency report come up. */
function startViewer() {
  const child = fork(fileURLToPath(new URL('./trace-viewer.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
  const progress = { received: 0, droppedInGaps: 0, gapEvents: 0 };
  let latency: ((report: Extract<ViewerReport, { type: 'latency' }>) => void) | undefined;
  let opened!: () => void;
  const openedPromise = new Promise<void>((resolve) => {
    opened = resolve;
  });
  child.on('message', (report: ViewerReport) => {
    if (report.type === 'open') opened();
    else if (report.type === 'progress') Object.assign(progress, report);
    else latency?.(report);
  });
  return {
    progress,
    opened: openedPromise,
    command: (command: ViewerCommand) => child.send(command),
    report: () =>
      new Promise<Extract<ViewerReport, { type: 'latency' }>>((resolve) => {
        latency = resolve;
        child.send({ type: 'report' } satisfies ViewerCommand);
      }),
  };
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
  const viewer = startViewer();
  viewer.command({
    type: 'connect',
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    runStartEpoch: performance.timeOrigin + t0,
  });
  const [serverSide] = await accepted;
  hub.attach(runId, serverSide);
  await viewer.opened;
  if (options.slow) viewer.command({ type: 'slow', on: true });

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
  // One sample a second, to show whether memory levels off or keeps climbing.
  const rssEachSecond: number[] = [];
  let samples = 0;
  const rssSampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    rssPeak = Math.max(rssPeak, rss);
    if (++samples % 20 === 0) rssEachSecond.push(rss);
  }, 50);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const eventsAtStart = recorder.count;
  const receivedAtStart = viewer.progress.received;
  viewer.command({ type: 'mark' });

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
  const received = () => viewer.progress.received - receivedAtStart;
  // Loss is checked over the whole run, set-up included: a slow viewer may still owe events from before the measurement.
  const accounted = () => viewer.progress.received + viewer.progress.droppedInGaps;
  if (options.slow) viewer.command({ type: 'slow', on: false });
  hub.flush(runId);
  while (accounted() < recorder.count && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(rssSampler);
  loopDelay.disable();
  const rssAfter = process.memoryUsage().rss;

  const latency = await viewer.report();
  const stats = hub.stats(runId);
  const lines = [
    `trace benchmark: ${broker.label}, ${options.slow ? 'slow viewer' : 'viewer reading at full speed'}`,
    `messages: ${total} published, ${consumed} consumed and acked, in ${elapsed.toFixed(2)} s`,
    `events: ${produced()} recorded (${Math.round(produced() / elapsed)} events/s), ${received()} delivered to the viewer (${Math.round(received() / elapsed)} events/s)`,
    `gaps: ${viewer.progress.gapEvents} gap events summarising ${viewer.progress.droppedInGaps} dropped events; over the whole run delivered + dropped = ${accounted()} of ${recorder.count} recorded ${accounted() === recorder.count ? '(none lost silently)' : '(MISMATCH)'}`,
    `latency tap -> viewer: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
    `event loop delay (everything shares one thread): p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`,
    `hub: sent ${stats.sent}, dropped ${stats.dropped}, gaps ${stats.gaps}`,
    `RSS: before ${mb(rssBefore)}, peak ${mb(rssPeak)}, after ${mb(rssAfter)}; each second: ${rssEachSecond.map((rss) => Math.round(rss / 1024 / 1024)).join(' ')} MB`,
  ];
  console.log(lines.join('\n'));

  await consumer.deleteQueue(queue);
  await producerConnection.close();
  await consumerConnection.close();
  hub.close();
  await tap.close();
  await new Promise((resolve) => wss.close(resolve));
  await broker.close();
  if (accounted() !== recorder.count) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
