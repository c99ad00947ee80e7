/** The shared task producer in JavaScript with amqplib: declares the queue, sends the tasks, leaves. */
import {
  CLOSE_PUBLISHER,
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
import { queueOptions, type TaskProducer } from './task-producer.js';

export function taskProducerJavaScript({ queue, tasks, properties }: TaskProducer): string {
  return program(
    header({ actor: 'producer', follows: 'new_task.js', does: `Puts every task on ${queue.name}, then leaves.` }),
    lines(constant('queue', queue.name), constant('tasks', tasks)),
    lines(openChannel(), `await channel.assertQueue(queue, ${literal(queueOptions(queue))});`),
    block(
      'for (const task of tasks) {',
      lines(
        `channel.sendToQueue(${args('queue', 'Buffer.from(task)', publishOptions({ ...toPublishOptions(properties) }))});`,
        'console.log(" [x] Sent \'%s\'", task);',
      ),
    ),
    CLOSE_PUBLISHER,
  );
}
