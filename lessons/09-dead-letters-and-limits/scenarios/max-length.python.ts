/**
 * The max-length cells' programs in Python with pika, the twins of
 * max-length.javascript.ts: they print exactly what those print.
 */
import {
  pyArgs,
  pyBlock,
  pyConnect,
  pyConsumeUntilInterrupted,
  pyHeader,
  pyLines,
  pyProgram,
  pyProperties,
  pythonConstant,
} from '../../../server/scenario/python-template.js';
import { pyQueueDeclare } from './task-producer.js';
import { readingsQueue, type MaxLengthParams } from './max-length.js';

/** How both programs declare the queue: the limit comes with it, as every declaration must say the same. */
function declare(params: MaxLengthParams): string {
  return pyLines(
    params.lengthLimit > 0 && `# x-max-length: at most ${params.lengthLimit} ready messages; x-overflow: what happens to one more.`,
    pyQueueDeclare(readingsQueue(params), 'queue'),
  );
}

export function readingsProducerPython(params: MaxLengthParams): string {
  const properties = pyProperties(params.properties);
  return pyProgram(
    pyHeader({
      actor: 'producer',
      follows: 'strategy 1 of publisher confirms',
      does: `Sends ${params.readings} readings to the queue readings on a channel in confirm mode, one at a time, says which the broker confirmed and which it nacked, and leaves.`,
    }),
    pyLines(pythonConstant('queue', readingsQueue(params).name), pythonConstant('readings', params.readings)),
    pyLines(
      pyConnect(),
      '# Confirm mode: basic_publish returns once the broker has confirmed the message,',
      '# and raises NackError when the broker nacks it.',
      'channel.confirm_delivery()',
      declare(params),
    ),
    pyBlock(
      'for i in range(1, readings + 1):',
      pyLines(
        "reading = f'reading {i}'",
        pyBlock(
          'try:',
          pyLines(
            `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', 'body=reading', properties !== undefined && `properties=${properties}`)})`,
            `print(f" [x] Sent '{reading}', confirmed")`,
          ),
        ),
        pyBlock('except pika.exceptions.NackError:', `print(f" [!] Sent '{reading}', nacked: the queue is full")`),
      ),
    ),
    'connection.close()',
  );
}

export function readerPython(params: MaxLengthParams): string {
  return pyProgram(
    pyHeader({ actor: 'reader', follows: 'receive.py', does: 'Comes once the producer has left and prints every reading the queue kept.' }),
    pythonConstant('queue', readingsQueue(params).name),
    pyLines(pyConnect(), declare(params)),
    pyBlock('def callback(ch, method, properties, body):', 'print(f" [x] Received \'{body.decode()}\'")'),
    'channel.basic_consume(queue=queue, on_message_callback=callback, auto_ack=True)',
    pyConsumeUntilInterrupted(` [*] Waiting for messages in readings. To exit press CTRL+C`),
  );
}
