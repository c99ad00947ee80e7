/**
 * The worker of the poison message cells in JavaScript with amqplib: it
 * takes one task at a time, fails on the poison task every time and nacks
 * it with requeue, and acknowledges every other task once done.
 */
import {
  SLEEP,
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
import { workQueue, workerDoes, type PoisonMessageParams } from './poison-message.js';

export function poisonWorkerJavaScript(params: PoisonMessageParams): string {
  const queue = workQueue(params);
  return program(
    header({ actor: 'worker', follows: 'worker.js', does: workerDoes(params) }),
    lines(constant('queue', queue.name), constant('poison', params.poison), constant('msPerTask', params.msPerTask), SLEEP),
    lines(
      openChannel(),
      `await channel.assertQueue(queue, ${literal(queueOptions(queue))});`,
      '// basic.qos: one unacknowledged task at a time.',
      'await channel.prefetch(1);',
    ),
    lines(
      block(
        'await channel.consume(queue, async (message) => {',
        lines(
          'const task = message.content.toString();',
          "console.log(\" [x] Received '%s'%s\", task, message.fields.redelivered ? ' (redelivered)' : '');",
          'await sleep(msPerTask);',
          block(
            'if (task === poison) {',
            lines(
              '// The task this worker cannot do. nack with requeue gives it back to the',
              '// queue, which delivers it again: it fails again, and again.',
              'console.log(" [!] Failed on \'%s\'; nacked with requeue", task);',
              'channel.nack(message, false, true);',
              'return;',
            ),
          ),
          "console.log(' [x] Done');",
          'channel.ack(message);',
        ),
        '}, { noAck: false });',
      ),
      "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);",
    ),
    UNTIL_INTERRUPTED,
  );
}
