/** The shared task producer in Python with pika, the twin of task-producer.javascript.ts. */
import {
  pyArgs,
  pyBlock,
  pyConnect,
  pyHeader,
  pyLines,
  pyProgram,
  pyProperties,
  pythonConstant,
} from '../../../server/scenario/python-template.js';
import { pyQueueDeclare, type TaskProducer } from './task-producer.js';

export function taskProducerPython({ queue, tasks, properties }: TaskProducer): string {
  const withProperties = pyProperties(properties);
  return pyProgram(
    pyHeader({ actor: 'producer', follows: 'new_task.py', does: `Puts every task on ${queue.name}, then leaves.` }),
    pyLines(pythonConstant('queue', queue.name), pythonConstant('tasks', tasks)),
    pyLines(pyConnect(), pyQueueDeclare(queue, 'queue')),
    pyBlock(
      'for task in tasks:',
      pyLines(
        `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', 'body=task', withProperties !== undefined && `properties=${withProperties}`)})`,
        'print(f" [x] Sent \'{task}\'")',
      ),
    ),
    'connection.close()',
  );
}
