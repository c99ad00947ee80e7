/**
 * The dead-letter reader several cells of this lesson share: it declares the
 * dead-letter exchange a queue names in x-dead-letter-exchange, a queue bound
 * to it that keeps what dies there, and prints every dead letter with the
 * reason and the queue its newest x-death entry names, until you stop it.
 */
import type { ActorProgram, ProgramLanguage } from '../../../server/programs/cell.js';
import { deadLetterReaderJavaScript } from './dead-letter-reader.javascript.js';
import { deadLetterReaderPython } from './dead-letter-reader.python.js';

/** The dead-letter exchange: a fanout exchange, so every dead letter reaches the dead-letter queue whatever its routing key. */
export const DEAD_LETTER_EXCHANGE = 'dlx';

/** The queue bound to the dead-letter exchange. */
export const DEAD_LETTER_QUEUE = 'dead_letters';

/** The reader's actor name. */
export const DEAD_LETTER_READER = 'dead-letter reader';

/** What the reader prints for each dead letter: its body, the reason and the queue it died in. */
export const DEAD_LETTERED = /^ \[x\] Dead-lettered '(.*)' \(reason (\S+), from (\S+)\)$/;

/** The reader's program in `language`. */
export function deadLetterReader(language: ProgramLanguage): ActorProgram {
  return {
    actor: DEAD_LETTER_READER,
    code: language === 'python' ? deadLetterReaderPython() : deadLetterReaderJavaScript(),
  };
}
