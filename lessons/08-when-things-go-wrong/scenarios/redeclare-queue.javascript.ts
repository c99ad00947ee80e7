/**
 * The redeclare cell's programs in JavaScript with amqplib: the first
 * declares hello and sends to it as send.js does; the second declares it
 * differently, is refused, and recovers on a new channel.
 */
import {
  CLOSE_PUBLISHER,
  args,
  constant,
  header,
  lines,
  literal,
  openChannel,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { PRINT_CLOSE, REPLY_TEXT, publishAgain, tryCatch } from './troubles.javascript.js';
import { CHANGES, QUEUE, TEXT, type RedeclareQueueParams } from './redeclare-queue.js';

/** Sending the message on the channel, with the cell's properties. */
function send(params: RedeclareQueueParams): string {
  return `channel.sendToQueue(${args('queue', 'Buffer.from(text)', publishOptions(params.properties))});`;
}

export function firstJavaScript(params: RedeclareQueueParams): string {
  return program(
    header({
      actor: 'first program',
      follows: 'send.js',
      does: `Declares the queue ${QUEUE} as the first tutorial does, sends a message to it, and leaves.`,
    }),
    lines(constant('queue', QUEUE), constant('text', TEXT)),
    lines(
      openChannel(),
      'await channel.assertQueue(queue, { durable: false });',
      'console.log(" [x] Declared queue \'%s\'", queue);',
      send(params),
      'console.log(" [x] Sent \'%s\'", text);',
      CLOSE_PUBLISHER,
    ),
  );
}

export function secondJavaScript(params: RedeclareQueueParams): string {
  const change = CHANGES[params.change];
  return program(
    header({
      actor: 'second program',
      follows: 'send.js',
      does: `Declares the queue ${QUEUE} again with ${change.said}, is refused, and then looks at the queue and declares it as it was, on a new channel.`,
    }),
    lines(constant('queue', QUEUE), constant('text', TEXT)),
    REPLY_TEXT,
    lines(
      openChannel(),
      '// A refused call rejects, and the channel also emits an error event: without a',
      '// listener, that event would end the program. The catch below says it all.',
      "channel.on('error', () => {});",
    ),
    tryCatch(
      lines(`await channel.assertQueue(queue, ${literal(change.javascript)});`, 'console.log(" [x] Declared queue \'%s\'", queue);'),
      'catch (error)',
      PRINT_CLOSE,
    ),
    publishAgain(send(params)),
    lines(
      '// The way out, on a new channel. A passive declare only checks that the queue',
      '// is there (and fails with 404 if not), whatever its settings.',
      'const fresh = await connection.createChannel();',
      'const { messageCount, consumerCount } = await fresh.checkQueue(queue);',
      'console.log(" [x] A passive declare finds queue \'%s\': messages %d, consumers %d", queue, messageCount, consumerCount);',
      '// Declared the way it was first declared, it is accepted.',
      'await fresh.assertQueue(queue, { durable: false });',
      'console.log(" [x] Declared queue \'%s\' as it was first declared", queue);',
      'await connection.close();',
    ),
  );
}
