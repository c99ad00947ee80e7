/**
 * One actor of a run as a process of its own: the program its code cell
 * shows, run by `node` (JavaScript) or `python3` (Python) with the run's clock
 * loaded first (see clock/). Each line it prints is handed on as the actor's
 * output. The runner acts on it as a person would on a real program: kill it
 * (SIGKILL, a crash), interrupt it (SIGINT, Ctrl-C: the program's own clean
 * exit), and, while a run is paused, freeze and thaw it (SIGSTOP, SIGCONT).
 *
 * The program is given on standard input, so nothing is written to disk; a
 * JavaScript program's imports (amqplib) resolve from the folder it runs in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConfigFileName } from './cell.js';
import { STOPPED_TIME_VARIABLE } from './clock/run-clock.js';
import { nodeClockModule } from './clock/node-clock-module.js';
import type { ProgramLanguage } from '../protocol/lesson.js';

export type { ProgramLanguage } from '../protocol/lesson.js';

/** The Python the programs run with: Debian's, which has pika (python3-pika). */
export const PYTHON = '/usr/bin/python3';

/** The folder whose sitecustomize.py puts the run's clock into every Python actor. */
const PYTHON_CLOCK_FOLDER = fileURLToPath(new URL('./clock/python/', import.meta.url));

/** What a program printed: a line of its standard output, or of its standard error. */
export interface ActorLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** How a program ended: its exit code, or the signal that ended it. */
export interface ActorExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ActorProcessOptions {
  /** The actor's name, as the trace and the picture show it ("worker 1"). */
  actor: string;
  language: ProgramLanguage;
  /** The program's source, exactly as the code cell shows it. */
  program: string;
  /** The run clock's file (RunClock.file). */
  clockFile: string;
  /** Where the program runs; a JavaScript program's packages resolve from here. */
  folder: string;
  /** Variables the program reads (the broker's address for this run, say). */
  environment?: Record<string, string>;
  /** Called with every line the program prints, in order. */
  onLine: (line: ActorLine) => void;
  /**
   * The actor is the embedded broker, started as a learner would (`npm run broker -- --config <configFile>`) with
   * `program` as that file, in a folder of its own; listening on a free port of 127.0.0.1, keeping nothing.
   */
  configFile?: ConfigFileName;
  /** Runs the program elsewhere: the command line that runs `file args` there (another machine's namespace). */
  runsOn?: (file: string, args: readonly string[]) => { file: string; args: string[] };
}

/** A running actor. */
export interface ActorProcess {
  readonly actor: string;
  readonly pid: number;
  /** Resolves once the program has ended and every line it printed has been handed on. */
  readonly exited: Promise<ActorExit>;
  /** SIGKILL: the program dies at once, as in a crash. */
  kill(): void;
  /** SIGINT: Ctrl-C, the program's own way out. */
  interrupt(): void;
  /** SIGSTOP: the program stands still, its sockets with it. */
  freeze(): void;
  /** SIGCONT: it goes on. */
  thaw(): void;
}

/** Starts the program; resolves once it is running. */
export async function startActorProcess(options: ActorProcessOptions): Promise<ActorProcess> {
  const folder = options.configFile === undefined ? undefined : await writeConfigFile(options.configFile, options.program);
  const command = options.configFile === undefined ? await commandFor(options.language) : brokerCommand(options.configFile);
  const where = options.runsOn?.(command.file, command.args) ?? command;
  const child = spawn(where.file, where.args, {
    cwd: folder ?? options.folder,
    env: {
      ...process.env,
      ...command.environment,
      ...options.environment,
      [STOPPED_TIME_VARIABLE]: options.clockFile,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  await Promise.race([once(child, 'spawn'), once(child, 'error').then(([error]) => Promise.reject(cannotStart(options, error)))]);
  child.stdin.end(folder === undefined ? options.program : '');

  const streams = [readLines(child, 'stdout', options.onLine), readLines(child, 'stderr', options.onLine)];
  const exited = new Promise<ActorExit>((resolve) => {
    child.once('close', (code, signal) => {
      const removed = folder === undefined ? Promise.resolve() : rm(folder, { recursive: true, force: true });
      void Promise.all([...streams, removed]).then(() => resolve({ code, signal }));
    });
  });
  const signal = (name: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
  };
  return {
    actor: options.actor,
    pid: child.pid ?? 0,
    exited,
    kill: signal('SIGKILL'),
    interrupt: signal('SIGINT'),
    freeze: signal('SIGSTOP'),
    thaw: signal('SIGCONT'),
  };
}

/** The broker's command line, as `npm run broker` runs it (tsx server/broker/cli.ts). */
const BROKER_CLI = fileURLToPath(new URL('../broker/cli.ts', import.meta.url));

/**
 * The embedded broker with the configuration file `name` (in the folder it runs in, so its messages name the file
 * as the learner does). Fixed flags only: the file is data, and a free port of 127.0.0.1 and memory are all it gets.
 */
function brokerCommand(name: ConfigFileName): Command {
  const tsx = fileURLToPath(import.meta.resolve('tsx'));
  return {
    file: process.execPath,
    args: ['--import', pathToFileURL(tsx).href, BROKER_CLI, '--config', name, '--in-memory', '--host', '127.0.0.1', '--port', '0'],
    environment: {},
  };
}

/** A folder of the run's own holding the configuration file; removed when the broker ends. */
async function writeConfigFile(name: ConfigFileName, text: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'warren-config-'));
  await writeFile(join(folder, name), text);
  return folder;
}

interface Command {
  file: string;
  args: string[];
  environment: Record<string, string>;
}

async function commandFor(language: ProgramLanguage): Promise<Command> {
  if (language === 'javascript')
    return { file: process.execPath, args: ['--import', await nodeClockModule(), '--input-type=module', '-'], environment: {} };
  // -u: each line printed reaches the run as it is printed, not when a buffer fills.
  return {
    file: PYTHON,
    args: ['-u', '-'],
    environment: { PYTHONPATH: PYTHON_CLOCK_FOLDER, PYTHONIOENCODING: 'utf-8' },
  };
}

function readLines(child: ChildProcess, stream: ActorLine['stream'], onLine: (line: ActorLine) => void): Promise<void> {
  const input = child[stream];
  if (input === null) return Promise.resolve();
  const lines = createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (text) => onLine({ stream, text }));
  return once(lines, 'close').then(() => undefined);
}

function cannotStart(options: ActorProcessOptions, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  const how = options.language === 'python' ? `${PYTHON} (apt-get install -y python3 python3-pika)` : 'node';
  return new Error(`${options.actor} could not start: ${how} cannot run here (${reason})`);
}
