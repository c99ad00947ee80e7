/**
 * The connection-per-message cell's publishers in Python with pika: send.py
 * once per message, or once for all of them. They print what their
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
import { QUEUE, WAYS, type ConnectionPerMessageParams, type Way } from './connection-per-message.js';

/** Opening a connection and a channel, and declaring the queue: what send.py does first. */
const OPEN = pyLines(pyConnect(), 'connections += 1', 'channel.queue_declare(queue=queue)');

export function publisherPython(params: ConnectionPerMessageParams, way: Way): string {
  const each = way === 'connection per message';
  const properties = pyProperties(params.properties);
  // Sending message i on the channel open now.
  const send = `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', "body=f'Message {i}'", properties !== undefined && `properties=${properties}`)})`;
  return pyProgram(
    pyHeader({ actor: way, follows: 'send.py', does: WAYS[way].does, imports: ['time'] }),
    pyLines(pythonConstant('queue', QUEUE), pythonConstant('messages', params.messages)),
    pyLines(
      'started = time.perf_counter()',
      'connections = 0',
      each
        ? pyBlock(
            'for i in range(1, messages + 1):',
            pyLines(
              '# A whole handshake for every message: connection, channel, declare, and',
              '# closing them, each a round trip to the broker.',
              OPEN,
              send,
              'connection.close()',
            ),
          )
        : pyLines(OPEN, pyBlock('for i in range(1, messages + 1):', send), 'connection.close()'),
      'elapsed_ms = (time.perf_counter() - started) * 1000',
    ),
    "print(f' Sent {messages} messages on {connections} connection(s) in {round(elapsed_ms)} ms')",
  );
}
