/**
 * The fourth tutorial's programs in Python with pika: emit_log_direct.py
 * publishes log lines to the direct exchange direct_logs with their severity
 * as the routing key, and leaves; each receive_logs_direct.py binds its queue
 * once per severity it wants and prints the lines it gets until you stop it.
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
import { EXCHANGE, directReceiver, type DirectLogsParams } from './direct-logs.js';

export function receiverPython(actor: string, severities: string[]): string {
  return logReceiverPython(directReceiver(actor, severities), `f" [x] {method.routing_key}: '{body.decode()}'"`);
}

export function producerPython(params: DirectLogsParams): string {
  const properties = pyProperties(params.properties);
  return pyProgram(
    pyHeader({
      actor: 'producer',
      follows: 'emit_log_direct.py',
      does: `Publishes each log line to the direct exchange ${EXCHANGE} with its severity as the routing key, then leaves.`,
    }),
    pyLines(pythonConstant('exchange', EXCHANGE), pythonConstant('messages', params.messages)),
    pyLines(pyConnect(), `channel.exchange_declare(exchange=exchange, exchange_type=${pythonLiteral('direct')})`),
    pyBlock(
      'for message in messages:',
      pyLines(
        "severity, text = message['severity'], message['text']",
        `channel.basic_publish(${pyArgs('exchange=exchange', 'routing_key=severity', 'body=text', properties && `properties=${properties}`)})`,
        'print(f" [x] Sent {severity}: \'{text}\'")',
      ),
    ),
    'connection.close()',
  );
}
