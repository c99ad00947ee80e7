// Runs lesson cells headless through the workbook's own runner (tap, trace,
// a vhost per run), once against the embedded broker and once against
// RabbitMQ, and keeps everything a test needs to assert the lesson's point:
// the actors' lines, the trace, the broker snapshots and the totals.
//
// AMQP_URL points the RabbitMQ leg elsewhere (default the local RabbitMQ). An
// unreachable RabbitMQ skips that leg with a notice, except under CI=true,
// where it runs and fails.
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import type { BrokerStateEvent, FrameMethod, FrameOf, RunFailure, RunStatus, RunSummary, TraceEvent } from '../../server/protocol/index.js';
import type { LessonCatalog } from '../../server/lessons/index.js';
import type { ProgramLanguage } from '../../server/programs/actor-process.js';
import { pythonProblem } from '../../server/programs/python-check.js';
import { createRunner, type Runner } from '../../server/runs/index.js';
import { lessons } from './catalog.js';

export { cellsOf, lessons } from './catalog.js';

const rabbitUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const underCi = process.env.CI === 'true';

/** Which broker a leg runs against. */
export type BrokerKind = 'embedded' | 'rabbitmq';

/** A line an actor printed. */
export interface LogLine {
  actor: string;
  text: string;
}

/** Everything one run of a cell left behind. */
export interface CellRun {
  /** The broker it ran on. */
  broker: BrokerKind;
  /** Every trace event, in order. */
  events: TraceEvent[];
  /** Every line the actors printed, in order. */
  logs: LogLine[];
  /** The broker snapshots, in order; the last one is the runner's own, taken as the run ended. */
  states: BrokerStateEvent[];
  summary: RunSummary;
  /** How the run ended: 'finished' when the scenario ended by itself. */
  status: RunStatus;
  failure: RunFailure | undefined;
  /** Actors whose connection the scenario left for the runner to close. */
  unclosedActors: string[];
  /** Wall-clock duration in milliseconds. */
  durationMs: number;
}

/** Runs one cell of a lesson with its defaults and `overrides`. */
export type RunCell = (lesson: string, cell: string, overrides?: Record<string, unknown>) => Promise<CellRun>;

/** Why RabbitMQ cannot be used, or null when a connection succeeds. */
async function rabbitProblem(): Promise<string | null> {
  try {
    const connection = await amqp.connect(rabbitUrl, { timeout: 3000 });
    await connection.close();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const problem = await rabbitProblem();
const skipRabbit = problem !== null && !underCi;
if (skipRabbit) {
  console.warn(`[lessons] RabbitMQ leg skipped: ${rabbitUrl.replace(/\/\/[^@]*@/, '//')} is not reachable (${problem})`);
}

const pythonMissing = pythonProblem();
if (pythonMissing !== undefined && !underCi) console.warn(`[lessons] Python legs skipped: ${pythonMissing}`);

/** Actors that opened a connection and did not close it before the runner's closing snapshot. */
function actorsLeftOpen(events: TraceEvent[]): string[] {
  const lastState = events.findLastIndex((event) => event.kind === 'state');
  const opened = new Set<string>();
  const closed = new Set<string>();
  events.forEach((event, index) => {
    if (event.kind !== 'frame') return;
    if (event.method === 'connection.start-ok') opened.add(event.actor);
    // Closed by the client, or by the broker (a refused login, say).
    if (event.method === 'connection.close' && index < lastState) closed.add(event.actor);
  });
  return [...opened].filter((actor) => !closed.has(actor));
}

/** Starts a cell on `runner` and collects its run. */
async function runOn(
  runner: Runner,
  broker: BrokerKind,
  lesson: string,
  cell: string,
  overrides: Record<string, unknown>,
  language: ProgramLanguage,
): Promise<CellRun> {
  const events: TraceEvent[] = [];
  let status: RunStatus = 'starting';
  let failure: RunFailure | undefined;
  const started = Date.now();
  const handle = runner.start(
    { lesson, cell, params: overrides, language },
    {
      onEvent: (event) => events.push(event),
      onStatus: (value, why) => {
        status = value;
        failure = why;
      },
      onSummary: () => {},
    },
  );
  const summary = await handle.done;
  return {
    broker,
    events,
    // What the programs printed; the runner's notes on their processes (started, killed, ended) are not theirs.
    logs: events.flatMap((event) =>
      event.kind === 'log' && event.process === undefined ? [{ actor: event.actor, text: event.text }] : [],
    ),
    states: events.filter((event): event is BrokerStateEvent => event.kind === 'state'),
    summary,
    status,
    failure,
    unclosedActors: actorsLeftOpen(events),
    durationMs: Date.now() - started,
  };
}

/**
 * Declares a lesson's tests once per broker and language: `title [embedded]`
 * and `title [rabbitmq]` for JavaScript, `title [embedded, python]` and
 * `title [rabbitmq, python]` for Python, each with a runner of its own, for
 * the course's lessons or those `catalog` loads. `brokers` leaves a leg out
 * where another file runs it (a cell that changes RabbitMQ's own settings
 * runs there only with the restart tests).
 */
export function describeOnBrokers(
  title: string,
  body: (runCell: RunCell, broker: () => BrokerKind, language: ProgramLanguage) => void,
  catalog: () => Promise<LessonCatalog> = lessons,
  languages: readonly ProgramLanguage[] = ['javascript'],
  brokers: readonly BrokerKind[] = ['embedded', 'rabbitmq'],
): void {
  for (const language of languages)
    for (const broker of brokers) {
      const skip = (broker === 'rabbitmq' && skipRabbit) || (language === 'python' && pythonMissing !== undefined && !underCi);
      describe.skipIf(skip)(`${title} [${broker}${language === 'python' ? ', python' : ''}]`, () => {
        let target: BrokerTarget | undefined;
        let runner: Runner | undefined;
        beforeAll(async () => {
          target = await openBrokerTarget({
            amqpUrl: broker === 'embedded' ? undefined : rabbitUrl,
            brokerPort: 0,
            brokerDataDir: { temporary: true },
          });
          runner = createRunner({ broker: target, lessons: await catalog(), log: () => {} });
        });
        afterAll(async () => {
          await runner?.close();
          await target?.close();
        });
        body(
          (lesson, cell, overrides = {}) => {
            if (runner === undefined) throw new Error(`the ${broker} runner did not start`);
            return runOn(runner, broker, lesson, cell, overrides, language);
          },
          () => broker,
          language,
        );
      });
    }
}

/** The lines one actor printed. */
export function linesOf(run: CellRun, actor: string): string[] {
  return run.logs.filter((line) => line.actor === actor).map((line) => line.text);
}

/** How many lines of an actor (or of everyone) match a pattern. */
export function countLines(run: CellRun, pattern: RegExp, actor?: string): number {
  return run.logs.filter((line) => (actor === undefined || line.actor === actor) && pattern.test(line.text)).length;
}

/** The frames of one method (and actor, if given), in order. */
export function framesOf<M extends FrameMethod>(run: CellRun, method: M, actor?: string): FrameOf<M>[] {
  return run.events.filter(
    (event): event is FrameOf<M> => event.kind === 'frame' && event.method === method && (actor === undefined || event.actor === actor),
  );
}

/** The snapshot's view of one queue: ready, unacknowledged, consumers (undefined when the queue is not there). */
export function queueIn(state: BrokerStateEvent, name: string): { ready: number; unacked: number; consumers: number } | undefined {
  const queue = state.queues.find((candidate) => candidate.name === name);
  return queue && { ready: queue.messagesReady, unacked: queue.messagesUnacknowledged, consumers: queue.consumers };
}

/** A run that ended by itself (not stopped, failed or cut off by a limit) and closed its own connections. */
export function expectCleanEnd(run: CellRun): void {
  expect(run.failure, run.failure?.explanation).toBeUndefined();
  expect(run.status).toBe('finished');
  expect(run.unclosedActors).toEqual([]);
}
