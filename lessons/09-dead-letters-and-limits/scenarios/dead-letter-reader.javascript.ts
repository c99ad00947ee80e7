/**
 * The dead-letter reader in JavaScript with amqplib: the dead-letter
 * exchange, a queue bound to it, and a consumer printing why each message
 * died and where.
 */
import { UNTIL_INTERRUPTED, block, constant, header, lines, openChannel, program } from '../../../server/scenario/code-template.js';
import { DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, DEAD_LETTER_READER } from './dead-letter-reader.js';

export function deadLetterReaderJavaScript(): string {
  return program(
    header({
      actor: DEAD_LETTER_READER,
      follows: 'receive.js, reading a dead-letter queue',
      does: `Declares the dead-letter exchange ${DEAD_LETTER_EXCHANGE} and the queue ${DEAD_LETTER_QUEUE} bound to it, and prints every dead letter with why it died and where.`,
    }),
    lines(constant('exchange', DEAD_LETTER_EXCHANGE), constant('queue', DEAD_LETTER_QUEUE)),
    lines(
      openChannel(),
      '// A fanout exchange: every dead letter reaches the queue, whatever its routing key.',
      "await channel.assertExchange(exchange, 'fanout', { durable: false });",
      'await channel.assertQueue(queue, { durable: false });',
      "await channel.bindQueue(queue, exchange, '');",
    ),
    lines(
      block(
        'await channel.consume(queue, (message) => {',
        lines(
          '// x-death: the broker notes every death of the message, the newest first.',
          "const [death] = message.properties.headers['x-death'];",
          'console.log(" [x] Dead-lettered \'%s\' (reason %s, from %s)", message.content.toString(), death.reason, death.queue);',
        ),
        '}, { noAck: true });',
      ),
      "console.log(' [*] Waiting for dead letters in %s. To exit press CTRL+C', queue);",
    ),
    UNTIL_INTERRUPTED,
  );
}
