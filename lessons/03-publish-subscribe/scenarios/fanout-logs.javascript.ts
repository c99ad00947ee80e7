/**
 * The third tutorial's programs in JavaScript with amqplib: emit_log.js
 * publishes log lines to the fanout exchange logs and leaves; every
 * receive_logs.js binds a queue of its own to it and prints each line until
 * you stop it.
 */
import {
  CLOSE_PUBLISHER,
  args,
  block,
  constant,
  header,
  lines,
  literal,
  openChannel,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { logReceiverJavaScript } from '../../log-receiver.javascript.js';
import { EXCHANGE, fanoutReceiver, type FanoutLogsParams } from './fanout-logs.js';

export function receiverJavaScript(actor: string): string {
  return logReceiverJavaScript(fanoutReceiver(actor), '" [x] Received \'%s\'", message.content.toString()');
}

export function producerJavaScript(params: FanoutLogsParams): string {
  return program(
    header({ actor: 'producer', follows: 'emit_log.js', does: `Publishes the log lines to the fanout exchange ${EXCHANGE}, then leaves.` }),
    lines(constant('exchange', EXCHANGE), constant('messages', params.messages)),
    lines(
      openChannel(),
      '// Publishing to an exchange that does not exist is an error: declare it first.',
      `await channel.assertExchange(exchange, ${literal('fanout')}, { durable: false });`,
    ),
    block(
      'for (const text of messages) {',
      lines(
        '// A fanout exchange ignores the routing key.',
        `channel.publish(${args('exchange', "''", 'Buffer.from(text)', publishOptions(params.properties))});`,
        'console.log(" [x] Sent \'%s\'", text);',
      ),
    ),
    CLOSE_PUBLISHER,
  );
}
