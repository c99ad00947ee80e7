/**
 * The missing-exchange cell's producer in Python with pika: it publishes to
 * an exchange nobody declared and hears of it at its next call that waits
 * for the broker. It prints what its JavaScript twin prints.
 */
import {
  pyArgs,
  pyBlock,
  pyConnect,
  pyHeader,
  pyLines,
  pyProgram,
  pyProperties,
  pythonConstant,
} from '../../../server/scenario/python-template.js';
import { PRINT_CLOSE, publishAgain } from './troubles.python.js';
import type { MissingExchangeParams } from './missing-exchange.js';

export function producerPython({ exchange, properties }: MissingExchangeParams): string {
  const given = pyProperties(properties);
  const publish = `channel.basic_publish(${pyArgs('exchange=exchange', "routing_key=''", 'body=text', given !== undefined && `properties=${given}`)})`;
  return pyProgram(
    pyHeader({
      actor: 'producer',
      follows: 'emit_log.py',
      does: `Publishes to the exchange ${exchange} without declaring it first, and prints what the broker answers.`,
    }),
    pyLines(pythonConstant('exchange', exchange), "text = 'Hello World!'"),
    pyConnect(),
    pyLines(publish, "print(f\" [x] Sent '{text}' to exchange '{exchange}': no error so far\")"),
    pyLines(
      "# basic.publish has no reply: pika raises the broker's answer at the next call",
      '# that waits for the broker, here closing the channel.',
      pyBlock('try:', 'channel.close()'),
      pyBlock('except pika.exceptions.ChannelClosedByBroker as error:', PRINT_CLOSE),
    ),
    publishAgain(publish),
    'connection.close()',
  );
}
