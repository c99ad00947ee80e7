/**
 * A fault of the workbook's own code that nobody awaited or caught (a promise
 * rejected with nobody awaiting it, a callback that threw) would end the Node
 * process, and every learner's run with it. Once the process has chosen to
 * keep serving through faults (the workbook's main does), each is logged and
 * the workbook goes on. The programs a run starts are processes of their own:
 * their faults end them, never the workbook.
 */

/** How a fault escaped: a rejected promise nobody handled, or an exception nobody caught. */
type FaultKind = 'rejection' | 'exception';

let listening = false;

/** For the workbook's process: a fault nobody caught is logged through `log`, and the server goes on serving instead of Node ending it. */
export function keepServingThroughFaults(log: (line: string) => void): void {
  if (listening) return;
  listening = true;
  const heard = (error: unknown, kind: FaultKind): void => {
    log(`Warren: ${describeFault(error, kind)} (outside any run; the server goes on)`);
  };
  process.on('unhandledRejection', (reason) => heard(reason, 'rejection'));
  process.on('uncaughtException', (error) => heard(error, 'exception'));
  // Once nobody reads the output (a closed terminal, `| head`), a line written is a failed write: dropped, not a
  // fault, whose logging would fail in turn, and again, keeping the process busy doing nothing else.
  for (const output of [process.stdout, process.stderr]) output.on('error', () => {});
}

/** The words of a fault for a log line. */
function describeFault(error: unknown, kind: FaultKind): string {
  const what = kind === 'rejection' ? 'a promise nobody awaited was rejected' : 'a callback threw an exception nobody caught';
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return `${what}: ${detail}`;
}
