/**
 * What a broker's refusal of one declaration means, for a learner: the
 * reply code and name, the broker's own reply text, and a sentence on what
 * usually causes it.
 */

/** A refusal as amqplib reports it: "... 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - ..."". */
const REPLY_PATTERN = /(\d{3}) \(([A-Z-]+)\) with message "(.*)"$/s;

/** What each reply code usually means when importing definitions. */
const MEANINGS: Record<string, string> = {
  '403': 'the name is reserved (names starting with "amq." are the broker\'s) or the user may not configure it',
  '404': 'something it names does not exist in this vhost',
  '405': 'another connection holds it (an exclusive queue)',
  '406': 'it exists already with other settings, or an argument has a value the broker does not accept',
  '503': 'the broker does not know something the file asks for',
  '530': 'the broker does not allow this',
  '540': 'the broker does not implement this',
};

/** The broker's reply text of an amqplib error, with what it means; the error's own message when it carries none. */
export function describeRefusal(error: unknown, connectionError?: unknown): string {
  for (const candidate of [error, connectionError]) {
    const message = candidate instanceof Error ? candidate.message : undefined;
    const match = message === undefined ? null : REPLY_PATTERN.exec(message);
    if (match !== null) {
      const [, code = '', , text = ''] = match;
      const meaning = MEANINGS[code];
      return meaning === undefined ? `the broker refused (${code}): ${text}` : `the broker refused (${code}): ${text} — ${meaning}`;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
