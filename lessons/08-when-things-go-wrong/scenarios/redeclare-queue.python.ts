/**
 * The redeclare cell's programs in Python with pika: the first declares
 * hello and sends to it as send.py does; the second declares it differently,
 * is refused, and recovers on a new channel. They print what their
 * JavaScript twins print.
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
import { CHANGES, QUEUE, TEXT, type RedeclareQueueParams } from './redeclare-queue.js';

/** Sending the message on the channel, with the cell's properties. */
function send(params: RedeclareQueueParams): string {
  const properties = pyProperties(params.properties);
  return `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', 'body=text', properties !== undefined && `properties=${properties}`)})`;
}

export function firstPython(params: RedeclareQueueParams): string {
  return pyProgram(
    pyHeader({
      actor: 'first program',
      follows: 'send.py',
      does: `Declares the queue ${QUEUE} as the first tutorial does, sends a message to it, and leaves.`,
    }),
    pyLines(pythonConstant('queue', QUEUE), pythonConstant('text', TEXT)),
    pyLines(
      pyConnect(),
      'channel.queue_declare(queue=queue)',
      'print(f" [x] Declared queue \'{queue}\'")',
      send(params),
      'print(f" [x] Sent \'{text}\'")',
      'connection.close()',
    ),
  );
}

export function secondPython(params: RedeclareQueueParams): string {
  const change = CHANGES[params.change];
  return pyProgram(
    pyHeader({
      actor: 'second program',
      follows: 'send.py',
      does: `Declares the queue ${QUEUE} again with ${change.said}, is refused, and then looks at the queue and declares it as it was, on a new channel.`,
    }),
    pyLines(pythonConstant('queue', QUEUE), pythonConstant('text', TEXT)),
    pyConnect(),
    pyLines(
      pyBlock('try:', pyLines(`channel.queue_declare(queue=queue, ${change.python})`, 'print(f" [x] Declared queue \'{queue}\'")')),
      pyBlock('except pika.exceptions.ChannelClosedByBroker as error:', PRINT_CLOSE),
    ),
    publishAgain(send(params)),
    pyLines(
      '# The way out, on a new channel. A passive declare only checks that the queue',
      '# is there (and fails with 404 if not), whatever its settings.',
      'channel = connection.channel()',
      'result = channel.queue_declare(queue=queue, passive=True)',
      'print(f" [x] A passive declare finds queue \'{queue}\': messages {result.method.message_count}, consumers {result.method.consumer_count}")',
      '# Declared the way it was first declared, it is accepted.',
      'channel.queue_declare(queue=queue)',
      'print(f" [x] Declared queue \'{queue}\' as it was first declared")',
      'connection.close()',
    ),
  );
}
