/**
 * The third tutorial's programs as a learner can run them: emit_log.js
 * publishes log lines to the fanout exchange logs; every receive_logs.js binds
 * a queue of its own to it and prints each line.
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
import type { ActorCode } from '../../../server/scenario/index.js';
import { logReceiverProgram } from '../../log-receiver.code.js';
import type { FanoutLogsParams } from './fanout-logs.js';

/** The exchange every program declares. */
export const EXCHANGE = 'logs';

/** The receivers and the producer, in the order the cell starts them. */
export function fanoutLogsCode(params: FanoutLogsParams): ActorCode[] {
  const receivers = Array.from({ length: params.receivers }, (_, i) => {
    const actor = `receiver ${i + 1}`;
    return { actor, code: receiverProgram(actor) };
  });
  const producer = { actor: 'producer', code: producerProgram(params) };
  return params.startOrder === 'receivers-first' ? [...receivers, producer] : [producer, ...receivers];
}

function receiverProgram(actor: string): string {
  return logReceiverProgram({
    actor,
    follows: 'receive_logs.js',
    does: `Binds a queue of its own to the fanout exchange ${EXCHANGE} and prints every log line it gets.`,
    exchange: EXCHANGE,
    type: 'fanout',
    received: '" [x] Received \'%s\'", message.content.toString()',
  });
}

function producerProgram(params: FanoutLogsParams): string {
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
