/**
 * The connection-per-message cell's publishers in JavaScript with amqplib:
 * send.js once per message, or once for all of them.
 */
import {
  CLOSE_PUBLISHER,
  args,
  block,
  constant,
  header,
  lines,
  openChannel,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { QUEUE, WAYS, type ConnectionPerMessageParams, type Way } from './connection-per-message.js';

/** Opening a connection and a channel, and declaring the queue: what send.js does first. */
const OPEN = lines(openChannel(), 'connections += 1;', 'await channel.assertQueue(queue, { durable: false });');

export function publisherJavaScript(params: ConnectionPerMessageParams, way: Way): string {
  const each = way === 'connection per message';
  // Sending message i on the channel open now.
  const send = `channel.sendToQueue(${args('queue', 'Buffer.from(`Message ${i}`)', publishOptions(params.properties))});`;
  return program(
    header({ actor: way, follows: 'send.js', does: WAYS[way].does }),
    lines(constant('queue', QUEUE), constant('messages', params.messages)),
    lines(
      'const started = performance.now();',
      'let connections = 0;',
      each
        ? block(
            'for (let i = 1; i <= messages; i += 1) {',
            lines(
              '// A whole handshake for every message: connection, channel, declare, and',
              '// closing them, each a round trip to the broker.',
              OPEN,
              send,
              CLOSE_PUBLISHER,
            ),
          )
        : lines(OPEN, block('for (let i = 1; i <= messages; i += 1) {', send), CLOSE_PUBLISHER),
      'const elapsedMs = performance.now() - started;',
    ),
    `console.log(' Sent %d messages on %d connection(s) in %d ms', messages, connections, Math.round(elapsedMs));`,
  );
}
