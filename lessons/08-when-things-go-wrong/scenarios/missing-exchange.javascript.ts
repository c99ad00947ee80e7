/**
 * The missing-exchange cell's producer in JavaScript with amqplib: it
 * publishes to an exchange nobody declared and hears of it from the
 * channel's error event.
 */
import { args, block, constant, header, lines, openChannel, program, publishOptions } from '../../../server/scenario/code-template.js';
import { PRINT_CLOSE, REPLY_TEXT, publishAgain } from './troubles.javascript.js';
import type { MissingExchangeParams } from './missing-exchange.js';

export function producerJavaScript({ exchange, properties }: MissingExchangeParams): string {
  const publish = `channel.publish(${args('exchange', "''", 'Buffer.from(text)', publishOptions(properties))});`;
  return program(
    header({
      actor: 'producer',
      follows: 'emit_log.js',
      does: `Publishes to the exchange ${exchange} without declaring it first, and prints what the broker answers.`,
    }),
    lines(constant('exchange', exchange), "const text = 'Hello World!';"),
    REPLY_TEXT,
    lines(
      openChannel(),
      '// basic.publish has no reply: a refused one closes the channel later, and',
      '// amqplib tells the program with an error event on the channel.',
      "channel.on('error', (error) => {",
      `  ${PRINT_CLOSE}`,
      '});',
    ),
    lines(
      publish,
      "console.log(\" [x] Sent '%s' to exchange '%s': no error so far\", text, exchange);",
      '// Waiting for the broker (at most a second). Closing the channel at once would',
      "// hide its answer: amqplib would take the broker's close for the reply to its own.",
      block(
        'await new Promise((resolve) => {',
        lines('const timer = setTimeout(resolve, 1000);', "channel.once('close', () => resolve(clearTimeout(timer)));"),
        '});',
      ),
    ),
    publishAgain(publish),
    'await connection.close();',
  );
}
