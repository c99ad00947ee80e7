/**
 * The runner: checks a run request against the lesson catalog, then starts
 * the run on the workbook's broker. Every run gets an id of its own, which
 * also names its vhost (warren-<id>).
 */
import { randomBytes } from 'node:crypto';
import type { BrokerTarget } from '../broker-connection.js';
import { mergeParams, validateParams, type LessonCatalog } from '../lessons/index.js';
import type { ProgramLanguage } from '../programs/actor-process.js';
import { pythonProblem } from '../programs/python-check.js';
import { RunRequestError } from './errors.js';
import { anotherMachineUnavailable } from '../programs/another-machine.js';
import { createAnotherMachineBroker } from './another-machine-broker.js';
import { createRunBroker } from './run-broker.js';
import { startRun, type RunHandle, type RunListener } from './run.js';
import type { SweepResult } from './run-vhosts.js';

/** What a client asks to run. */
export interface RunRequest {
  /** The lesson's folder name ('02-work-queues'), number ('02') or slug ('work-queues'). */
  lesson: string;
  cell: string;
  /** Values over the cell's defaults; nested objects merge field by field. */
  params: Record<string, unknown>;
  mode?: 'continuous' | 'step';
  /** The language of the programs; JavaScript unless said. */
  language?: ProgramLanguage;
}

/** Starts runs and ends them all when the workbook shuts down. */
export interface Runner {
  /** Starts a run; throws RunRequestError (unknown lesson or cell, bad parameters) before anything starts. */
  start(request: RunRequest, listener: RunListener): RunHandle;
  /**
   * Deletes the vhosts Warren runs left behind (a workbook stopped mid-run): on RabbitMQ, and from then on every
   * few minutes; on the embedded broker, those its data directory kept. Undefined without RabbitMQ's management API.
   */
  sweepLeftovers(): Promise<SweepResult | undefined>;
  /** Stops every run still going and waits for their cleanup. */
  close(): Promise<void>;
}

/** Options for createRunner. */
export interface RunnerOptions {
  broker: BrokerTarget;
  lessons: LessonCatalog;
  /** Where notices about the broker and faults of scenarios' code go (once each); console.warn by default. */
  log?: (line: string) => void;
  /** Where RabbitMQ's management API answers, e.g. http://127.0.0.1:15672; beside the AMQP port when left out. */
  managementUrl?: string;
  /** The broker's URL as the programs a code cell shows connect to it (the lab's address); the broker's own by default. */
  programsUrl?: string;
}

/** Creates the runner for one broker and one catalog. */
export function createRunner(options: RunnerOptions): Runner {
  const log = options.log ?? ((line: string) => console.warn(line));
  const broker = createRunBroker(options.broker, { log, managementUrl: options.managementUrl, programsUrl: options.programsUrl });
  // Each run, with its end: once it is cleaned up and its own broker, if it had one, is gone.
  const running = new Map<RunHandle, Promise<unknown>>();
  let closed = false;
  return {
    start(request, listener) {
      if (closed) throw new RunRequestError('The workbook is shutting down; no new runs start.');
      const lesson = options.lessons.get(request.lesson) ?? options.lessons.find(request.lesson);
      if (lesson === undefined) {
        const known = options.lessons.list().map((summary) => summary.id);
        throw new RunRequestError(`There is no lesson '${request.lesson}'. The lessons are: ${known.join(', ') || '(none)'}.`);
      }
      const found = options.lessons.cell(lesson.id, request.cell);
      if (found === undefined) {
        const cells = lesson.cells.flatMap((cell) => (cell.kind === 'run' ? [cell.id] : []));
        throw new RunRequestError(`Lesson ${lesson.id} has no cell '${request.cell}'. Its cells are: ${cells.join(', ')}.`);
      }
      const language = request.language ?? 'javascript';
      const languages = found.scenario.languages ?? ['javascript'];
      if (!languages.includes(language)) {
        throw new RunRequestError(`The programs of cell '${request.cell}' exist in ${languages.join(' and ')} only, not in ${language}.`);
      }
      const missing = language === 'python' ? pythonProblem() : undefined;
      if (missing !== undefined) throw new RunRequestError(missing);
      const schema = found.scenario.params;
      const checked = validateParams(schema, mergeParams(schema, found.cell.defaults, request.params));
      if (!checked.ok) {
        throw new RunRequestError(checked.errors.map((error) => error.message).join('; '), checked.errors);
      }
      const settings = found.scenario.anotherMachine?.(checked.params);
      if (settings !== undefined) {
        const unavailable = anotherMachineUnavailable();
        if (unavailable !== undefined && process.env.CI !== 'true') {
          throw new RunRequestError(
            `This cell runs its program on another machine, made on this one as a network namespace, and that cannot be done here: ${unavailable}. ` +
              'Run the workbook as root on Linux (with iproute2) to see it; the text below shows what it prints.',
          );
        }
      }
      const runBroker = settings === undefined ? broker : createAnotherMachineBroker(settings, broker.programsUrl);
      const handle = startRun(
        {
          id: randomBytes(6).toString('hex'),
          scenario: found.scenario,
          params: checked.params,
          mode: request.mode ?? 'continuous',
          language,
          broker: runBroker,
        },
        listener,
      );
      // A broker of the run's own (and its machine) goes with the run.
      const done = (runBroker === broker ? handle.done : handle.done.finally(() => runBroker.close())).catch(() => {});
      running.set(handle, done);
      void done.finally(() => running.delete(handle));
      return handle;
    },
    sweepLeftovers: () => broker.sweepLeftovers(),
    async close() {
      closed = true;
      await Promise.all([...running].map(([handle, done]) => handle.stop().then(() => done)));
      await broker.close();
    },
  };
}
