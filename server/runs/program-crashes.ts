/**
 * Programs of a run that ended badly by themselves, told in a learner's
 * words: which program, how it ended, and the last thing it printed on its
 * standard error (the error message of a stack trace or a traceback).
 */
import type { RunFailure } from '../protocol/index.js';
import type { ProgramCrash } from './run-actors.js';

/** Why the run ended with an error, or undefined when every program ended well. */
export function programCrashesOf(crashes: readonly ProgramCrash[]): RunFailure | undefined {
  if (crashes.length === 0) return undefined;
  const told = crashes.map((crash) => {
    const how = crash.signal === null ? `exited with code ${crash.code ?? 0}` : `was ended by ${crash.signal}`;
    const said = lastWords(crash);
    return `${crash.actor} ${how}${said === undefined ? '' : `: ${said}`}.`;
  });
  const raw = crashes.map((crash) => [`${crash.actor}:`, ...crash.stderr].join('\n')).join('\n\n');
  return { explanation: `${told.join(' ')} Its output says more.`, raw };
}

/** A line that names an error at its start: "Error: ...", "IllegalOperationError: ...", "pika.exceptions.ChannelClosedByBroker: ...". */
const ERROR_HEADING = /^[A-Za-z_$][\w.$]*(: .*)?$/;

/** Whether a line of standard error names an error at its start (not "Node.js v20", which ends every crash). */
export function namesAnError(line: string): boolean {
  return ERROR_HEADING.test(line) && !line.startsWith('Node.js ');
}

/**
 * The line of a stack trace or traceback that says what went wrong: the last
 * one that names an error (seen while it ran, or among its last lines), else
 * the last one that is not a location.
 */
function lastWords(crash: ProgramCrash): string | undefined {
  const heading = crash.stderr.findLast(namesAnError) ?? crash.error;
  if (heading !== undefined) return heading;
  const meaningful = crash.stderr.map((line) => line.trim()).filter((line) => line !== '' && !/^(at |File "|\^|Node\.js v)/.test(line));
  return meaningful.at(-1);
}
