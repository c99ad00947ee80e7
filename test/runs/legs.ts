/**
 * The two brokers every runner test runs against: the embedded one (started
 * per block on port 0) and the local RabbitMQ. An unreachable RabbitMQ skips
 * its leg with a notice, except under CI=true, where the leg runs and fails.
 */
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe } from 'vitest';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import { loadLessons, type LessonCatalog } from '../../server/lessons/index.js';
import type { FrameMethod, FrameOf, RunFailure, RunStatus, RunSummary, TraceEvent } from '../../server/protocol/index.js';
import { createRunner, type RunHandle, type Runner, type RunRequest } from '../../server/runs/index.js';

export const FIXTURE_LESSONS = fileURLToPath(new URL('../fixtures/lessons', import.meta.url));
export const RABBIT_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const underCi = process.env.CI === 'true';

async function rabbitUnreachableReason(): Promise<string | null> {
  try {
    const connection = await amqp.connect(RABBIT_URL, { timeout: 3000 });
    await connection.close();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export const rabbitProblem = await rabbitUnreachableReason();
if (rabbitProblem !== null && !underCi) {
  console.warn(`[runs] RabbitMQ leg skipped: ${RABBIT_URL.replace(/\/\/[^@]*@/, '//')} is not reachable (${rabbitProblem})`);
}

/** One leg's broker, catalog and runner, valid inside its tests. */
export interface Leg {
  readonly kind: 'embedded' | 'rabbitmq';
  readonly target: BrokerTarget;
  readonly lessons: LessonCatalog;
  readonly runner: Runner;
  /** Whether a vhost of that name exists on the leg's broker. */
  vhostExists(vhost: string): Promise<boolean>;
}

/**
 * Declares the same tests once per broker: `name [embedded]` and `name [rabbitmq]`; the fixture lessons unless told
 * otherwise. `kinds` leaves a leg out where another file runs it.
 */
export function describeBothBrokers(
  name: string,
  body: (leg: Leg) => void,
  lessonsDir = FIXTURE_LESSONS,
  kinds: readonly Leg['kind'][] = ['embedded', 'rabbitmq'],
): void {
  for (const kind of kinds) {
    describe.skipIf(kind === 'rabbitmq' && rabbitProblem !== null && !underCi)(`${name} [${kind}]`, () => {
      let target: BrokerTarget | undefined;
      let lessons: LessonCatalog | undefined;
      let runner: Runner | undefined;
      beforeAll(async () => {
        target = await openBrokerTarget({
          amqpUrl: kind === 'rabbitmq' ? RABBIT_URL : undefined,
          brokerPort: 0,
          brokerDataDir: { temporary: true },
        });
        lessons = await loadLessons(lessonsDir);
        runner = createRunner({ broker: target, lessons });
      });
      afterAll(async () => {
        await runner?.close();
        await target?.close();
      });
      const need = <T>(value: T | undefined): T => {
        if (value === undefined) throw new Error(`the ${kind} leg did not start`);
        return value;
      };
      body({
        kind,
        get target() {
          return need(target);
        },
        get lessons() {
          return need(lessons);
        },
        get runner() {
          return need(runner);
        },
        vhostExists: (vhost) => vhostExists(need(target), vhost),
      });
    });
  }
}

async function vhostExists(target: BrokerTarget, vhost: string): Promise<boolean> {
  if (target.embedded !== undefined) {
    try {
      target.embedded.snapshot(vhost);
      return true;
    } catch {
      return false;
    }
  }
  const response = await fetch(`http://127.0.0.1:15672/api/vhosts/${encodeURIComponent(vhost)}`, {
    headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
  });
  return response.status === 200;
}

/** A run and everything it reported. */
export interface WatchedRun {
  handle: RunHandle;
  events: TraceEvent[];
  statuses: RunStatus[];
  failure: RunFailure | undefined;
  summaries: RunSummary[];
  /** The actors' lines, as "actor: text". */
  logs(): string[];
  frames<M extends FrameMethod>(method?: M): FrameOf<M>[];
}

/** Starts a run and records what it reports. */
export function watchRun(runner: Runner, request: RunRequest): WatchedRun {
  const run: Omit<WatchedRun, 'handle'> = {
    events: [],
    statuses: [],
    failure: undefined,
    summaries: [],
    logs: () => run.events.flatMap((event) => (event.kind === 'log' ? [`${event.actor}: ${event.text}`] : [])),
    frames: <M extends FrameMethod>(method?: M) =>
      run.events.filter((event): event is FrameOf<M> => event.kind === 'frame' && (method === undefined || event.method === method)),
  };
  const handle = runner.start(request, {
    onEvent: (event) => run.events.push(event),
    onStatus: (status, failure) => {
      run.statuses.push(status);
      if (failure !== undefined) run.failure = failure;
    },
    onSummary: (summary) => run.summaries.push(summary),
  });
  return Object.assign(run, { handle });
}

/** Resolves once `condition` holds, checking every 10 ms; fails after `ms`. */
export async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
