// Runs a lesson's cells headless and records what their actors printed, so
// each lesson's test can assert the lesson's point.
//
// Cells run against RabbitMQ at AMQP_URL (default the local one), with one
// amqplib connection per actor named through connection_name, in the vhost
// of the URL; the tutorial's queues and exchanges are deleted before and after
// every run so runs do not see each other. An unreachable RabbitMQ skips the
// tests with a notice, except under CI=true, where they run and fail.
import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { mergeParams, validateParams } from '../../server/lessons/index.js';
import { lessons } from './catalog.js';
import type { ScenarioContext } from '../../server/scenario/index.js';

const rabbitUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Every name the tutorials declare; removed around each run. */
const TUTORIAL_QUEUES = ['hello', 'task_queue', 'rpc_queue'];
const TUTORIAL_EXCHANGES = ['logs', 'direct_logs', 'topic_logs'];

/** The longest a cell may run in a test before it counts as not ending by itself. */
const RUN_TIMEOUT_MS = 20_000;

export { cellsOf, lessons } from './catalog.js';

/** A line an actor printed. */
export interface LogLine {
  actor: string;
  text: string;
}

/** What one run of a cell left behind. */
export interface CellRun {
  /** Every line the actors printed, in order. */
  logs: LogLine[];
  /** How many times the scenario asked for a snapshot of broker state. */
  snapshots: number;
  /** Connections the scenario opened and did not close itself. */
  leakedConnections: string[];
  /** The error the scenario ended with, if it failed. */
  failure: Error | undefined;
  /** True when the run hit RUN_TIMEOUT_MS instead of ending by itself. */
  timedOut: boolean;
  /** Wall-clock duration in milliseconds. */
  durationMs: number;
}

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
if (problem !== null && process.env.CI !== 'true') {
  console.warn(`[lessons] RabbitMQ tests skipped: ${rabbitUrl.replace(/\/\/[^@]*@/, '//')} is not reachable (${problem})`);
}

/** True when the lesson tests cannot run here (no RabbitMQ, and not under CI). */
export const skipLessons = problem !== null && process.env.CI !== 'true';

/** Deletes the tutorial's queues and exchanges so the next run starts from nothing. */
async function removeTutorialNames(): Promise<void> {
  const connection = await amqp.connect(rabbitUrl, { timeout: 3000 });
  try {
    for (const queue of TUTORIAL_QUEUES) {
      const channel = await connection.createChannel();
      await channel.deleteQueue(queue);
      await channel.close();
    }
    for (const exchange of TUTORIAL_EXCHANGES) {
      const channel = await connection.createChannel();
      await channel.deleteExchange(exchange);
      await channel.close();
    }
  } finally {
    await connection.close();
  }
}

/** Runs one cell with its defaults and `overrides`, the way the runner would. */
export async function runCell(lessonId: string, cellId: string, overrides: Record<string, unknown> = {}): Promise<CellRun> {
  const found = (await lessons()).cell(lessonId, cellId);
  if (found === undefined) throw new Error(`no cell ${lessonId}/${cellId}`);
  const { cell, scenario } = found;
  const checked = validateParams(scenario.params, mergeParams(scenario.params, cell.defaults, overrides));
  if (!checked.ok) throw new Error(checked.errors.map((error) => error.message).join('; '));

  await removeTutorialNames();
  const logs: LogLine[] = [];
  const opened: { actor: string; connection: ChannelModel; closed: boolean }[] = [];
  let snapshots = 0;
  let failure: Error | undefined;
  const controller = new AbortController();

  const context: ScenarioContext<Record<string, unknown>> = {
    params: checked.params,
    async connect(actor) {
      const connection = await amqp.connect(rabbitUrl, { clientProperties: { connection_name: actor } });
      const entry = { actor, connection, closed: false };
      opened.push(entry);
      connection.on('close', () => {
        entry.closed = true;
      });
      connection.on('error', (error: Error) => {
        failure ??= error;
        controller.abort(error);
      });
      return connection;
    },
    log(actor, text) {
      logs.push({ actor, text });
    },
    sleep(ms) {
      return new Promise((resolve, reject) => {
        if (controller.signal.aborted) {
          reject(new Error('the run was stopped'));
          return;
        }
        const timer = setTimeout(() => {
          controller.signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(new Error('the run was stopped'));
        };
        controller.signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    async snapshot() {
      snapshots += 1;
    },
    signal: controller.signal,
  };

  const started = Date.now();
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('the run took too long'));
  }, RUN_TIMEOUT_MS);
  try {
    await scenario.run(context);
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
  } finally {
    clearTimeout(deadline);
  }
  const durationMs = Date.now() - started;
  const leakedConnections = opened.filter((entry) => !entry.closed).map((entry) => entry.actor);
  await Promise.all(opened.map((entry) => entry.connection.close().catch(() => undefined)));
  await removeTutorialNames();
  return { logs, snapshots, leakedConnections, failure, timedOut, durationMs };
}

/** The lines one actor printed. */
export function linesOf(run: CellRun, actor: string): string[] {
  return run.logs.filter((line) => line.actor === actor).map((line) => line.text);
}

/** How many lines of an actor (or of everyone) match a pattern. */
export function countLines(run: CellRun, pattern: RegExp, actor?: string): number {
  return run.logs.filter((line) => (actor === undefined || line.actor === actor) && pattern.test(line.text)).length;
}
