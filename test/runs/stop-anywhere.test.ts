/**
 * Stop, reset or disconnect at any moment: for every run cell of every
 * lesson, on both brokers, a real workbook server is driven over its
 * WebSocket and each run is cut short at seeded random moments (at once,
 * while it starts, while it runs, in step mode after some steps). The
 * server must keep answering, no run may fail for it, a new run must still
 * complete, and nothing a run made may be left on the broker.
 *
 * A failure prints its seed: CHAOS_SEED=<seed> replays the same moments.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunStatus, ServerMessage } from '../../server/protocol/index.js';
import { openSocket, type TestSocket } from '../web/socket-client.js';
import { COURSE_LESSONS, startWorkbook, type TestWorkbook } from '../web/workbook.js';
import { RABBIT_URL, rabbitProblem } from './legs.js';
import { changesBrokerSettings } from '../../server/protocol/index.js';

const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`[stop-anywhere] seed ${seed}: replay these moments with CHAOS_SEED=${seed}`);

/** How many cells are cut short at the same time. */
const AT_ONCE = 4;
/** How many times each cell is cut short at each moment. */
const ROUNDS = 1;
const MANAGEMENT = 'http://127.0.0.1:15672/api';
const MANAGEMENT_AUTH = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };

type Action = 'stop' | 'reset' | 'disconnect';
type Moment = 'at once' | 'while starting' | 'while running' | 'after steps';
const ACTIONS: Action[] = ['stop', 'reset', 'disconnect'];
const MOMENTS: Moment[] = ['at once', 'while starting', 'while running', 'after steps'];
const FINAL: ReadonlySet<RunStatus> = new Set(['finished', 'stopped', 'failed']);

interface Trial {
  lesson: string;
  cell: string;
  action: Action;
  moment: Moment;
  /** Milliseconds waited before acting, once the moment has come. */
  delayMs: number;
  /** For 'after steps': the pause before each step let through, in milliseconds. */
  stepPausesMs: number[];
  /** For 'disconnect': the socket is cut (a crashed tab) rather than closed (a closed tab). */
  abrupt: boolean;
}

/** A small seeded generator (mulberry32), so a seed replays the same moments. */
function seededRandom(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every run cell of every lesson in the catalog, each cut short at every moment, the actions taken in turn. */
function trialsFor(workbook: TestWorkbook, random: () => number, kind: 'embedded' | 'rabbitmq'): Trial[] {
  const cells = workbook.lessons.list().flatMap((summary) =>
    (workbook.lessons.get(summary.id)?.cells ?? []).flatMap((cell) =>
      // A cell that restarts the broker closes the connections of every run on it, and trials here run side by side:
      // its restart is tested alone, in test/restart/. So is a cell that changes RabbitMQ's settings for everyone on it.
      cell.kind === 'run' && !cell.restartsBroker && (kind === 'embedded' || !changesBrokerSettings(cell.brokerSettings))
        ? [{ lesson: summary.id, cell: cell.id }]
        : [],
    ),
  );
  const trials = cells.flatMap((cell, cellIndex) =>
    Array.from({ length: ROUNDS }, (_, round) =>
      MOMENTS.map((moment, momentIndex) => ({
        ...cell,
        moment,
        action: ACTIONS[(cellIndex + momentIndex + round) % ACTIONS.length] ?? 'stop',
        delayMs: Math.floor(random() * (moment === 'while running' ? 1500 : 40)),
        stepPausesMs: Array.from({ length: 1 + Math.floor(random() * 30) }, () => Math.floor(random() * 10)),
        abrupt: random() < 0.5,
      })),
    ).flat(),
  );
  // Shuffled, so different cells overlap from one seed to the next.
  for (let index = trials.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [trials[index], trials[other]] = [trials[other] as Trial, trials[index] as Trial];
  }
  return trials;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function statusOf(runId: string, wanted: ReadonlySet<RunStatus>) {
  return (message: ServerMessage): message is Extract<ServerMessage, { type: 'status' }> =>
    message.type === 'status' && message.runId === runId && (wanted.has(message.status) || FINAL.has(message.status));
}

/** Runs one trial over a socket of its own; returns what went wrong (nothing, normally) and the socket if it stays open. */
async function runTrial(workbook: TestWorkbook, trial: Trial, runId: string): Promise<string[]> {
  const problems: string[] = [];
  const socket: TestSocket = await openSocket(workbook.socketUrl);
  const mode = trial.moment === 'after steps' ? 'step' : 'continuous';
  socket.send({ type: 'run', runId, lesson: trial.lesson, cell: trial.cell, params: {}, mode });
  if (trial.moment === 'while starting') await socket.take(statusOf(runId, new Set(['starting'])), 30_000);
  if (trial.moment === 'while running') await socket.take(statusOf(runId, new Set(['running'])), 30_000);
  if (trial.moment === 'after steps') {
    await socket.take(statusOf(runId, new Set(['paused'])), 30_000);
    for (const pauseMs of trial.stepPausesMs) {
      await pause(pauseMs);
      socket.send({ type: 'step', runId });
    }
  }
  await pause(trial.delayMs);
  if (trial.action === 'stop') {
    socket.send({ type: 'stop', runId });
    const final = await socket.take(statusOf(runId, new Set()), 30_000);
    if (final.status === 'failed') problems.push(`it failed: ${final.failure?.explanation ?? ''} (${final.failure?.raw ?? ''})`);
  } else if (trial.action === 'reset') {
    socket.send({ type: 'reset', runId });
  }
  // Kept open a moment after a reset, so the reset (not the closing socket) is what ends the run.
  if (trial.action === 'reset') await pause(200);
  for (const message of socket.received) {
    if (message.type === 'error' && !/is over|no run/.test(message.message)) problems.push(`the server answered: ${message.message}`);
  }
  if (trial.action === 'disconnect' && trial.abrupt) socket.socket.terminate();
  else await socket.close();
  const answer = await fetch(`${workbook.server.url}api/lessons`);
  if (answer.status !== 200) problems.push(`GET /api/lessons answered ${answer.status} afterwards`);
  const next = await completeRun(workbook, `${runId}-after`);
  if (next !== 'finished') problems.push(`the next run ended ${next}`);
  return problems;
}

/** Resolves with true once `promise` settles, or false after `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return settled;
}

/** Polls `look` until it returns nothing, for at most `ms`; what it returned last. */
async function untilEmpty<T>(look: () => Promise<T[]>, ms: number): Promise<T[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await look();
    if (found.length === 0 || Date.now() > deadline) return found;
    await pause(250);
  }
}

/** TCP connections to `port` on this machine that are still open, from /proc/net/tcp (listeners and TIME_WAIT left out). */
function openConnectionsTo(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(([, local, , state]) => local?.endsWith(`:${hexPort}`) === true && state !== '0A' && state !== '06')
    .map(([, local, remote, state]) => `${local} <- ${remote} (state ${state})`);
}

/** What the runs of this test left on the broker: vhosts, and connections or sockets into them. */
async function leftovers(workbook: TestWorkbook): Promise<string[]> {
  const vhosts = new Set(workbook.started.map((handle) => `warren-${handle.id}`));
  const embedded = workbook.broker.embedded;
  if (embedded !== undefined) {
    const left = [...vhosts].filter((vhost) => {
      try {
        embedded.snapshot(vhost);
        return true;
      } catch {
        return false;
      }
    });
    const root = embedded.snapshot('/');
    const inRoot = [
      ...root.queues.map((queue) => `queue '${queue.name}' in /`),
      ...root.exchanges
        .filter((exchange) => exchange.name !== '' && !exchange.name.startsWith('amq.'))
        .map((e) => `exchange '${e.name}' in /`),
    ];
    const sockets = await untilEmpty(async () => openConnectionsTo(embedded.port), 5000);
    return [...left.map((vhost) => `vhost ${vhost}`), ...inRoot, ...sockets.map((socket) => `connection ${socket}`)];
  }
  const management = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${MANAGEMENT}${path}`, { headers: MANAGEMENT_AUTH });
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    return (await response.json()) as T;
  };
  // Only what this test's runs made: RabbitMQ is shared, and the rest is not ours to judge.
  const left = await untilEmpty(
    async () =>
      (await management<{ name: string }[]>('/vhosts?columns=name')).map((vhost) => vhost.name).filter((name) => vhosts.has(name)),
    10_000,
  );
  const connections = await untilEmpty(
    async () =>
      (await management<{ name: string; vhost: string }[]>('/connections?columns=name,vhost')).filter((connection) =>
        vhosts.has(connection.vhost),
      ),
    10_000,
  );
  return [
    ...left.map((vhost) => `vhost ${vhost}`),
    ...connections.map((connection) => `connection ${connection.name} in ${connection.vhost}`),
  ];
}

/** A run that must complete: the first cell of the first lesson, over a new socket. */
async function completeRun(workbook: TestWorkbook, runId: string): Promise<RunStatus> {
  const lesson = workbook.lessons.list()[0];
  const cell = workbook.lessons.get(lesson?.id ?? '')?.cells.find((candidate) => candidate.kind === 'run');
  const socket = await openSocket(workbook.socketUrl);
  try {
    socket.send({ type: 'run', runId, lesson: lesson?.id, cell: cell?.id, params: {} });
    return (await socket.take(statusOf(runId, new Set()), 30_000)).status;
  } finally {
    await socket.close();
  }
}

const skipRabbit = rabbitProblem !== null && process.env.CI !== 'true';

describe('stopping, resetting or disconnecting at any moment', () => {
  for (const kind of ['embedded', 'rabbitmq'] as const) {
    it.skipIf(kind === 'rabbitmq' && skipRabbit)(
      `[${kind}] leaves the server serving and nothing behind, in every cell of every lesson`,
      { timeout: 360_000 },
      async () => {
        const workbook = await startWorkbook({ lessonsDir: COURSE_LESSONS, amqpUrl: kind === 'rabbitmq' ? RABBIT_URL : undefined });
        try {
          const random = seededRandom(seed + (kind === 'rabbitmq' ? 1 : 0));
          const trials = trialsFor(workbook, random, kind);
          expect(trials.length).toBeGreaterThanOrEqual(ROUNDS * MOMENTS.length * workbook.lessons.list().length);
          const problems: string[] = [];
          let next = 0;
          const worker = async (): Promise<void> => {
            for (let trial = trials[next]; trial !== undefined; trial = trials[next]) {
              const index = next;
              next += 1;
              const how = trial.action === 'disconnect' && trial.abrupt ? 'cut the socket' : trial.action;
              const name = `${trial.lesson}/${trial.cell}: ${how} ${trial.moment} (+${trial.delayMs} ms${trial.moment === 'after steps' ? `, ${trial.stepPausesMs.length} steps` : ''})`;
              try {
                for (const problem of await runTrial(workbook, trial, `chaos-${index}`)) problems.push(`${name}: ${problem}`);
              } catch (error) {
                problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
              }
            }
          };
          await Promise.all(Array.from({ length: AT_ONCE }, worker));

          for (const handle of workbook.started) {
            if (!(await settlesWithin(handle.done, 30_000))) problems.push(`run ${handle.id} never ended`);
            const report = workbook.reports.get(handle);
            if (report?.statuses.includes('failed')) {
              problems.push(`run ${handle.id} failed: ${report.failure?.explanation ?? ''} (${report.failure?.raw ?? ''})`);
            }
          }
          problems.push(...(await leftovers(workbook)).map((left) => `left behind: ${left}`));
          expect(problems, `seed ${seed}`).toEqual([]);
          expect(await completeRun(workbook, 'after-all-trials'), `seed ${seed}`).toBe('finished');
          expect(await leftovers(workbook), `seed ${seed}`).toEqual([]);
        } finally {
          await workbook.close();
        }
      },
    );
  }
});
