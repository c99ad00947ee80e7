// Trace path benchmark: real amqplib clients (in a process of their own, as a
// run's programs are) -> tap -> recorder -> hub -> a WebSocket client over
// loopback (in a process of its own, as a browser would be).
//
// It finds its own ceiling: it offers the trace a rising rate of events, a
// few seconds at each, and checks at every rate that each event reached the
// viewer or was counted in a 'gap' event (nothing lost silently). A rate is
// sustained when every event of the step reached the viewer, none in gaps,
// at 95% of the offered rate or better. The highest sustained rate is the
// ceiling; the benchmark then runs once more at that rate with the profiler
// on and prints where the workbook process spent its time. Each step also
// says how much of the time tasks on the machine waited for a core: on a
// shared machine that, not the trace path, may be what sets the ceiling, so
// the CPU time each process spent per event is printed too, with the rate a
// core to itself would carry.
//
//   npm run bench:trace                      embedded broker when there is one, else RabbitMQ
//   npm run bench:trace -- --broker rabbitmq (or an amqp:// URL; AMQP_URL is the default RabbitMQ)
//   npm run bench:trace -- --from 40000 --max 200000 --seconds 3
//   npm run bench:trace -- --rate 30000      one step at that rate, no search
//   npm run bench:trace -- --slow            one step with a viewer that reads slowly: gaps, and memory stays bounded
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { NO_JOURNEYS } from '../../server/model/journeys.js';
import { RunModel } from '../../server/model/run-model.js';
import { startTap } from '../../server/tap/index.js';
import { createTraceHub } from '../../server/trace/hub.js';
import { createTraceRecorder } from '../../server/trace/recorder.js';
import type { LoadCommand, LoadReport } from './trace-load.js';
import type { ViewerCommand, ViewerProgress, ViewerReport } from './trace-viewer.js';
import { startProfile, timeByPart } from './profile-summary.js';
import { present } from '../support/present.js';

interface Options {
  broker: string;
  /** One step at this rate instead of a search. */
  rate: number | undefined;
  /** The search's first rate and its limit, in events/s. */
  from: number;
  max: number;
  /** Length of each step. */
  seconds: number;
  slow: boolean;
  profile: boolean;
}

/** Each message makes 4 events: publish, routing decision, deliver, ack. */
const EVENTS_PER_MESSAGE = 4;
/** Each step offers this much more than the last one sustained. */
const RATE_FACTOR = 1.25;
/** A step is sustained when the viewer had everything at this share of the offered rate or better. */
const SUSTAINED_SHARE = 0.95;
/** A slow viewer reads this rate when no --rate is given. */
const SLOW_RATE = 24_000;

function parseArgs(argv: string[]): Options {
  const options: Options = {
    broker: defaultBroker(),
    rate: undefined,
    from: 10_000,
    max: 400_000,
    seconds: 3,
    slow: false,
    profile: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = present(argv[i]);
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--broker') options.broker = value();
    else if (arg === '--rate') options.rate = positive(arg, value());
    else if (arg === '--from') options.from = positive(arg, value());
    else if (arg === '--max') options.max = positive(arg, value());
    else if (arg === '--seconds') options.seconds = positive(arg, value());
    else if (arg === '--slow') options.slow = true;
    else if (arg === '--no-profile') options.profile = false;
    else
      throw new Error(
        `unknown option ${arg}; allowed: --broker embedded|rabbitmq|<amqp-url>, --rate <events/s>, --from <events/s>, --max <events/s>, --seconds <n>, --slow, --no-profile`,
      );
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
      label: `embedded broker (in this process, as in the workbook) at ${broker.host}:${broker.port}`,
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

function startChild(file: string): ChildProcess {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), { execArgv: ['--import', 'tsx'] });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) {
      console.error(`${file} exited with status ${code}`);
      process.exit(1);
    }
  });
  return child;
}

/** The next report of a type from a child process. */
function nextReport<R extends { type: string }, T extends R['type']>(child: ChildProcess, type: T): Promise<Extract<R, { type: T }>> {
  return new Promise((resolve) => {
    const listener = (report: R) => {
      if (report.type !== type) return;
      child.off('message', listener);
      resolve(report as Extract<R, { type: T }>);
    };
    child.on('message', listener);
  });
}

/** The viewer process: commands go down, progress and reports come up. */
function startViewer() {
  const child = startChild('./trace-viewer.ts');
  const progress: ViewerProgress = { received: 0, droppedInGaps: 0, gapEvents: 0 };
  child.on('message', (report: ViewerReport) => {
    if (report.type === 'progress' || report.type === 'reached')
      Object.assign(progress, { received: report.received, droppedInGaps: report.droppedInGaps, gapEvents: report.gapEvents });
  });
  return {
    progress,
    opened: nextReport<ViewerReport, 'open'>(child, 'open'),
    command: (command: ViewerCommand) => child.send(command),
    ask: <T extends ViewerReport['type']>(command: ViewerCommand, type: T) => {
      const answer = nextReport<ViewerReport, T>(child, type);
      child.send(command);
      return answer;
    },
  };
}

/** The actors' process. */
function startLoad() {
  const child = startChild('./trace-load.ts');
  let consumed = 0;
  child.on('message', (report: LoadReport) => {
    if (report.type === 'consumed') consumed = report.count;
  });
  return {
    get consumed() {
      return consumed;
    },
    ask: <T extends LoadReport['type']>(command: LoadCommand, type: T) => {
      const answer = nextReport<LoadReport, T>(child, type);
      child.send(command);
      return answer;
    },
  };
}

/**
 * Microseconds so far in which some task on this machine waited for a core (Linux's pressure stall
 * information), or undefined where the kernel does not say. On a shared machine this, not the trace
 * path, may be what stops a step.
 */
function cpuWaitedMicros(): number | undefined {
  try {
    const some = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return some?.[1] === undefined ? undefined : Number(some[1]);
  } catch {
    return undefined;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function perSecond(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** What one step at one offered rate showed. */
interface Step {
  offered: number;
  events: number;
  /** Events/s the tap recorded, and events/s the viewer had them at (received or counted in gaps). */
  recorded: number;
  delivered: number;
  received: number;
  droppedInGaps: number;
  /** Every event of the step reached the viewer or a gap event. */
  accounted: boolean;
  latency: { p50: number; p99: number; max: number };
  /** CPU used over the step, as a share of one core. */
  cpu: {
    workbook: number;
    actors: number;
    viewer: number;
    workbookMicrosPerEvent: number;
    actorsMicrosPerEvent: number;
    viewerMicrosPerEvent: number;
  };
  /** Share of the step in which some task on the machine waited for a core, when the kernel says. */
  machineBusy: number | undefined;
  sustained: boolean;
}

function describeStep(step: Step): string {
  const verdict = !step.accounted
    ? 'EVENTS LOST SILENTLY'
    : step.sustained
      ? 'sustained'
      : step.droppedInGaps > 0
        ? 'not sustained: the viewer fell behind'
        : step.recorded < SUSTAINED_SHARE * step.offered
          ? 'not sustained: fewer events than offered reached the tap (the actors, the broker or the tap fell behind)'
          : 'not sustained: the viewer got the events late';
  return [
    `${perSecond(step.offered).padStart(8)} events/s offered: tap ${perSecond(step.recorded)}/s, viewer ${perSecond(step.delivered)}/s`,
    `${step.received} received, ${step.droppedInGaps} dropped in gaps`,
    `latency p50 ${step.latency.p50.toFixed(1)} ms, p99 ${step.latency.p99.toFixed(1)} ms`,
    `CPU workbook ${percent(step.cpu.workbook)} (${step.cpu.workbookMicrosPerEvent.toFixed(1)} µs an event), actors ${percent(step.cpu.actors)}, viewer ${percent(step.cpu.viewer)}`,
    ...(step.machineBusy === undefined ? [] : [`tasks waited for a core ${percent(step.machineBusy)} of the time`]),
    verdict,
  ].join('; ');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const broker = await openBroker(options.broker);
  const runId = 'bench';

  const t0 = performance.now();
  const recorder = createTraceRecorder({ now: () => performance.now() - t0 });
  const hub = createTraceHub();
  recorder.subscribe((event) => hub.publish(runId, event));
  // The moment the tap recorded a step's last event.
  let recordTarget = Infinity;
  let recordedAt = 0;
  recorder.subscribe((event) => {
    if (event.seq === recordTarget) recordedAt = performance.timeOrigin + performance.now();
  });
  // Routing worked out by the run model, as for runs on RabbitMQ: part of the cost being measured.
  const routing = new RunModel({ journeys: NO_JOURNEYS });
  recorder.subscribe((event) => routing.apply(event));
  const tap = await startTap({ upstreamHost: broker.host, upstreamPort: broker.port, recorder, routing });

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

  const load = startLoad();
  const url = `amqp://guest:guest@${tap.host}:${tap.port}/${encodeURIComponent(broker.vhost)}?frameMax=131072`;
  await load.ask({ type: 'connect', url, queue: `trace-bench-${process.pid}` }, 'ready');

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

  const accounted = () => viewer.progress.received + viewer.progress.droppedInGaps;
  const steps: Step[] = [];
  const lostSilently = () => steps.some((step) => !step.accounted);

  async function runStep(offered: number): Promise<Step> {
    const total = Math.round((offered / EVENTS_PER_MESSAGE) * options.seconds);
    const eventsAtStart = recorder.count;
    const consumedAtStart = load.consumed;
    const viewerAtStart = { ...viewer.progress };
    viewer.command({ type: 'mark' });
    await load.ask({ type: 'cpu' }, 'cpu');
    const cpuAtStart = process.cpuUsage();
    const waitedAtStart = cpuWaitedMicros();
    const started = performance.timeOrigin + performance.now();
    recordTarget = eventsAtStart + total * EVENTS_PER_MESSAGE;
    recordedAt = 0;

    if (options.slow) viewer.command({ type: 'slow', on: true });
    await load.ask({ type: 'publish', messagesPerSecond: offered / EVENTS_PER_MESSAGE, total }, 'published');
    // Done when every message is consumed and its ack has passed the tap.
    const deadline = performance.now() + 10_000 + 4_000 * options.seconds;
    while ((load.consumed - consumedAtStart < total || recordedAt === 0) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (options.slow) viewer.command({ type: 'slow', on: false });
    hub.flush(runId);
    const target = recorder.count;
    const reached = await Promise.race([
      viewer.ask({ type: 'until', accounted: target }, 'reached'),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), Math.max(0, deadline - performance.now())).unref()),
    ]);
    const ended = reached?.at ?? performance.timeOrigin + performance.now();
    const cpuUsed = process.cpuUsage(cpuAtStart);
    const waitedAtEnd = cpuWaitedMicros();
    const [report, actorsCpu] = await Promise.all([viewer.ask({ type: 'report' }, 'report'), load.ask({ type: 'cpu' }, 'cpu')]);
    const events = target - eventsAtStart;
    const seconds = (ended - started) / 1000;
    const recorded = recordedAt === 0 ? 0 : events / ((recordedAt - started) / 1000);
    const delivered = events / seconds;
    const received = viewer.progress.received - viewerAtStart.received;
    const droppedInGaps = viewer.progress.droppedInGaps - viewerAtStart.droppedInGaps;
    const stepAccounted = reached !== undefined && accounted() === target;
    const cpuShare = (micros: number) => micros / 1e6 / seconds;
    return {
      offered,
      events,
      recorded,
      delivered,
      received,
      droppedInGaps,
      accounted: stepAccounted,
      latency: { p50: report.p50, p99: report.p99, max: report.max },
      cpu: {
        workbook: cpuShare(cpuUsed.user + cpuUsed.system),
        actors: cpuShare(actorsCpu.micros),
        viewer: cpuShare(report.cpuMicros),
        workbookMicrosPerEvent: (cpuUsed.user + cpuUsed.system) / events,
        actorsMicrosPerEvent: actorsCpu.micros / events,
        viewerMicrosPerEvent: report.cpuMicros / events,
      },
      machineBusy:
        waitedAtStart === undefined || waitedAtEnd === undefined ? undefined : Math.min(1, (waitedAtEnd - waitedAtStart) / 1e6 / seconds),
      sustained: stepAccounted && droppedInGaps === 0 && delivered >= SUSTAINED_SHARE * offered && recorded >= SUSTAINED_SHARE * offered,
    };
  }

  async function step(offered: number): Promise<Step> {
    const result = await runStep(offered);
    steps.push(result);
    console.log(describeStep(result));
    return result;
  }

  console.log(
    `trace benchmark: ${broker.label}; ${options.seconds} s a step; ${options.slow ? 'slow viewer' : 'viewer reading at full speed'}`,
  );
  let best: Step | undefined;
  if (options.rate !== undefined || options.slow) {
    const result = await step(options.rate ?? SLOW_RATE);
    if (result.sustained) best = result;
  } else {
    let offered = options.from;
    let failedAt: number | undefined;
    while (offered <= options.max) {
      let result = await step(offered);
      // One more try before giving up on a rate: the machine may have been busy with something else.
      if (!result.sustained && !lostSilently()) result = await step(offered);
      if (!result.sustained) {
        failedAt = offered;
        break;
      }
      best = result;
      offered = Math.round((offered * RATE_FACTOR) / 1000) * 1000;
    }
    // Narrow the ceiling down between the last rate sustained and the first that was not.
    for (let i = 0; i < 2 && best !== undefined && failedAt !== undefined && !lostSilently(); i++) {
      const between = Math.round((best.offered + failedAt) / 2 / 1000) * 1000;
      if (between <= best.offered || between >= failedAt) break;
      const result = await step(between);
      if (result.sustained) best = result;
      else failedAt = between;
    }
    if (best === undefined) console.log(`ceiling: not even ${perSecond(options.from)} events/s was sustained; try a lower --from`);
    else if (failedAt === undefined)
      console.log(`ceiling: above ${perSecond(best.offered)} events/s (--max ${perSecond(options.max)} reached)`);
    else console.log(`ceiling: ${perSecond(best.offered)} events/s sustained, ${perSecond(failedAt)} events/s not`);
  }

  if (best !== undefined) {
    const { workbookMicrosPerEvent, actorsMicrosPerEvent, viewerMicrosPerEvent } = best.cpu;
    const perCore = (micros: number) => perSecond(1e6 / micros);
    console.log(
      `CPU time an event at ${perSecond(best.offered)} events/s: workbook ${workbookMicrosPerEvent.toFixed(1)} µs, actors ${actorsMicrosPerEvent.toFixed(1)} µs, viewer ${viewerMicrosPerEvent.toFixed(1)} µs; ` +
        `a core to itself would carry the workbook's part to ${perCore(workbookMicrosPerEvent)} events/s, the actors' to ${perCore(actorsMicrosPerEvent)}, the viewer's to ${perCore(viewerMicrosPerEvent)}`,
    );
  }

  if (options.profile && best !== undefined && !lostSilently()) {
    const stopProfile = await startProfile();
    const profiled = await runStep(best.offered);
    const parts = timeByPart(await stopProfile());
    console.log(`where the workbook process's time goes at ${perSecond(best.offered)} events/s (profiled, so a little slower):`);
    console.log(`  ${describeStep(profiled)}`);
    for (const { part, ms, share } of parts) console.log(`  ${percent(share).padStart(4)} ${ms.toFixed(0).padStart(6)} ms  ${part}`);
  }

  clearInterval(rssSampler);
  // Judged now: closing the actors below makes a few more events (their connections closing) that no step waits for.
  const allAccounted = !lostSilently() && accounted() === recorder.count;
  const stats = hub.stats(runId);
  console.log(
    `over the whole run: ${recorder.count} events recorded, delivered + dropped in gaps = ${accounted()} ${accounted() === recorder.count ? '(none lost silently)' : '(MISMATCH: events lost silently)'}`,
  );
  console.log(`hub: sent ${stats.sent}, dropped ${stats.dropped}, gaps ${stats.gaps}`);
  console.log(
    `RSS: before ${mb(rssBefore)}, peak ${mb(rssPeak)}, after ${mb(process.memoryUsage().rss)}; each second: ${rssEachSecond.map((rss) => Math.round(rss / 1024 / 1024)).join(' ')} MB`,
  );

  await load.ask({ type: 'close' }, 'closed');
  viewer.command({ type: 'close' });
  hub.close();
  await tap.close();
  await new Promise((resolve) => wss.close(resolve));
  await broker.close();
  if (!allAccounted) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
