/**
 * Runs a program cell: starts its programs in order, marks its moments and
 * carries out its planned actions when their triggers fire, takes the
 * learner's actions while it runs, and ends it when nothing has happened
 * for a while on the run's own clock, stopping the programs still running
 * with Ctrl-C as a person would.
 */
import type { Static, TObject } from '@sinclair/typebox';
import type { ActorRequest, TraceEvent } from '../protocol/index.js';
import type { RunningActor } from '../runs/run-actors.js';
import type { Scenario, ScenarioContext } from '../scenario/define.js';
import { writtenFor } from '../scenario/program-target.js';
import type { ActorProgram, PlannedAction, PlannedMoment, ProgramCell, RunView, Trigger } from './cell.js';

/** What a program prints once it is ready for the next one to start, unless it says otherwise. */
const READY = /^ \[\*\] /;

/** How long the run may stay quiet before it is over, unless the cell says otherwise. */
const DEFAULT_QUIET_MS = 1000;

/** A program cell as the runner runs it. */
export function programScenario<Schema extends TObject>(cell: ProgramCell<Schema>): Scenario<Schema> {
  return {
    title: cell.title,
    params: cell.params,
    languages: cell.languages ?? ['javascript', 'python'],
    ...(cell.limits === undefined ? {} : { limits: cell.limits }),
    ...(cell.anotherMachine === undefined ? {} : { anotherMachine: cell.anotherMachine }),
    actors: (params) => cell.programs(params, 'javascript').map((program) => program.actor),
    programs: (params, language) => cell.programs(params, language),
    code: (params, language = 'javascript') =>
      cell.programs(params, language).map(({ actor, code, configFile }) => {
        const another = cell.another?.(params, language, actor, [actor]);
        return {
          actor,
          code,
          ...(another === undefined ? {} : { another: another.label }),
          // A configuration file is saved under its own name.
          ...(configFile === undefined ? {} : { file: configFile }),
        };
      }),
    moments: (params) => (cell.moments?.(params) ?? []).map(({ id, title }) => ({ id, title })),
    plan: (params) => cell.plan?.(params) ?? [],
    brokerSettings: (params) => cell.brokerSettings?.(params) ?? {},
    run: (context) => runProgramCell(cell, context),
  };
}

/** Something waiting for its trigger. */
interface Waiting {
  at: Exclude<Trigger, 'quiet' | 'end'>;
  /** What to do once it fires. */
  act: () => Promise<void>;
  fired: boolean;
}

async function runProgramCell<Schema extends TObject>(cell: ProgramCell<Schema>, context: ScenarioContext<Static<Schema>>): Promise<void> {
  const { params, language } = context;
  // Written for the workbook's broker, as the code cell shows them.
  const write = <T>(generate: () => T): T => writtenFor(context.programsUrl, generate);
  const programs = write(() => cell.programs(params, language));
  const moments = cell.moments?.(params) ?? [];
  const plan = cell.plan?.(params) ?? [];
  const quietMs = cell.quietMs?.(params) ?? DEFAULT_QUIET_MS;

  const lines = new Map<string, string[]>();
  const ended = new Set<string>();
  const started: string[] = [];
  const view: RunView = {
    get state() {
      return context.state();
    },
    lines: (actor) => lines.get(actor) ?? [],
    ended: (actor) => ended.has(actor),
  };

  // Everything a trigger sets off runs in turn, so two snapshots never overlap.
  let queue: Promise<void> = Promise.resolve();
  let busy = 0;
  let activity = 0;
  const inTurn = (work: () => Promise<void>): void => {
    busy += 1;
    queue = queue.then(work).finally(() => {
      busy -= 1;
      activity += 1;
    });
  };
  const failures: unknown[] = [];
  const guarded = (work: () => Promise<void>) => async () => {
    try {
      await work();
    } catch (error) {
      failures.push(error);
    }
  };

  const momentAct = (moment: PlannedMoment) => () => context.snapshot({ id: moment.id, title: moment.title });
  const planAct = (planned: PlannedAction) => async () => {
    if (planned.action === 'restart-broker') await context.restartBroker('plan');
    else context.act(planned.actor, planned.action, 'plan');
  };
  const startLater = (program: ActorProgram) => async () => {
    await startOne(program, 'plan');
  };
  const waiting: Waiting[] = [
    ...moments.flatMap((moment) => (typeof moment.at === 'string' ? [] : [{ at: moment.at, act: momentAct(moment), fired: false }])),
    ...plan.flatMap((planned) => (typeof planned.at === 'string' ? [] : [{ at: planned.at, act: planAct(planned), fired: false }])),
    ...programs.flatMap((program) =>
      program.startAt === undefined ? [] : [{ at: program.startAt, act: startLater(program), fired: false }],
    ),
  ];

  const fire = (item: Waiting, line?: string): void => {
    item.fired = true;
    const delayMs = 'delayMs' in item.at ? item.at.delayMs : undefined;
    const delay = typeof delayMs === 'function' ? delayMs(line ?? '') : (delayMs ?? 0);
    if (delay <= 0) {
      inTurn(guarded(item.act));
      return;
    }
    busy += 1;
    void context.sleep(delay).then(
      () => {
        busy -= 1;
        inTurn(guarded(item.act));
      },
      () => {
        busy -= 1;
      },
    );
  };

  const check = (): void => {
    for (const item of waiting) {
      if (item.fired) continue;
      const at = item.at;
      if ('when' in at) {
        if (at.when(view)) fire(item);
      } else {
        const matching = view.lines(at.actor).filter((line) => at.line.test(line));
        const count = at.count ?? 1;
        if (matching.length >= count) fire(item, matching[count - 1]);
      }
    }
  };

  // Lines wait on each other: the next program starts once this one is ready.
  const readyWaiters: { actor: string; ready: RegExp; resolve: () => void }[] = [];
  const onEvent = (event: TraceEvent): void => {
    activity += 1;
    if (event.kind === 'log') {
      if (event.process?.what === 'ended') ended.add(event.actor);
      else if (event.process === undefined) {
        const own = lines.get(event.actor) ?? [];
        own.push(event.text);
        lines.set(event.actor, own);
        for (const waiter of [...readyWaiters]) {
          if (waiter.actor === event.actor && waiter.ready.test(event.text)) {
            readyWaiters.splice(readyWaiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      }
    }
    if (waiting.some((item) => !item.fired)) check();
  };
  const stopListening = context.onEvent(onEvent);

  const taken = (): string[] => [...started];
  context.onRequest(async (request: ActorRequest) => {
    if (request.action === 'another') {
      const program = write(() => cell.another?.(params, language, request.actor, taken()));
      if (program === undefined) throw new Error(`${request.actor} has no copies to start`);
      await startOne(program.program, 'you');
      return `${program.program.actor} started`;
    }
    if (!context.act(request.actor, request.action, 'you')) throw new Error(`${request.actor} is not running`);
    return `${request.actor} ${request.action === 'kill' ? 'killed' : 'stopped'}`;
  });

  /** Starts a program; resolves once it runs (not once it is ready: see readyForNext). */
  async function startOne(program: ActorProgram, by: 'you' | 'plan'): Promise<RunningActor> {
    started.push(program.actor);
    ended.delete(program.actor);
    return context.startProgram({
      actor: program.actor,
      code: program.code,
      by,
      ...(program.finished === undefined ? {} : { finished: program.finished }),
      ...(program.expects === undefined ? {} : { expects: program.expects }),
      ...(program.configFile === undefined ? {} : { configFile: program.configFile }),
    });
  }

  /** Resolves once the next program may start after this one: it is ready, or it has ended. */
  async function readyForNext(program: ActorProgram, running: RunningActor): Promise<void> {
    const next = program.next ?? { ready: READY };
    if (next === 'ended') {
      await running.exited;
      return;
    }
    if (running.ended) return;
    await Promise.race([
      new Promise<void>((resolve) => readyWaiters.push({ actor: program.actor, ready: next.ready, resolve })),
      running.exited,
    ]);
  }

  try {
    for (const program of programs) {
      if (program.startAt === undefined) await readyForNext(program, await startOne(program, 'plan'));
    }
    // Over once nothing has happened for quietMs of run time, nothing triggered is still under way, and the programs
    // that still run are only waiting.
    for (;;) {
      const before = activity;
      if (busy === 0 && started.every((actor) => ended.has(actor))) break;
      await context.sleep(quietMs);
      if (activity === before && busy === 0) break;
    }
    await queue;
    for (const moment of moments) if (moment.at === 'quiet') await context.snapshot({ id: moment.id, title: moment.title });
    await context.stopPrograms();
    for (const moment of moments) if (moment.at === 'end') await context.snapshot({ id: moment.id, title: moment.title });
  } finally {
    stopListening();
  }
  if (failures.length > 0) throw failures[0];
}
