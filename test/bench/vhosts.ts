/**
 * `npm run bench:vhosts`: per-run vhosts on a real RabbitMQ under load,
 * through the workbook server itself (`server/main.ts` with AMQP_URL set)
 * and its WebSocket, as browsers would use it:
 *
 * 1. 120 runs started at once (15 sockets of 8): how many finish, how long
 *    it takes, how many of their vhosts are left;
 * 2. start/stop spam: 3 sockets start 60 runs and stop each 0-300 ms after
 *    starting it: how many vhosts are left;
 * 3. kill -9 of the server while 16 runs go on (8 paused, 8 starting), then a
 *    restart: how many vhosts the killed server left, and how many remain
 *    after the new server's start-up sweep.
 *
 * Vhosts are counted by the mark each server writes on its own (so other
 * users of a shared RabbitMQ do not change the figures). AMQP_URL picks the
 * RabbitMQ (default amqp://guest:guest@127.0.0.1:5672); its management API
 * must answer beside it on port 15672.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import type { RunFailure, RunStatus, ServerMessage } from '../../server/protocol/messages.js';
import { managementApiFor } from '../../server/runs/management-api.js';
import { readMark } from '../../server/runs/vhost-owner.js';
import { messageText } from '../../server/web/message-text.js';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const api = managementApiFor(AMQP_URL);
const CELL = { lesson: '01-hello-world', cell: 'hello', params: {} };
const FINAL: ReadonlySet<RunStatus> = new Set(['finished', 'stopped', 'failed']);
const WAIT_MS = 10 * 60_000;

interface Workbook {
  child: ChildProcess;
  socketUrl: string;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/** `npm start` against the RabbitMQ, on a free port; resolves once it serves. */
async function startWorkbook(): Promise<Workbook> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, AMQP_URL, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(output);
      if (match !== null) return match;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the workbook exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms in:\n${output}`);
      await sleep(50);
    }
  };
  const [, url = ''] = await waitFor(/Warren is running: open (\S+)/);
  return {
    child,
    socketUrl: `${url.replace(/^http/, 'ws')}ws`,
    output: () => output,
    waitFor,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One browser's socket: starts and stops runs and keeps the last status of each. */
interface Client {
  run(runId: string, mode?: 'continuous' | 'step'): void;
  stop(runId: string): void;
  status(runId: string): RunStatus | 'refused' | undefined;
  failure(runId: string): RunFailure | undefined;
  /** Resolves once every run in `runIds` has ended (or was refused). */
  ended(runIds: string[]): Promise<void>;
  close(): void;
}

async function openClient(url: string): Promise<Client> {
  const socket = new WebSocket(url);
  const statuses = new Map<string, RunStatus | 'refused'>();
  const failures = new Map<string, RunFailure>();
  socket.on('message', (data) => {
    const message = JSON.parse(messageText(data)) as ServerMessage;
    if (message.type === 'status') {
      statuses.set(message.runId, message.status);
      if (message.failure !== undefined) failures.set(message.runId, message.failure);
    } else if (message.type === 'error' && message.runId !== undefined && !statuses.has(message.runId)) {
      statuses.set(message.runId, 'refused');
      failures.set(message.runId, { explanation: message.message, raw: message.message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const over = (runId: string): boolean => {
    const status = statuses.get(runId);
    return status === 'refused' || (status !== undefined && FINAL.has(status));
  };
  return {
    run(runId, mode = 'continuous') {
      socket.send(JSON.stringify({ type: 'run', runId, ...CELL, mode }));
    },
    stop(runId) {
      socket.send(JSON.stringify({ type: 'stop', runId }));
    },
    status: (runId) => statuses.get(runId),
    failure: (runId) => failures.get(runId),
    async ended(runIds) {
      const deadline = Date.now() + WAIT_MS;
      while (!runIds.every(over)) {
        if (Date.now() > deadline) throw new Error(`runs still going after ${WAIT_MS} ms`);
        await sleep(50);
      }
    },
    close: () => socket.close(),
  };
}

/** Vhosts the server process `pid` marked as its own that are still on RabbitMQ. */
async function vhostsOf(pid: number | undefined): Promise<string[]> {
  return (await api.vhosts()).filter((vhost) => readMark(vhost)?.owner.pid === pid).map((vhost) => vhost.name);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** "finished 118, failed 2" */
function tally(statuses: (string | undefined)[]): string {
  const counts = new Map<string, number>();
  for (const status of statuses) counts.set(status ?? 'none', (counts.get(status ?? 'none') ?? 0) + 1);
  return [...counts].map(([status, count]) => `${status} ${count}`).join(', ');
}

/** The distinct failure explanations, most frequent first, for a figure that is not what it should be. */
function failureLines(clients: Client[], runIds: string[][]): string[] {
  const counts = new Map<string, number>();
  clients.forEach((client, at) => {
    for (const runId of runIds[at] ?? []) {
      const text = client.failure(runId)?.explanation;
      if (text !== undefined) counts.set(text, (counts.get(text) ?? 0) + 1);
    }
  });
  return [...counts].sort((a, b) => b[1] - a[1]).map(([text, count]) => `    ${count} x ${text.slice(0, 240)}`);
}

async function runsAtOnce(): Promise<void> {
  const sockets = 15;
  const perSocket = 8;
  const workbook = await startWorkbook();
  try {
    const clients = await Promise.all(Array.from({ length: sockets }, () => openClient(workbook.socketUrl)));
    const runIds = clients.map((_, at) => Array.from({ length: perSocket }, (_unused, n) => `s${at}-run${n}`));
    const started = performance.now();
    clients.forEach((client, at) => runIds[at]?.forEach((runId) => client.run(runId)));
    await Promise.all(clients.map((client, at) => client.ended(runIds[at] ?? [])));
    const seconds = (performance.now() - started) / 1000;
    const statuses = clients.flatMap((client, at) => (runIds[at] ?? []).map((runId) => client.status(runId)));
    const finished = statuses.filter((status) => status === 'finished').length;
    const left = await vhostsOf(workbook.child.pid);
    console.log(
      `${sockets * perSocket} runs started at once (${sockets} sockets x ${perSocket}): ${finished} of ${statuses.length} finished ` +
        `(${tally(statuses)}) in ${seconds.toFixed(1)} s; vhosts left: ${left.length}`,
    );
    for (const line of failureLines(clients, runIds)) console.log(line);
    for (const client of clients) client.close();
  } finally {
    await workbook.stop();
  }
  console.log(`  after the server stopped: vhosts left: ${(await vhostsOf(workbook.child.pid)).length}`);
}

async function startStopSpam(): Promise<void> {
  const sockets = 3;
  const perSocket = 20;
  const maxGoing = 8;
  const workbook = await startWorkbook();
  try {
    const clients = await Promise.all(Array.from({ length: sockets }, () => openClient(workbook.socketUrl)));
    const runIds = clients.map((_, at) => Array.from({ length: perSocket }, (_unused, n) => `spam${at}-${n}`));
    await Promise.all(
      clients.map(async (client, at) => {
        const mine = runIds[at] ?? [];
        for (const [n, runId] of mine.entries()) {
          // A socket may have 8 runs going: wait for one to end rather than be refused.
          while (mine.slice(0, n).filter((earlier) => !FINAL.has(client.status(earlier) as RunStatus)).length >= maxGoing) await sleep(10);
          client.run(runId);
          await sleep(Math.floor(Math.random() * 300));
          client.stop(runId);
        }
        await client.ended(mine);
      }),
    );
    const statuses = clients.flatMap((client, at) => (runIds[at] ?? []).map((runId) => client.status(runId)));
    const left = await vhostsOf(workbook.child.pid);
    console.log(
      `start/stop spam (${sockets} sockets, ${sockets * perSocket} runs, each stopped 0-300 ms after its start): ${tally(statuses)}; vhosts left: ${left.length}`,
    );
    for (const line of failureLines(clients, runIds)) console.log(line);
    for (const client of clients) client.close();
  } finally {
    await workbook.stop();
  }
  console.log(`  after the server stopped: vhosts left: ${(await vhostsOf(workbook.child.pid)).length}`);
}

async function killMidRun(): Promise<void> {
  const killed = await startWorkbook();
  const client = await openClient(killed.socketUrl);
  // Eight runs held at their first frame (step mode keeps them going), eight more just asked for.
  const paused = Array.from({ length: 8 }, (_, n) => `paused-${n}`);
  for (const runId of paused) client.run(runId, 'step');
  const deadline = Date.now() + WAIT_MS;
  while (!paused.every((runId) => client.status(runId) === 'paused')) {
    if (Date.now() > deadline) throw new Error(`runs not paused: ${tally(paused.map((runId) => client.status(runId)))}`);
    await sleep(20);
  }
  for (let n = 0; n < 8; n += 1) client.run(`starting-${n}`);
  await sleep(100);
  killed.child.kill('SIGKILL');
  await new Promise((resolve) => killed.child.once('exit', resolve));
  client.close();
  // RabbitMQ finishes the PUTs the killed server had sent.
  await sleep(2000);
  const leftByKill = await vhostsOf(killed.child.pid);
  const restarted = await startWorkbook();
  try {
    const [sweep = ''] = await restarted.waitFor(/RabbitMQ: (deleted|no vhosts|could not)[^\n]*/);
    const afterSweep = await vhostsOf(killed.child.pid);
    console.log(
      `kill -9 mid-run (8 runs paused, 8 starting): vhosts the killed server left: ${leftByKill.length}; ` +
        `after a restart's sweep: ${afterSweep.length}`,
    );
    console.log(`  the restarted server said: ${sweep.replace(/ \(.*\)\./, '.')}`);
  } finally {
    await restarted.stop();
  }
  console.log(`  after the restarted server stopped: its vhosts left: ${(await vhostsOf(restarted.child.pid)).length}`);
}

const rabbit = new URL(AMQP_URL);
const credentials = `${decodeURIComponent(rabbit.username || 'guest')}:${decodeURIComponent(rabbit.password || 'guest')}`;
const overview = (await fetch(`http://${rabbit.hostname}:15672/api/overview`, {
  headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
}).then(
  (response) => response.json(),
  () => ({}),
)) as { rabbitmq_version?: string };
console.log(
  `Per-run vhosts on RabbitMQ ${overview.rabbitmq_version ?? '(version unknown)'} at ${rabbit.host}, through the workbook server`,
);
await runsAtOnce();
await startStopSpam();
await killMidRun();
