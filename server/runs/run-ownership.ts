/**
 * Whatever a run's code starts belongs to the run. A promise it rejected with
 * nobody awaiting it, or a callback of its that threw, would end the Node
 * process, and every other learner's run with it. Each run's code runs in an
 * async context of its own, and Node reports such a fault in the context the
 * faulty code was started in. Once the process has chosen to keep serving
 * through faults (the workbook's main does), the fault is handed to its run,
 * which fails with an explanation and logs it once, and the workbook goes on.
 * Until then faults are left to Node, or to a test runner, which reports them.
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
let listening = false;

/** Runs `body`, and everything it starts, as code of the run `owner`. */
export function runAsOwnedBy<T>(owner: RunOwner, body: () => T): T {
  return owners.run(owner, body);
}

/**
 * For the workbook's process: a fault of a run's code fails that run, and a
 * fault that belongs to no run (a bug in the server itself) is logged through
 * `log`; either way the server goes on serving instead of Node ending it.
 */
export function keepServingThroughFaults(log: (line: string) => void): void {
  if (listening) return;
  listening = true;
  const heard = (error: unknown, kind: FaultKind): void => {
    const owner = owners.getStore();
    if (owner !== undefined) owner.fault(error, kind);
    else log(`Warren: ${describeFault(error, kind)} (outside any run; the server goes on)`);
  };
  process.on('unhandledRejection', (reason) => heard(reason, 'rejection'));
  process.on('uncaughtException', (error) => heard(error, 'exception'));
  // Once nobody reads the output (a closed terminal, `| head`), a line written is a failed write: dropped, not a
  // fault, whose logging would fail in turn, and again, keeping the process busy doing nothing else.
  for (const output of [process.stdout, process.stderr]) output.on('error', () => {});
}

/** The words of a fault for a log line. */
export function describeFault(error: unknown, kind: FaultKind): string {
  const what = kind === 'rejection' ? 'a promise nobody awaited was rejected' : 'a callback threw an exception nobody caught';
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return `${what}: ${detail}`;
}
