/**
 * The missing-exchange cell's producer in Python with pika: it publishes to
 * an exchange nobody declared and hears of it at its next call that waits
 * for the broker. It prints what its JavaScript twin prints.
 */
import { pyBlock, pyConnect, pyHeader, pyLines, pyProgram, pythonConstant } from '../../../server/scenario/python-template.js';
import { PRINT_CLOSE, publishAgain } from './troubles.python.js';

export function producerPython(exchange: string): string {
  return pyProgram(
    pyHeader({
      actor: 'producer',
      follows: 'emit_log.py',
      does: `Publishes to the exchange ${exchange} without declaring it first, and prints what the broker answers.`,
    }),
    pyLines(pythonConstant('exchange', exchange), "text = 'Hello World!'"),
    pyConnect(),
    pyLines(
      "channel.basic_publish(exchange=exchange, routing_key='', body=text)",
      "print(f\" [x] Sent '{text}' to exchange '{exchange}': no error so far\")",
    ),
    pyLines(
      "# basic.publish has no reply: pika raises the broker's answer at the next call",
      '# that waits for the broker, here closing the channel.',
      pyBlock('try:', 'channel.close()'),
      pyBlock('except pika.exceptions.ChannelClosedByBroker as error:', PRINT_CLOSE),
    ),
    publishAgain("channel.basic_publish(exchange=exchange, routing_key='', body=text)"),
    'connection.close()',
  );
}
