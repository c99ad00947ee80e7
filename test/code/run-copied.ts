/**
 * Runs a cell's programs the way a person who copied them from the page
 * would: each saved to its own file and started with plain `node` or
 * `python3` (no run clock, no tap), in the cell's order, each once the one
 * before it is ready; the cell's planned actions that wait for a line (a
 * worker stopped halfway through a task) are taken when that line is
 * printed; once nothing has been printed for a while, the ones still
 * running get a Ctrl-C, as a person ends a consumer.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PYTHON, type ProgramLanguage } from '../../server/programs/actor-process.js';
import type { ActorProgram, PlannedAction } from '../../server/programs/cell.js';
import { programFile } from '../../server/scenario/code-template.js';
import { pythonFile } from '../../server/scenario/python-template.js';

/** The repository's node_modules, where `import amqp from 'amqplib'` finds amqplib. */
const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

/** How long nothing may be printed before the programs still running are stopped. */
const QUIET_MS = 1500;
/** How long a program gets to leave after its Ctrl-C. */
const GRACE_MS = 5000;
/** What a program prints once it is ready, unless it says otherwise. */
const READY = /^ \[\*\] /;

/** What one copied program did. */
export interface CopiedResult {
  actor: string;
  /** Its standard output, line by line. */
  lines: string[];
  /** Its standard output as written. */
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** It was still running when the others had gone quiet, and was sent Ctrl-C. */
  interrupted: boolean;
}

/**
 * Runs `programs` in `language`; AMQP_URL is set only when `amqpUrl` is given (else the programs use their own
 * default). Of `plan`, the actions set off by an actor's line are taken; the others need the workbook's view of a run.
 */
export async function runCopied(
  programs: ActorProgram[],
  language: ProgramLanguage,
  amqpUrl?: string,
  plan: readonly PlannedAction[] = [],
): Promise<CopiedResult[]> {
  const folder = await mkdtemp(join(tmpdir(), 'warren-copied-'));
  const running: { result: CopiedResult; exited: Promise<void>; ended: boolean; interrupt: () => void; kill: () => void }[] = [];
  let lastOutput = Date.now();
  const timers: NodeJS.Timeout[] = [];
  // A person with copied programs acts on a program; restarting the broker is the workbook's to do.
  const waiting = plan.flatMap((planned) =>
    planned.action !== 'restart-broker' && typeof planned.at !== 'string' && 'line' in planned.at
      ? [{ planned, at: planned.at, seen: 0 }]
      : [],
  );
  /** Takes the planned actions `line` of `actor` sets off, after their delay. */
  const takePlanned = (actor: string, line: string): void => {
    for (const item of waiting) {
      if (item.at.actor !== actor || !item.at.line.test(line)) continue;
      item.seen += 1;
      if (item.seen !== (item.at.count ?? 1)) continue;
      const delay = typeof item.at.delayMs === 'function' ? item.at.delayMs(line) : (item.at.delayMs ?? 0);
      timers.push(
        setTimeout(() => {
          const target = running.findLast((entry) => entry.result.actor === item.planned.actor && !entry.ended);
          if (item.planned.action === 'stop') target?.interrupt();
          else target?.kill();
        }, delay),
      );
    }
  };
  try {
    await symlink(NODE_MODULES, join(folder, 'node_modules'), 'dir');
    for (const program of programs) {
      const file = language === 'python' ? pythonFile(program.actor) : programFile(program.actor);
      await writeFile(join(folder, file), program.code);
      const environment: Record<string, string | undefined> = { ...process.env, AMQP_URL: amqpUrl };
      if (amqpUrl === undefined) delete environment.AMQP_URL;
      const child = spawn(language === 'python' ? PYTHON : process.execPath, [file], { cwd: folder, env: environment });
      const result: CopiedResult = {
        actor: program.actor,
        lines: [],
        stdout: '',
        stderr: '',
        exitCode: null,
        signal: null,
        interrupted: false,
      };
      let markReady = (): void => {};
      const ready = new Promise<void>((resolve) => {
        markReady = resolve;
      });
      const next = program.next ?? { ready: READY };
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (result.stdout += chunk));
      createInterface({ input: child.stdout }).on('line', (line) => {
        lastOutput = Date.now();
        result.lines.push(line);
        takePlanned(program.actor, line);
        if (next !== 'ended' && next.ready.test(line)) markReady();
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (result.stderr += chunk));
      const entry = {
        result,
        ended: false,
        exited: once(child, 'close').then(([code, signal]) => {
          result.exitCode = code as number | null;
          result.signal = signal as NodeJS.Signals | null;
          entry.ended = true;
        }),
        interrupt: () => child.kill('SIGINT'),
        kill: () => child.kill('SIGKILL'),
      };
      running.push(entry);
      await Promise.race([next === 'ended' ? entry.exited : ready, entry.exited]);
    }
    while (running.some((entry) => !entry.ended) && Date.now() - lastOutput < QUIET_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const entry of running.filter((candidate) => !candidate.ended)) {
      entry.result.interrupted = true;
      entry.interrupt();
    }
    const late = setTimeout(() => {
      for (const entry of running) if (!entry.ended) entry.kill();
    }, GRACE_MS);
    await Promise.all(running.map((entry) => entry.exited));
    clearTimeout(late);
    return running.map((entry) => entry.result);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    for (const entry of running) if (!entry.ended) entry.kill();
    await rm(folder, { recursive: true, force: true });
  }
}
