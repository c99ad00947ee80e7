/**
 * The fifth tutorial's programs in JavaScript with amqplib:
 * emit_log_topic.js publishes to the topic exchange topic_logs with dotted
 * routing keys, and leaves; each receive_logs_topic.js binds its queue with
 * patterns and prints the messages it gets until you stop it.
 */
import {
  AWAIT_RETURNS,
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
import { EXCHANGE, topicProducerDoes, topicReceiver, type TopicLogsParams } from './topic-logs.js';

export function receiverJavaScript(actor: string, patterns: string[]): string {
  return logReceiverJavaScript(topicReceiver(actor, patterns), '" [x] %s:\'%s\'", message.fields.routingKey, message.content.toString()');
}

export function producerJavaScript(params: TopicLogsParams): string {
  return program(
    header({ actor: 'producer', follows: 'emit_log_topic.js', does: topicProducerDoes(params) }),
    lines(constant('exchange', EXCHANGE), constant('routingKeys', params.routingKeys), constant('text', params.message)),
    lines(
      openChannel(),
      params.mandatory &&
        lines(
          '// With mandatory, a message that matches no binding comes back (basic.return).',
          block(
            "channel.on('return', (message) => {",
            lines(
              'const { routingKey, replyCode, replyText } = message.fields;',
              "console.log(' [!] Returned %s: %s %s', routingKey, replyCode, replyText);",
            ),
            '});',
          ),
        ),
      `await channel.assertExchange(exchange, ${literal('topic')}, { durable: false });`,
    ),
    block(
      'for (const key of routingKeys) {',
      lines(
        `channel.publish(${args('exchange', 'key', 'Buffer.from(text)', publishOptions({ ...params.properties, mandatory: params.mandatory || undefined }))});`,
        'console.log(" [x] Sent %s:\'%s\'", key, text);',
      ),
    ),
    params.mandatory && AWAIT_RETURNS,
    CLOSE_PUBLISHER,
  );
}
