/**
 * The max-length cells' programs in JavaScript with amqplib: the producer
 * publishes its readings on a confirm channel, one at a time, and says which
 * the broker confirmed and which it nacked; the reader prints what the
 * queue kept.
 */
import {
  CLOSE_PUBLISHER,
  UNTIL_INTERRUPTED,
  args,
  block,
  branches,
  constant,
  header,
  lines,
  literal,
  openChannel,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { toPublishOptions } from '../../../server/scenario/index.js';
import { queueOptions } from './task-producer.js';
import { readingsQueue, type MaxLengthParams } from './max-length.js';

/** How both programs declare the queue: the limit comes with it, as every declaration must say the same. */
function declare(params: MaxLengthParams): string {
  const queue = readingsQueue(params);
  return lines(
    params.lengthLimit > 0 && `// x-max-length: at most ${params.lengthLimit} ready messages; x-overflow: what happens to one more.`,
    `await channel.assertQueue(queue, ${literal(queueOptions(queue))});`,
  );
}

export function readingsProducerJavaScript(params: MaxLengthParams): string {
  const options = publishOptions({ ...toPublishOptions(params.properties) }) ?? '{}';
  return program(
    header({
      actor: 'producer',
      follows: 'strategy 1 of publisher confirms',
      does: `Sends ${params.readings} readings to the queue readings on a confirm channel, one at a time, says which the broker confirmed and which it nacked, and leaves.`,
    }),
    lines(constant('queue', readingsQueue(params).name), constant('readings', params.readings)),
    lines(openChannel('confirm channel'), declare(params)),
    block(
      'for (let i = 1; i <= readings; i += 1) {',
      lines(
        'const reading = `reading ${i}`;',
        '// Wait for its confirm: basic.ack, or basic.nack when the queue refused it.',
        block(
          'const confirmed = await new Promise((resolve) => {',
          `channel.sendToQueue(${args('queue', 'Buffer.from(reading)', options, '(error) => resolve(error === null)')});`,
          '});',
        ),
        branches(
          ['confirmed', 'console.log(" [x] Sent \'%s\', confirmed", reading);'],
          [null, 'console.log(" [!] Sent \'%s\', nacked: the queue is full", reading);'],
        ),
      ),
    ),
    CLOSE_PUBLISHER,
  );
}

export function readerJavaScript(params: MaxLengthParams): string {
  return program(
    header({ actor: 'reader', follows: 'receive.js', does: 'Comes once the producer has left and prints every reading the queue kept.' }),
    constant('queue', readingsQueue(params).name),
    lines(openChannel(), declare(params)),
    lines(
      block(
        'await channel.consume(queue, (message) => {',
        'console.log(" [x] Received \'%s\'", message.content.toString());',
        '}, { noAck: true });',
      ),
      "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);",
    ),
    UNTIL_INTERRUPTED,
  );
}
