/**
 * The fourth tutorial's programs as a learner can run them:
 * emit_log_direct.js publishes log lines to the direct exchange direct_logs
 * with their severity as the routing key; each receive_logs_direct.js binds
 * its queue once per severity it wants.
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
import type { DirectLogsParams } from './direct-logs.js';

/** The exchange every program declares. */
export const EXCHANGE = 'direct_logs';

/** The receivers, then the producer. */
export function directLogsCode(params: DirectLogsParams): ActorCode[] {
  const receivers = params.bindings.map((severities, i) => {
    const actor = `receiver ${i + 1}`;
    return { actor, code: receiverProgram(actor, severities) };
  });
  return [...receivers, { actor: 'producer', code: producerProgram(params) }];
}

function receiverProgram(actor: string, severities: string[]): string {
  return logReceiverProgram({
    actor,
    follows: 'receive_logs_direct.js',
    does: `Binds a queue of its own to the direct exchange ${EXCHANGE} once per severity it wants, and prints the lines it gets.`,
    exchange: EXCHANGE,
    type: 'direct',
    keys: {
      name: 'severities',
      item: 'severity',
      values: severities,
      none: 'no severity at all',
      comment: 'One binding per severity: the queue gets a message when any of them equals its routing key.',
    },
    received: '" [x] %s: \'%s\'", message.fields.routingKey, message.content.toString()',
  });
}

function producerProgram(params: DirectLogsParams): string {
  return program(
    header({
      actor: 'producer',
      follows: 'emit_log_direct.js',
      does: `Publishes each log line to the direct exchange ${EXCHANGE} with its severity as the routing key, then leaves.`,
    }),
    lines(constant('exchange', EXCHANGE), constant('messages', params.messages)),
    lines(openChannel(), `await channel.assertExchange(exchange, ${literal('direct')}, { durable: false });`),
    block(
      'for (const { severity, text } of messages) {',
      lines(
        `channel.publish(${args('exchange', 'severity', 'Buffer.from(text)', publishOptions(params.properties))});`,
        'console.log(" [x] Sent %s: \'%s\'", severity, text);',
      ),
    ),
    CLOSE_PUBLISHER,
  );
}
