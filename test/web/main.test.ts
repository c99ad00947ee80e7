import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../server/protocol/index.js';
import { openSocket } from './socket-client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Children still running when a test ends (because it failed) are killed after it. */
const children = new Set<ReturnType<typeof spawn>>();
// The workbooks started here keep their broker's data in a directory of the test's own, never the user's.
const dataHome = mkdtempSync(join(tmpdir(), 'warren-main-'));
afterAll(() => {
  rmSync(dataHome, { recursive: true, force: true });
});

/** `npm start` as a child process: node with tsx's loader, the given environment. */
function startWorkbookProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, AMQP_URL: '', XDG_DATA_HOME: dataHome, BROKER_DATA_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    output: () => output,
    async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = output.match(pattern);
        if (match) return match;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** A trace message of run `runId` with a publish in it. */
function publishing(runId: string) {
  return (message: ServerMessage): message is Extract<ServerMessage, { type: 'trace' }> =>
    message.type === 'trace' &&
    message.runId === runId &&
    message.events.some((event) => event.kind === 'frame' && event.method === 'basic.publish');
}

/** The status message saying that run `runId` stopped. */
function stoppedRun(runId: string) {
  return (message: ServerMessage): message is Extract<ServerMessage, { type: 'status' }> =>
    message.type === 'status' && message.runId === runId && message.status === 'stopped';
}

describe('npm start', () => {
  let blocker: Server | undefined;
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    blocker = undefined;
  });

  it('prints the URL and the broker, serves the API, and stops cleanly on SIGTERM', async () => {
    const workbook = startWorkbookProcess({ PORT: '0', HOST: '127.0.0.1', BROKER_PORT: '0' });
    const [, url] = await workbook.waitFor(/Warren is running: open (http:\/\/127\.0\.0\.1:\d+\/)/);
    expect(workbook.output()).toContain('Broker: the embedded broker (memory limit');
    expect(workbook.output()).toContain(`Broker data: ${join(dataHome, 'warren', 'broker')} (BROKER_DATA_DIR)`);
    // The address for programs of your own works as printed.
    const [, address = '', labPage = ''] =
      /Programs of your own connect to (amqp:\/\/guest:guest@127\.0\.0\.1:\d+) \(BROKER_PORT\); the Lab page shows them: (\S+)/.exec(
        workbook.output(),
      ) ?? [];
    const connection = await amqp.connect(address);
    await connection.close();
    // The page itself needs the built client, which `npm start` builds first; the end-to-end tests open it.
    expect(labPage).toBe(`${url}lab`);
    const lessons = (await (await fetch(`${url}api/lessons`)).json()) as { id: string }[];
    expect(lessons[0]?.id).toBe('01-hello-world');
    workbook.child.kill('SIGTERM');
    expect(await workbook.exited).toBe(0);
  });

  it('keeps serving when a publisher confirms run is stopped, reset or left mid-run', async () => {
    const workbook = startWorkbookProcess({ PORT: '0', HOST: '127.0.0.1', BROKER_PORT: '0' });
    const [, url = ''] = await workbook.waitFor(/Warren is running: open (http:\/\/127\.0\.0\.1:\d+\/)/);
    for (const action of ['stop', 'reset', 'close'] as const) {
      const socket = await openSocket(`${url.replace('http', 'ws')}ws`, { origin: url.slice(0, -1) });
      socket.send({ type: 'run', runId: action, lesson: '07-publisher-confirms', cell: 'compare', params: { messages: 10_000 } });
      await socket.take(publishing(action));
      if (action === 'close') await socket.close();
      else socket.send({ type: action, runId: action });
      if (action === 'stop') await socket.take(stoppedRun(action));
      await socket.close();
    }
    // Long enough for a stopped run's abandoned waits to be rejected, and for Node to end the process if nobody handled them.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(workbook.child.exitCode).toBeNull();
    expect((await fetch(`${url}api/lessons`)).status).toBe(200);
    expect(workbook.output()).not.toMatch(/nobody awaited|nobody caught|Error/);
    workbook.child.kill('SIGTERM');
    expect(await workbook.exited).toBe(0);
  });

  it('goes on serving, and stops on SIGTERM, once nobody reads its output', async () => {
    const workbook = startWorkbookProcess({ PORT: '0', HOST: '127.0.0.1', BROKER_PORT: '0' });
    const [, url] = await workbook.waitFor(/Warren is running: open (http:\/\/127\.0\.0\.1:\d+\/)/);
    // As when the terminal is closed or `npm start | head` has had its lines: every later write fails.
    workbook.child.stdout.destroy();
    workbook.child.stderr.destroy();
    expect((await fetch(`${url}api/lessons`)).status).toBe(200);
    // Its goodbye line fails to be written; it stops all the same.
    workbook.child.kill('SIGTERM');
    expect(await workbook.exited).toBe(0);
  });

  it('says when the port for programs of your own is taken, and how to pick another, and exits 1', async () => {
    const taken = createServer();
    blocker = taken;
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const { port } = taken.address() as AddressInfo;
    const workbook = startWorkbookProcess({ PORT: '0', HOST: '127.0.0.1', BROKER_PORT: String(port) });
    expect(await workbook.exited).toBe(1);
    expect(workbook.output()).toContain(`Port ${port} for programs of your own is already in use (BROKER_PORT=${port}`);
    expect(workbook.output()).toContain('BROKER_PORT=0 npm start');
  });

  it('says which port is taken and how to pick another, and exits 1', async () => {
    const taken = createServer();
    blocker = taken;
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const { port } = taken.address() as AddressInfo;
    const workbook = startWorkbookProcess({ PORT: String(port), HOST: '127.0.0.1', BROKER_PORT: '0' });
    expect(await workbook.exited).toBe(1);
    expect(workbook.output()).toContain(`Port ${port} on 127.0.0.1 is already in use (PORT=${port}`);
    expect(workbook.output()).toContain('PORT=0 npm start');
  });

  it("tells the embedded broker's memory limit, set with BROKER_MEMORY_LIMIT", async () => {
    const workbook = startWorkbookProcess({ PORT: '0', HOST: '127.0.0.1', BROKER_PORT: '0', BROKER_MEMORY_LIMIT: '256MiB' });
    await workbook.waitFor(/Warren is running/);
    expect(workbook.output()).toContain('Broker: the embedded broker (memory limit 256 MiB, BROKER_MEMORY_LIMIT)');
    workbook.child.kill('SIGTERM');
    expect(await workbook.exited).toBe(0);
  });

  it('names a bad BROKER_MEMORY_LIMIT, says what is allowed, and exits 2', async () => {
    const workbook = startWorkbookProcess({ BROKER_MEMORY_LIMIT: 'plenty' });
    expect(await workbook.exited).toBe(2);
    expect(workbook.output()).toContain("BROKER_MEMORY_LIMIT: 'plenty' is not a memory limit: use a size such as 512MB");
  });

  it('names a bad PORT and exits 2', async () => {
    const workbook = startWorkbookProcess({ PORT: 'eighty' });
    expect(await workbook.exited).toBe(2);
    expect(workbook.output()).toContain('PORT="eighty" is not a port');
  });
});
