/**
 * The second tutorial's programs as a learner can run them: new_task.js puts
 * the tasks on task_queue; each worker.js takes them one at a time, works one
 * unit per dot, and acknowledges (or not, as the cell says). A worker can be
 * the slow one, or stop halfway through a task.
 */
import {
  CLOSE_PUBLISHER,
  SLEEP,
  args,
  block,
  constant,
  consumeOneAtATime,
  header,
  leaveWhenQuiet,
  lines,
  literal,
  openChannel,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import type { Options } from 'amqplib';
import { toPublishOptions, type ActorCode } from '../../../server/scenario/index.js';
import type { WorkQueueParams } from './work-queue.js';

/** The queue the producer and every worker declare. */
export const QUEUE = 'task_queue';

/** The producer's publish options: persistent unless the learner's own deliveryMode says otherwise. */
export function taskPublishOptions(params: WorkQueueParams): Options.Publish {
  const persistent = params.persistent && params.properties.deliveryMode === undefined;
  return { ...(persistent ? { persistent: true } : {}), ...toPublishOptions(params.properties) };
}

/** The workers, then the producer. */
export function workQueueCode(params: WorkQueueParams): ActorCode[] {
  const workers = Array.from({ length: params.workers }, (_, i) => ({ actor: `worker ${i + 1}`, code: workerProgram(params, i + 1) }));
  return [...workers, { actor: 'producer', code: producerProgram(params) }];
}

function producerProgram(params: WorkQueueParams): string {
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

function workerProgram(params: WorkQueueParams, number: number): string {
  const slow = number === params.slowWorker && params.slowdown > 1;
  const stops = number === params.stopWorker;
  const does = [
    `Takes tasks from ${QUEUE} one at a time and works ${params.msPerDot * (slow ? params.slowdown : 1)} ms per dot.`,
    stops && `It stops halfway through task number ${params.stopAfter} of its own.`,
  ]
    .filter(Boolean)
    .join(' ');
  return program(
    header({ actor: `worker ${number}`, follows: 'worker.js', does }),
    lines(
      constant('queue', QUEUE),
      slow && `// The slow worker: ${params.slowdown} times the others' ${params.msPerDot} ms per dot.`,
      constant('msPerDot', params.msPerDot * (slow ? params.slowdown : 1)),
      stops && constant('stopAfter', params.stopAfter),
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
    leaveWhenQuiet(),
    stops && lines('let tasksStarted = 0;', 'let stopped = false;'),
    block(
      'async function work(message) {',
      lines(
        stops &&
          params.ackMode !== 'automatic' &&
          '// A task that was waiting its turn when the worker stopped: the broker gives it to another.',
        stops && params.ackMode !== 'automatic' && 'if (stopped) return;',
        stops &&
          params.ackMode === 'automatic' &&
          block(
            'if (stopped) {',
            lines(
              '// A task that was waiting its turn when the worker stopped: with noAck the broker forgot it as it sent it.',
              LOST,
              'return;',
            ),
            '}',
          ),
        stops && 'tasksStarted += 1;',
        'const task = message.content.toString();',
        "console.log(\" [x] Received '%s'%s\", task, message.fields.redelivered ? ' (redelivered)' : '');",
        "const workMs = (task.split('.').length - 1) * msPerDot;",
        stops &&
          block(
            'if (tasksStarted === stopAfter) {',
            lines(
              '// Halfway through, the worker closes its connection with the task unfinished.',
              'await sleep(workMs / 2);',
              'stopped = true;',
              'console.log(" [!] Stopped halfway through \'%s\': its connection is closed", task);',
              params.ackMode === 'automatic' && LOST,
              'await leave();',
              'return;',
            ),
          ),
        'await sleep(workMs);',
        "console.log(' [x] Done');",
        acknowledge(params.ackMode),
      ),
    ),
    lines(
      consumeOneAtATime({
        handler: 'work',
        noAck: params.ackMode === 'automatic',
        comment: 'worker.js handles one task at a time: deliveries wait their turn here.',
        canStop: stops,
      }),
      "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);",
    ),
  );
}

/** What a worker with automatic acknowledgement prints for a task it will never finish. */
const LOST = 'console.log(" [!] Lost \'%s\': it was delivered with automatic acknowledgement", message.content.toString());';

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
