/**
 * Runs a cell's programs the way a learner would: each saved to its own
 * file and started with `node` as a separate process, against one broker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { programFile } from '../../server/scenario/code-template.js';
import type { ActorCode } from '../../server/scenario/index.js';

/** The repository's node_modules, where `import amqp from 'amqplib'` finds amqplib. */
const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

/** What one program did. */
export interface ProgramResult {
  actor: string;
  /** Its standard output, line by line. */
  lines: string[];
  stderr: string;
  /** Its exit code; null when it was killed. */
  exitCode: number | null;
  /** True when it was still running at the deadline and was killed. */
  killed: boolean;
}

/**
 * A line saying the program is ready for the next one to start: a consumer's
 * " [*] Waiting for ..." (printed once it consumes) or an RPC server's
 * "Awaiting RPC requests".
 */
function saysReady(line: string): boolean {
  return line.startsWith(' [*] ') || line.includes('Awaiting RPC requests');
}

/**
 * Runs the programs against `amqpUrl`. They start in order, each once the
 * one before it is ready (consuming) or has ended, as the cell's run starts
 * its actors; all of them are killed if they have not ended within `timeoutMs`.
 */
export async function runPrograms(programs: ActorCode[], amqpUrl: string, timeoutMs: number): Promise<ProgramResult[]> {
  const folder = await mkdtemp(join(tmpdir(), 'warren-code-'));
  const children: ChildProcess[] = [];
  const deadline = setTimeout(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, timeoutMs);
  try {
    await symlink(NODE_MODULES, join(folder, 'node_modules'), 'dir');
    for (const { actor, code } of programs) await writeFile(join(folder, programFile(actor)), code);
    const finished: Promise<ProgramResult>[] = [];
    for (const { actor } of programs) {
      const child = spawn(process.execPath, [programFile(actor)], {
        cwd: folder,
        env: { ...process.env, AMQP_URL: amqpUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      const { ready, result } = watch(actor, child);
      finished.push(result);
      await Promise.race([ready, result]);
    }
    return await Promise.all(finished);
  } finally {
    clearTimeout(deadline);
    await rm(folder, { recursive: true, force: true });
  }
}

/** Collects a program's output; `ready` resolves at its first ready line. */
function watch(actor: string, child: ChildProcess): { ready: Promise<void>; result: Promise<ProgramResult> } {
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let markReady = (): void => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (saysReady(line)) markReady();
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const result = new Promise<ProgramResult>((resolve) => {
    child.on('error', (error) => {
      resolve({ actor, lines, stderr: `${stderr}${error.message}`, exitCode: null, killed: false });
    });
    child.on('close', (exitCode, signal) => {
      if (partial !== '') lines.push(partial);
      resolve({ actor, lines, stderr, exitCode, killed: signal === 'SIGKILL' });
    });
  });
  return { ready, result };
}
