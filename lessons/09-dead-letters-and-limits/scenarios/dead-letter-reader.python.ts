/**
 * The dead-letter reader in Python with pika, the twin of
 * dead-letter-reader.javascript.ts: it prints exactly what that one prints.
 */
import {
  pyBlock,
  pyConnect,
  pyConsumeUntilInterrupted,
  pyHeader,
  pyLines,
  pyProgram,
  pythonConstant,
} from '../../../server/scenario/python-template.js';
import { DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, DEAD_LETTER_READER } from './dead-letter-reader.js';

export function deadLetterReaderPython(): string {
  return pyProgram(
    pyHeader({
      actor: DEAD_LETTER_READER,
      follows: 'receive.py, reading a dead-letter queue',
      does: `Declares the dead-letter exchange ${DEAD_LETTER_EXCHANGE} and the queue ${DEAD_LETTER_QUEUE} bound to it, and prints every dead letter with why it died and where.`,
    }),
    pyLines(pythonConstant('exchange', DEAD_LETTER_EXCHANGE), pythonConstant('queue', DEAD_LETTER_QUEUE)),
    pyLines(
      pyConnect(),
      '# A fanout exchange: every dead letter reaches the queue, whatever its routing key.',
      "channel.exchange_declare(exchange=exchange, exchange_type='fanout')",
      'channel.queue_declare(queue=queue)',
      'channel.queue_bind(exchange=exchange, queue=queue)',
    ),
    pyBlock(
      'def callback(ch, method, properties, body):',
      pyLines(
        '# x-death: the broker notes every death of the message, the newest first.',
        "death = properties.headers['x-death'][0]",
        `print(f" [x] Dead-lettered '{body.decode()}' (reason {death['reason']}, from {death['queue']})")`,
      ),
    ),
    'channel.basic_consume(queue=queue, on_message_callback=callback, auto_ack=True)',
    pyConsumeUntilInterrupted(` [*] Waiting for dead letters in ${DEAD_LETTER_QUEUE}. To exit press CTRL+C`),
  );
}
