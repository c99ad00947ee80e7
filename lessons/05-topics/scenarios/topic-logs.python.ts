/**
 * The fifth tutorial's programs in Python with pika: emit_log_topic.py
 * publishes to the topic exchange topic_logs with dotted routing keys, and
 * leaves; each receive_logs_topic.py binds its queue with patterns and prints
 * the messages it gets until you stop it.
 */
import {
  pyConnect,
  pyArgs,
  pyBlock,
  pyHeader,
  pyLines,
  pyProgram,
  pyProperties,
  pythonConstant,
  pythonLiteral,
} from '../../../server/scenario/python-template.js';
import { logReceiverPython } from '../../log-receiver.python.js';
import { EXCHANGE, topicProducerDoes, topicReceiver, type TopicLogsParams } from './topic-logs.js';

export function receiverPython(actor: string, patterns: string[]): string {
  return logReceiverPython(topicReceiver(actor, patterns), `f" [x] {method.routing_key}:'{body.decode()}'"`);
}

export function producerPython(params: TopicLogsParams): string {
  const properties = pyProperties(params.properties);
  return pyProgram(
    pyHeader({ actor: 'producer', follows: 'emit_log_topic.py', does: topicProducerDoes(params) }),
    pyLines(
      pythonConstant('exchange', EXCHANGE),
      pythonConstant('routing_keys', params.routingKeys),
      pythonConstant('text', params.message),
    ),
    pyLines(pyConnect(), `channel.exchange_declare(exchange=exchange, exchange_type=${pythonLiteral('topic')})`),
    params.mandatory &&
      pyLines(
        '# With mandatory, a message that matches no binding comes back (basic.return).',
        pyBlock(
          'def on_return(ch, method, properties, body):',
          "print(f' [!] Returned {method.routing_key}: {method.reply_code} {method.reply_text}')",
        ),
        'channel.add_on_return_callback(on_return)',
      ),
    pyBlock(
      'for key in routing_keys:',
      pyLines(
        `channel.basic_publish(${pyArgs(
          'exchange=exchange',
          'routing_key=key',
          'body=text',
          properties && `properties=${properties}`,
          params.mandatory && 'mandatory=True',
        )})`,
        'print(f" [x] Sent {key}:\'{text}\'")',
      ),
    ),
    params.mandatory &&
      pyLines(
        '# The broker answers in order: once this passive declare is answered, every',
        '# basic.return for the publishes above has arrived; process_data_events()',
        '# hands them to on_return.',
        'channel.exchange_declare(exchange=exchange, passive=True)',
        'connection.process_data_events()',
      ),
    'connection.close()',
  );
}
