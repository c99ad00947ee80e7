/**
 * The fifth tutorial's programs as a learner can run them: emit_log_topic.js
 * publishes to the topic exchange topic_logs with dotted routing keys; each
 * receive_logs_topic.js binds its queue with patterns.
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
import type { ActorCode } from '../../../server/scenario/index.js';
import { logReceiverProgram } from '../../log-receiver.code.js';
import type { TopicLogsParams } from './topic-logs.js';

/** The exchange every program declares. */
export const EXCHANGE = 'topic_logs';

/** The receivers, then the producer. */
export function topicLogsCode(params: TopicLogsParams): ActorCode[] {
  const receivers = params.bindings.map((patterns, i) => {
    const actor = `receiver ${i + 1}`;
    return { actor, code: receiverProgram(actor, patterns) };
  });
  return [...receivers, { actor: 'producer', code: producerProgram(params) }];
}

function receiverProgram(actor: string, patterns: string[]): string {
  return logReceiverProgram({
    actor,
    follows: 'receive_logs_topic.js',
    does: `Binds a queue of its own to the topic exchange ${EXCHANGE} with each pattern and prints the messages it gets.`,
    exchange: EXCHANGE,
    type: 'topic',
    keys: {
      name: 'patterns',
      item: 'pattern',
      values: patterns,
      none: 'no pattern at all',
      comment: 'One binding per pattern: * stands for exactly one word, # for zero or more.',
    },
    received: '" [x] %s:\'%s\'", message.fields.routingKey, message.content.toString()',
  });
}

function producerProgram(params: TopicLogsParams): string {
  return program(
    header({
      actor: 'producer',
      follows: 'emit_log_topic.js',
      does:
        `Publishes one message per routing key to the topic exchange ${EXCHANGE}, then leaves.` +
        ' Which receivers got each key shows in their own output.',
    }),
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
