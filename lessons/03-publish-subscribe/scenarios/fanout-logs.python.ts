/**
 * The third tutorial's programs in Python with pika: emit_log.py publishes
 * log lines to the fanout exchange logs and leaves; every receive_logs.py
 * binds a queue of its own to it and prints each line until you stop it.
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
import { EXCHANGE, fanoutReceiver, type FanoutLogsParams } from './fanout-logs.js';

export function receiverPython(actor: string): string {
  return logReceiverPython(fanoutReceiver(actor), `f" [x] Received '{body.decode()}'"`);
}

export function producerPython(params: FanoutLogsParams): string {
  const properties = pyProperties(params.properties);
  return pyProgram(
    pyHeader({
      actor: 'producer',
      follows: 'emit_log.py',
      does: `Publishes the log lines to the fanout exchange ${EXCHANGE}, then leaves.`,
    }),
    pyLines(pythonConstant('exchange', EXCHANGE), pythonConstant('messages', params.messages)),
    pyLines(
      pyConnect(),
      '# Publishing to an exchange that does not exist is an error: declare it first.',
      `channel.exchange_declare(exchange=exchange, exchange_type=${pythonLiteral('fanout')})`,
    ),
    pyBlock(
      'for text in messages:',
      pyLines(
        '# A fanout exchange ignores the routing key.',
        `channel.basic_publish(${pyArgs('exchange=exchange', "routing_key=''", 'body=text', properties && `properties=${properties}`)})`,
        'print(f" [x] Sent \'{text}\'")',
      ),
    ),
    'connection.close()',
  );
}
