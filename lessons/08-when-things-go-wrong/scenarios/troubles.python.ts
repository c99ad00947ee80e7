/**
 * Pieces the Python programs of this lesson share, the twins of
 * troubles.javascript.ts: what a program prints when the broker has closed
 * its channel, and when it uses that channel again.
 */
import { pyBlock, pyLines } from '../../../server/scenario/python-template.js';

/** Inside `except pika.exceptions.ChannelClosedByBroker as error:`: the broker's reply code and text. */
export const PRINT_CLOSE = "print(f' [!] The broker closed the channel: {error.reply_code} {error.reply_text}')";

/** Publishing once more on `channel`, which the broker has closed: pika refuses at once (ChannelWrongStateError). */
export function publishAgain(publish: string): string {
  return pyLines(
    pyBlock('try:', pyLines(publish, "print(' [x] Published again on the same channel')")),
    pyBlock('except pika.exceptions.ChannelWrongStateError:', "print(' [!] Publishing again on that channel fails: it is closed')"),
  );
}
