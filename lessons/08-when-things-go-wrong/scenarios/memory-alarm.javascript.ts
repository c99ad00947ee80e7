/**
 * The memory-alarm cell's programs in JavaScript with amqplib: a publisher
 * that listens for the broker's blocked and unblocked events and waits while
 * it is blocked, and a consumer that drains the queue.
 */
import {
  CLOSE_PUBLISHER,
  SLEEP,
  UNTIL_INTERRUPTED,
  args,
  block,
  constant,
  header,
  lines,
  openChannel,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { QUEUE, type MemoryAlarmParams } from './memory-alarm.js';

export function publisherJavaScript(params: MemoryAlarmParams): string {
  return program(
    header({
      actor: 'publisher',
      follows: 'send.js',
      does:
        `Sends ${params.messages} messages of ${params.messageKiB} KiB to the queue ${QUEUE}, one every ${params.pauseMs} ms, ` +
        'and stops sending while the broker has it blocked (connection.blocked), until it is unblocked.',
      imports: ["import { once } from 'node:events';"],
    }),
    lines(
      constant('queue', QUEUE),
      constant('messages', params.messages),
      constant('messageBytes', params.messageKiB * 1024),
      constant('pauseMs', params.pauseMs),
      SLEEP,
    ),
    openChannel(),
    lines(
      '// When a resource alarm stops the broker reading what this connection',
      '// publishes, it says so with connection.blocked, and connection.unblocked',
      '// once the alarm clears. amqplib turns them into these two events.',
      'let blocked = false;',
      block(
        "connection.on('blocked', (reason) => {",
        lines('blocked = true;', "console.log(' [!] Blocked by the broker: %s', reason);"),
        '});',
      ),
      block("connection.on('unblocked', () => {", lines('blocked = false;', "console.log(' [!] Unblocked: sending again');"), '});'),
    ),
    'await channel.assertQueue(queue, { durable: false });',
    lines(
      "const body = Buffer.alloc(messageBytes, 'x');",
      block(
        'for (let i = 1; i <= messages; i += 1) {',
        lines(
          '// Publishing on a blocked connection only piles messages up in this',
          '// program: wait until the broker reads them again.',
          "if (blocked) await once(connection, 'unblocked');",
          "// false: amqplib's buffer is full; wait until it has been written out.",
          `if (!channel.sendToQueue(${args('queue', 'body', publishOptions(params.properties))})) await once(channel, 'drain');`,
          "console.log(' [x] Sent message %d (%d KiB)', i, messageBytes / 1024);",
          'await sleep(pauseMs);',
        ),
      ),
    ),
    CLOSE_PUBLISHER,
  );
}

export function consumerJavaScript(): string {
  return program(
    header({
      actor: 'consumer',
      follows: 'receive.js',
      does: `Drains the queue ${QUEUE}, printing each message's number and size, so the broker's memory falls back under its limit.`,
    }),
    constant('queue', QUEUE),
    openChannel(),
    lines(
      'await channel.assertQueue(queue, { durable: false });',
      "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);",
      'let received = 0;',
      '// noAck: the broker forgets each message, and frees its memory, as soon as it has sent it.',
      block(
        'await channel.consume(queue, (message) => {',
        lines('received += 1;', "console.log(' [x] Received message %d (%d KiB)', received, message.content.length / 1024);"),
        '}, { noAck: true });',
      ),
    ),
    UNTIL_INTERRUPTED,
  );
}
