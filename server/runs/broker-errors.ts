/**
 * The errors the broker closed channels and connections with during a run,
 * told in a learner's words: a run whose programs ended by themselves after
 * the broker refused something ended with an error, not cleanly.
 */
import { REPLY_CODE_NAMES } from '../amqp/reply-codes.js';
import type { ClosedWithError, RunState } from '../model/state.js';
import type { RunFailure } from '../protocol/index.js';
import { explainBrokerClose, type FailureContext } from './explain-failure.js';

/** Whether a program was meant to be closed with `code` (a lesson about errors), so its close is no error of the run. */
export type ExpectedClose = (actor: string, code: number) => boolean;

/**
 * Why the run ended with an error, or undefined when the broker closed nothing
 * with one, or only what the programs were meant to run into. A close the
 * workbook knows more about (a queue nobody declared, one declared again with
 * other settings) is told with what to do about it.
 */
export function brokerErrorsOf(state: RunState, context: FailureContext, expected: ExpectedClose = () => false): RunFailure | undefined {
  const told: string[] = [];
  const raw: string[] = [];
  for (const connection of state.connections.values()) {
    const errors: [string, ClosedWithError][] = [];
    for (const channel of connection.channels.values()) {
      if (channel.error !== undefined) errors.push([`channel ${channel.number}`, channel.error]);
    }
    if (connection.error !== undefined) errors.push(['connection', connection.error]);
    for (const [where, error] of errors) {
      if (expected(connection.actor, error.code)) continue;
      const name = REPLY_CODE_NAMES[error.code] ?? 'error';
      const refused = error.method === undefined ? '' : ` when it refused ${error.method}`;
      const advice = explainBrokerClose(error.code, error.text, context);
      const closed = `The broker closed ${connection.actor}'s ${where} with ${error.code} ${name}${refused}`;
      // What to do about it is said once, however many programs it happened to.
      if (advice === undefined) told.push(`${closed}: ${withoutCodeName(error.text, name)}.`);
      else {
        told.push(`${closed}.`);
        if (!told.includes(advice)) told.push(advice);
      }
      raw.push(`${connection.actor} ${where}: ${error.code} ${error.text}`);
    }
  }
  if (told.length === 0) return undefined;
  return { explanation: `${told.join(' ')} What the program did after that did not reach the broker.`, raw: raw.join('\n') };
}

/** RabbitMQ's reply texts start with the code's name ("PRECONDITION_FAILED - ..."): said once is enough. */
function withoutCodeName(text: string, name: string): string {
  return text.startsWith(`${name} - `) ? text.slice(name.length + 3) : text;
}
