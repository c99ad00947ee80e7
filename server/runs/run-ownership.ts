/**
 * Whatever a run's code starts belongs to the run. A promise it rejected with
 * nobody awaiting it, or a callback of its that threw, would end the Node
 * process, and every other learner's run with it. Each run's code runs in an
 * async context of its own, and Node reports such a fault in the context the
 * faulty code was started in: so the fault is handed to its run, which fails
 * with an explanation and logs it once, and the workbook goes on serving.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** How a fault escaped: a rejected promise nobody handled, or an exception nobody caught. */
export type FaultKind = 'rejection' | 'exception';

/** The run a piece of code belongs to. */
export interface RunOwner {
  /** Hears each fault of the run's code, once. */
  fault(error: unknown, kind: FaultKind): void;
}

const owners = new AsyncLocalStorage<RunOwner>();
/** Where faults outside any run are logged once the workbook has chosen to keep serving through them. */
let keepServingLog: ((line: string) => void) | undefined;
let listening = false;

/** Runs `body`, and everything it starts, as code of the run `owner`. */
export function runAsOwnedBy<T>(owner: RunOwner, body: () => T): T {
  listen();
  return owners.run(owner, body);
}

/**
 * For the workbook's process: a fault that belongs to no run (a bug in the
 * server itself) is logged through `log` and the server goes on serving,
 * instead of Node ending the process. Without this, such a fault is left to
 * whoever else listens (a test runner reports it) or ends the process as Node does.
 */
export function keepServingThroughFaults(log: (line: string) => void): void {
  keepServingLog = log;
  listen();
}

/** The words of a fault for a log line. */
export function describeFault(error: unknown, kind: FaultKind): string {
  const what = kind === 'rejection' ? 'a promise nobody awaited was rejected' : 'a callback threw an exception nobody caught';
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return `${what}: ${detail}`;
}

function listen(): void {
  if (listening) return;
  listening = true;
  process.on('unhandledRejection', (reason) => heard(reason, 'rejection', 'unhandledRejection'));
  process.on('uncaughtException', (error) => heard(error, 'exception', 'uncaughtException'));
}

function heard(error: unknown, kind: FaultKind, event: 'unhandledRejection' | 'uncaughtException'): void {
  const owner = owners.getStore();
  if (owner !== undefined) {
    owner.fault(error, kind);
    return;
  }
  if (keepServingLog !== undefined) {
    keepServingLog(`Warren: ${describeFault(error, kind)} (outside any run; the server goes on)`);
    return;
  }
  // Listening at all would otherwise keep alive a process Node would have ended.
  if (process.listenerCount(event) === 1) {
    console.error(error);
    process.exit(1);
  }
}
