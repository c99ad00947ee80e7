/**
 * The fourth tutorial's programs in JavaScript with amqplib:
 * emit_log_direct.js publishes log lines to the direct exchange direct_logs
 * with their severity as the routing key, and leaves; each
 * receive_logs_direct.js binds its queue once per severity it wants and
 * prints the lines it gets until you stop it.
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
import { EXCHANGE, directReceiver, type DirectLogsParams } from './direct-logs.js';

export function receiverJavaScript(actor: string, severities: string[]): string {
  return logReceiverJavaScript(
    directReceiver(actor, severities),
    '" [x] %s: \'%s\'", message.fields.routingKey, message.content.toString()',
  );
}

export function producerJavaScript(params: DirectLogsParams): string {
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
