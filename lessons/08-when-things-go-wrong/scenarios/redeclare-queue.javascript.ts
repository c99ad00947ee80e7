/**
 * The redeclare cell's programs in JavaScript with amqplib: the first
 * declares hello as send.js does; the second declares it differently, is
 * refused, and recovers on a new channel.
 */
import { constant, header, lines, literal, openChannel, program } from '../../../server/scenario/code-template.js';
import { PRINT_CLOSE, REPLY_TEXT, publishAgain, tryCatch } from './troubles.javascript.js';
import { CHANGES, QUEUE, type RedeclareQueueParams } from './redeclare-queue.js';

export function firstJavaScript(): string {
  return program(
    header({ actor: 'first program', follows: 'send.js', does: `Declares the queue ${QUEUE} as the first tutorial does, and leaves.` }),
    constant('queue', QUEUE),
    lines(
      openChannel(),
      'await channel.assertQueue(queue, { durable: false });',
      'console.log(" [x] Declared queue \'%s\'", queue);',
      'await connection.close();',
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
    constant('queue', QUEUE),
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
    publishAgain("channel.sendToQueue(queue, Buffer.from('Hello World!'));"),
    lines(
      '// The way out, on a new channel. A passive declare only checks that the queue',
      '// is there (and fails with 404 if not), whatever its settings.',
      'const fresh = await connection.createChannel();',
      'const { messageCount, consumerCount } = await fresh.checkQueue(queue);',
      'console.log(" [x] A passive declare finds queue \'%s\': %d messages, %d consumers", queue, messageCount, consumerCount);',
      '// Declared the way it was first declared, it is accepted.',
      'await fresh.assertQueue(queue, { durable: false });',
      'console.log(" [x] Declared queue \'%s\' as it was first declared", queue);',
      'await connection.close();',
    ),
  );
}
