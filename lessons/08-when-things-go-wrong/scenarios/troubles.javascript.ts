/**
 * Pieces the JavaScript programs of this lesson share: catching what goes
 * wrong, and telling what the broker said when it closed a channel.
 */
import { block, indent, lines } from '../../../server/scenario/code-template.js';

/** try { body } catch ... { handler }: `catching` is 'catch' or 'catch (error)'. */
export function tryCatch(body: string, catching: string, handler: string): string {
  return lines('try {', indent(body), `} ${catching} {`, indent(handler), '}');
}

/**
 * replyText(error): the broker's own words from an amqplib error about a
 * closed channel, whose message quotes them after the method that failed.
 */
export const REPLY_TEXT = lines(
  "// amqplib's error names the call that failed, then quotes the broker's reply",
  '// text (... with message "NOT_FOUND - no exchange ..."): this keeps the quote.',
  block('function replyText(error) {', 'return /with message "(.*)"$/s.exec(error.message)?.[1] ?? error.message;'),
);

/** The line a program prints when the broker has closed its channel: code and text, as both languages print them. */
export const PRINT_CLOSE = "console.log(' [!] The broker closed the channel: %d %s', error.code, replyText(error));";

/**
 * Publishing once more on `channel`, which the broker has closed: amqplib
 * refuses at once (IllegalOperationError: Channel closed).
 */
export function publishAgain(publish: string): string {
  return tryCatch(
    lines(publish, "console.log(' [x] Published again on the same channel');"),
    'catch',
    "console.log(' [!] Publishing again on that channel fails: it is closed');",
  );
}
