/**
 * The seed notes' send.py and receive.py (test/fixtures/seed-programs), run
 * as a learner runs them: two separate python3 processes, pointed at the
 * lab's port (and, on the shared RabbitMQ, at the test's own vhost rather
 * than '/', which other programs use).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures/seed-programs/', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** The two programs, written for one lab. */
export interface SeedPrograms {
  /** Starts receive.py; resolves once it waits for messages. */
  startReceiver(): Promise<RunningProgram>;
  /** Runs send.py to its end; resolves with what it printed. */
  send(): Promise<string>;
  remove(): Promise<void>;
}

/** A program running in the background. */
export interface RunningProgram {
  /** Everything it has printed so far. */
  output(): string;
  /** Resolves once its output matches `pattern`; rejects after `timeoutMs`, saying what it printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Ctrl-C, as a learner stops it; resolves once it has exited. */
  interrupt(): Promise<void>;
}

/** Writes the programs for a lab at `port` and `vhost` into a folder of their own. */
export async function seedPrograms(lab: { port: number; vhost: string }): Promise<SeedPrograms> {
  const dir = await mkdtemp(join(tmpdir(), 'warren-seed-'));
  for (const file of ['send.py', 'receive.py']) {
    const text = await readFile(join(FIXTURES, file), 'utf8');
    const pointed = text.replace(
      /ConnectionParameters\('127\.0\.0\.1', 5673, '\/'\)/g,
      `ConnectionParameters('127.0.0.1', ${lab.port}, ${JSON.stringify(lab.vhost)})`,
    );
    if (pointed === text) throw new Error(`${file} no longer connects to ConnectionParameters('127.0.0.1', 5673, '/')`);
    await writeFile(join(dir, file), pointed);
  }
  return {
    async startReceiver() {
      const running = start(join(dir, 'receive.py'));
      await running.waitFor(/Waiting for messages/);
      return running;
    },
    async send() {
      const running = start(join(dir, 'send.py'));
      await running.waitFor(/sent 'Hello World!'/);
      return running.output();
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

function start(file: string): RunningProgram {
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, ['-u', file]);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    output: () => output,
    async waitFor(pattern, timeoutMs = 10_000) {
      const started = Date.now();
      while (!pattern.test(output)) {
        if (child.exitCode !== null || Date.now() - started > timeoutMs) {
          throw new Error(`${file} did not print ${String(pattern)}; it printed:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async interrupt() {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
