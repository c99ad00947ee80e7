/**
 * The retrying worker in JavaScript with amqplib: it fails on the poison
 * task, rejects it without requeue so it waits in wait_queue for the retry
 * delay, counts the attempts from x-death, and parks the task once it has
 * failed maxAttempts times.
 */
import {
  UNTIL_INTERRUPTED,
  block,
  constant,
  header,
  lines,
  literal,
  openChannel,
  program,
} from '../../../server/scenario/code-template.js';
import { queueOptions } from './task-producer.js';
import { PARKING_LOT, WAIT_QUEUE, waitQueueArguments, workQueue, type RetryParams } from './retry.js';

export function retryWorkerJavaScript(params: RetryParams): string {
  return program(
    header({
      actor: 'worker',
      follows: 'worker.js',
      does: `Fails on the poison task; tries it ${params.maxAttempts} times, ${params.retryDelayMs} ms apart, then parks it in ${PARKING_LOT}.`,
    }),
    lines(
      constant('queue', workQueue.name),
      constant('waitQueue', WAIT_QUEUE),
      constant('parkingLot', PARKING_LOT),
      constant('poison', params.poison),
      constant('maxAttempts', params.maxAttempts),
      constant('retryDelayMs', params.retryDelayMs),
    ),
    lines(
      openChannel(),
      '// What a worker rejects, the work queue dead-letters (through the default',
      '// exchange) to the wait queue...',
      `await channel.assertQueue(queue, ${literal(queueOptions(workQueue))});`,
      '// ...which nobody consumes: after retryDelayMs the task expires there and is',
      '// dead-lettered back to the work queue.',
      `await channel.assertQueue(waitQueue, ${literal({ durable: true, arguments: waitQueueArguments('retryDelayMs') })});`,
      '// Where a task goes once it has failed maxAttempts times, for a person to look at.',
      'await channel.assertQueue(parkingLot, { durable: true });',
      'await channel.prefetch(1);',
    ),
    block(
      'function earlierAttempts(message) {',
      lines(
        '// Each time the work queue dead-letters the task it counts up its x-death entry',
        '// for the work queue and the reason rejected.',
        "const deaths = message.properties.headers?.['x-death'] ?? [];",
        "const rejected = deaths.find((death) => death.queue === queue && death.reason === 'rejected');",
        'return rejected === undefined ? 0 : rejected.count;',
      ),
    ),
    lines(
      block(
        'await channel.consume(queue, (message) => {',
        lines(
          'const task = message.content.toString();',
          'const attempt = earlierAttempts(message) + 1;',
          `console.log(" [x] Received '%s' (attempt %d of %d)", task, attempt, maxAttempts);`,
          block('if (task !== poison) {', lines("console.log(' [x] Done');", 'channel.ack(message);', 'return;')),
          block(
            'if (attempt < maxAttempts) {',
            lines(
              "console.log(' [!] Failed; back in %d ms by way of %s', retryDelayMs, waitQueue);",
              '// Rejected without requeue: dead-lettered to the wait queue.',
              'channel.nack(message, false, false);',
              'return;',
            ),
          ),
          "console.log(' [!] Failed %d times; parked in %s', attempt, parkingLot);",
          'channel.sendToQueue(parkingLot, message.content);',
          'channel.ack(message);',
        ),
        '}, { noAck: false });',
      ),
      "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);",
    ),
    UNTIL_INTERRUPTED,
  );
}
