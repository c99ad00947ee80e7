/**
 * A run's programs as processes: each started with the run's address (a port
 * of the tap's of its own, so its frames carry its name), each line it prints
 * added to the trace as its output, its end added too. Frozen and thawed
 * together with the run's clock, so no program's timer runs while the run is
 * paused. Killed or interrupted as a person would do it, by hand or as a
 * lesson plans it.
 */
import { fileURLToPath } from 'node:url';
import type { RunState } from '../model/state.js';
import {
  startActorProcess,
  type ActorExit,
  type ActorProcess,
  type ActorProcessOptions,
  type ProgramLanguage,
} from '../programs/actor-process.js';
import type { ActorAction, ConfigFileName, ExpectedTrouble } from '../programs/cell.js';
import { createRunClock, type RunClock } from '../programs/clock/run-clock.js';
import type { ActorProcessNote, LostDelivery } from '../protocol/trace.js';
import type { TraceRecorder } from '../trace/recorder.js';
import { namesAnError } from './program-crashes.js';

/** Where the programs run: the project's folder, so a JavaScript program's `import amqp from 'amqplib'` resolves. */
const PROJECT_FOLDER = fileURLToPath(new URL('../../', import.meta.url));

/** How long a program interrupted with Ctrl-C gets to leave by itself before it is killed. */
export const INTERRUPT_GRACE_MS = 3000;

/** One program of the run. */
export interface RunningActor {
  readonly actor: string;
  /** Resolves once it has ended and its last line is in the trace. */
  readonly exited: Promise<ActorExit>;
  readonly ended: boolean;
}

/** What starting a program needs to know beyond its code. */
export interface ActorStart {
  actor: string;
  code: string;
  /** Matches the line it prints each time it finished a message (see ActorProgram.finished). */
  finished?: RegExp;
  /** What it is meant to run into (see ActorProgram.expects). */
  expects?: ExpectedTrouble;
  /** Who started it: the lesson's plan, or you during the run (then the trace says so). */
  by: 'you' | 'plan';
  /** The actor is the embedded broker started with `code` as this configuration file (see ActorProgram.configFile). */
  configFile?: ConfigFileName;
}

/** The programs of one run. */
export interface RunActors {
  readonly clock: RunClock;
  start(program: ActorStart): Promise<RunningActor>;
  /** Kills (SIGKILL) or interrupts (SIGINT) the newest running program of `actor`; false when none runs. */
  act(actor: string, action: ActorAction, by: 'you' | 'plan'): boolean;
  /** Stops the clock and every program. */
  freeze(): void;
  /** Lets the clock and every program go on. */
  thaw(): void;
  readonly frozen: boolean;
  /** The names of the programs running now. */
  running(): string[];
  /** Interrupts every program still running, then kills those that have not left within `graceMs` (INTERRUPT_GRACE_MS). */
  stopAll(graceMs?: number): Promise<void>;
  /** Kills what is left and removes the clock's file. */
  close(): Promise<void>;
  /** The programs that ended badly by themselves: an error exit or a signal nobody sent on purpose. */
  crashes(): readonly ProgramCrash[];
  /** Whether `actor` is meant to be closed by the broker with `code` (see ActorProgram.expects). */
  expectsClose(actor: string, code: number): boolean;
  /**
   * The broker is restarting: the programs running now lose their connections. One that ends from it has not
   * crashed by itself, and its end says why.
   */
  brokerRestarting(by: 'you' | 'plan'): void;
}

/** A program that ended badly by itself, with the last lines of its standard error. */
export interface ProgramCrash {
  actor: string;
  code: number | null;
  signal: string | null;
  stderr: readonly string[];
  /** The last line of its standard error that named an error, however long ago. */
  error?: string;
}

/** How many of a program's last standard error lines are kept to explain a crash. */
const STDERR_KEPT = 20;

export interface RunActorsOptions {
  language: ProgramLanguage;
  recorder: TraceRecorder;
  /** The run model's state now, to tell which messages a program lost. */
  state: () => RunState;
  /** The URL an actor's program connects to (its own port of the tap's, the run's vhost). */
  urlFor: (actor: string) => Promise<string>;
  /** Where the programs run when not on this host (ActorProcessOptions.runsOn). */
  runsOn?: ActorProcessOptions['runsOn'];
}

interface Entry {
  process: ActorProcess;
  start: ActorStart;
  ended: boolean;
  /** What was done to it last, said when it ends. */
  action: { action: ActorAction; by: 'you' | 'plan' } | undefined;
  /** The broker restarted while it ran, asked by you or by the lesson. */
  restartedUnder: 'you' | 'plan' | undefined;
  finishedCount: number;
  /** Its last lines of standard error. */
  stderr: string[];
  /** The last line of its standard error that named an error. */
  error: string | undefined;
}

/** Creates the (empty) set of a run's programs. */
export function createRunActors(options: RunActorsOptions): RunActors {
  const clock = createRunClock();
  const entries: Entry[] = [];
  const crashes: ProgramCrash[] = [];
  let frozen = false;

  const note = (actor: string, text: string, process: ActorProcessNote, lost?: LostDelivery[]): void => {
    options.recorder.add({ kind: 'log', actor, text, process, ...(lost === undefined || lost.length === 0 ? {} : { lost }) });
  };

  function newest(actor: string): Entry | undefined {
    return entries.findLast((entry) => entry.start.actor === actor && !entry.ended);
  }

  function ended(entry: Entry, exit: ActorExit): void {
    entry.ended = true;
    const { actor } = entry.start;
    const byRestart = entry.action === undefined && entry.restartedUnder !== undefined;
    if (endedBadly(exit, entry.action?.action, entry.start.expects?.exitCode ?? 0) && !byRestart) {
      crashes.push({
        actor,
        code: exit.code,
        signal: exit.signal,
        stderr: entry.stderr,
        ...(entry.error === undefined ? {} : { error: entry.error }),
      });
    }
    const lost = entry.start.finished === undefined ? [] : unfinished(options.state(), actor, entry.finishedCount);
    const end = exit.signal !== null ? `ended by ${exit.signal}` : `exited with code ${exit.code ?? 0}`;
    const how =
      entry.action?.action === 'kill'
        ? `killed (SIGKILL) by ${entry.action.by === 'you' ? 'you' : 'the lesson'}`
        : byRestart
          ? `ended with the broker's restart: ${end}`
          : end;
    const lostText = lost.length === 0 ? '' : `; ${lost.length} message${lost.length === 1 ? '' : 's'} in hand lost`;
    const cause = byRestart ? { action: 'restart' as const, by: entry.restartedUnder } : (entry.action ?? {});
    note(actor, `(${how}${lostText})`, { what: 'ended', code: exit.code, signal: exit.signal, ...cause }, lost);
  }

  function thaw(): void {
    if (!frozen) return;
    frozen = false;
    clock.go();
    for (const entry of entries) if (!entry.ended) entry.process.thaw();
  }

  return {
    clock,
    get frozen() {
      return frozen;
    },
    async start(start) {
      const url = await options.urlFor(start.actor);
      const entry: Entry = {
        start,
        ended: false,
        action: undefined,
        restartedUnder: undefined,
        finishedCount: 0,
        stderr: [],
        error: undefined,
        process: undefined as unknown as ActorProcess,
      };
      const child = await startActorProcess({
        actor: start.actor,
        language: options.language,
        program: start.code,
        clockFile: clock.file,
        folder: PROJECT_FOLDER,
        environment: { AMQP_URL: url },
        ...(start.configFile === undefined ? {} : { configFile: start.configFile }),
        ...(options.runsOn === undefined ? {} : { runsOn: options.runsOn }),
        onLine: ({ stream, text }) => {
          if (stream === 'stdout' && start.finished?.test(text) === true) entry.finishedCount += 1;
          if (stream === 'stderr') {
            entry.stderr = [...entry.stderr, text].slice(-STDERR_KEPT);
            if (namesAnError(text)) entry.error = text;
          }
          options.recorder.add({ kind: 'log', actor: start.actor, text, ...(stream === 'stderr' ? { stream } : {}) });
        },
      });
      entry.process = child;
      entries.push(entry);
      if (start.by === 'you') note(start.actor, '(started by you)', { what: 'start', by: 'you' });
      if (frozen) child.freeze();
      const exited = child.exited.then((exit) => {
        ended(entry, exit);
        return exit;
      });
      return {
        actor: start.actor,
        exited,
        get ended() {
          return entry.ended;
        },
      };
    },
    act(actor, action, by) {
      const entry = newest(actor);
      if (entry === undefined) return false;
      entry.action = { action, by };
      if (action === 'kill') entry.process.kill();
      else {
        // A frozen program cannot take its Ctrl-C until it runs again: the interrupt waits for the thaw.
        entry.process.interrupt();
      }
      note(actor, action === 'kill' ? '(kill: SIGKILL sent)' : '(stop: Ctrl-C sent)', { what: action, by });
      return true;
    },
    freeze() {
      if (frozen) return;
      frozen = true;
      clock.stop();
      for (const entry of entries) if (!entry.ended) entry.process.freeze();
    },
    thaw,
    running: () => entries.filter((entry) => !entry.ended).map((entry) => entry.start.actor),
    async stopAll(graceMs = INTERRUPT_GRACE_MS) {
      const alive = entries.filter((entry) => !entry.ended);
      // Frozen, they could not take their Ctrl-C.
      thaw();
      for (const entry of alive) {
        entry.action ??= { action: 'stop', by: 'plan' };
        entry.process.interrupt();
      }
      const exits = Promise.all(alive.map((entry) => entry.process.exited));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), graceMs);
      });
      const outcome = await Promise.race([exits, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        for (const entry of alive) {
          if (entry.ended) continue;
          entry.action = { action: 'kill', by: 'plan' };
          entry.process.kill();
        }
        await exits;
      }
    },
    crashes: () => crashes,
    expectsClose: (actor, code) =>
      entries.some((entry) => entry.start.actor === actor && (entry.start.expects?.closes ?? []).includes(code)),
    brokerRestarting(by) {
      for (const entry of entries) if (!entry.ended) entry.restartedUnder ??= by;
    },
    async close() {
      for (const entry of entries) if (!entry.ended) entry.process.kill();
      // Stopped processes take no signal but SIGKILL; thawing lets the others' ends be read.
      for (const entry of entries) entry.process.thaw();
      await Promise.all(entries.map((entry) => entry.process.exited));
      clock.close();
    },
  };
}

/**
 * Whether a program ended badly by itself: killed by a signal nobody sent on
 * purpose, or an exit code other than the one it is meant to end with (0, or
 * the code of a program that fails on purpose). Killed on purpose, it did not;
 * stopped with Ctrl-C, it may end by SIGINT (a program without a handler) but
 * not with an error (a traceback).
 */
function endedBadly(exit: ActorExit, action: ActorAction | undefined, expectedCode: number): boolean {
  if (action === 'kill') return false;
  if (exit.signal !== null) return !(action === 'stop' && exit.signal === 'SIGINT');
  if (action === 'stop') return exit.code !== 0 && exit.code !== expectedCode;
  return exit.code !== expectedCode;
}

/**
 * The no-ack deliveries `actor`'s newest connection received and had not
 * finished: all it received, in order, after the first `finished` ones.
 */
function unfinished(state: RunState, actor: string, finished: number): LostDelivery[] {
  const connection = [...state.connections.values()].reverse().find((candidate) => candidate.actor === actor);
  if (connection === undefined) return [];
  // Delivery tags count up on each channel: in order of arrival, channel by channel.
  const inHand = [...connection.channels.values()].flatMap((channel) =>
    [...channel.inHand.keys()].map((deliveryTag) => ({ channel: channel.number, deliveryTag })),
  );
  return inHand.slice(finished);
}
