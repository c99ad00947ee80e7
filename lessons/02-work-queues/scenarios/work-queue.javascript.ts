/**
 * The second tutorial's programs in JavaScript with amqplib: new_task.js puts
 * the tasks on task_queue and leaves; each worker.js takes them one at a
 * time, works one unit per dot, and acknowledges (or not, as the cell says),
 * until you stop it.
 */
import type { Options } from 'amqplib';
import {
  CLOSE_PUBLISHER,
  SLEEP,
  UNTIL_INTERRUPTED,
  args,
  block,
  constant,
  header,
  lines,
  literal,
  openChannel,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { toPublishOptions } from '../../../server/scenario/index.js';
import { QUEUE, msPerDotOf, workerDoes, type WorkQueueParams } from './work-queue.js';

/** The producer's publish options: persistent unless the learner's own deliveryMode says otherwise. */
function taskPublishOptions(params: WorkQueueParams): Options.Publish {
  const persistent = params.persistent && params.properties.deliveryMode === undefined;
  return { ...(persistent ? { persistent: true } : {}), ...toPublishOptions(params.properties) };
}

export function producerJavaScript(params: WorkQueueParams): string {
  return program(
    header({ actor: 'producer', follows: 'new_task.js', does: `Puts every task on ${QUEUE}, then leaves.` }),
    lines(constant('queue', QUEUE), constant('tasks', params.tasks)),
    lines(openChannel(), `await channel.assertQueue(queue, ${literal({ durable: params.durable })});`),
    block(
      'for (const task of tasks) {',
      lines(
        `channel.sendToQueue(${args('queue', 'Buffer.from(task)', publishOptions({ ...taskPublishOptions(params) }))});`,
        'console.log(" [x] Sent \'%s\'", task);',
      ),
    ),
    CLOSE_PUBLISHER,
  );
}

export function workerJavaScript(params: WorkQueueParams, number: number): string {
  const slow = number === params.slowWorker && params.slowdown > 1;
  return program(
    header({
      actor: `worker ${number}`,
      follows: 'worker.js',
      does: workerDoes(params, number),
    }),
    lines(
      constant('queue', QUEUE),
      slow && `// The slow worker: ${params.slowdown} times the others' ${params.msPerDot} ms per dot.`,
      constant('msPerDot', msPerDotOf(params, number)),
      SLEEP,
    ),
    lines(
      openChannel(),
      `await channel.assertQueue(queue, ${literal({ durable: params.durable })});`,
      params.prefetch > 0 &&
        lines(
          `// basic.qos: at most ${params.prefetch} unacknowledged task${params.prefetch === 1 ? '' : 's'} at a time; the rest`,
          '// wait in the queue for whoever is free.',
          `await channel.prefetch(${literal(params.prefetch)});`,
        ),
    ),
    block(
      'async function work(message) {',
      lines(
        'const task = message.content.toString();',
        "console.log(\" [x] Received '%s'%s\", task, message.fields.redelivered ? ' (redelivered)' : '');",
        "await sleep((task.split('.').length - 1) * msPerDot);",
        "console.log(' [x] Done');",
        acknowledge(params.ackMode),
      ),
    ),
    lines(
      '// worker.js handles one task at a time: deliveries wait their turn here.',
      'let backlog = Promise.resolve();',
      block(
        'await channel.consume(queue, (message) => {',
        'backlog = backlog.then(() => work(message));',
        `}, { noAck: ${String(params.ackMode === 'automatic')} });`,
      ),
      "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);",
    ),
    UNTIL_INTERRUPTED,
  );
}

/** What a worker does with a finished task, for each acknowledgement mode. */
function acknowledge(ackMode: WorkQueueParams['ackMode']): string {
  switch (ackMode) {
    case 'manual':
      return lines('// Acknowledged only once done: if the worker dies first, the task goes to another.', 'channel.ack(message);');
    case 'automatic':
      return '// No ack: with noAck the broker forgot the task the moment it sent it.';
    case 'forgotten':
      return '// The bug on purpose: no channel.ack(message), so the broker keeps the task as unacknowledged.';
  }
}
