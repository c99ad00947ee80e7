/**
 * The worker of the poison message cells in Python with pika, the twin of
 * poison-message.javascript.ts: it prints exactly what that one prints.
 */
import {
  pyBlock,
  pyConnect,
  pyConsumeUntilInterrupted,
  pyHeader,
  pyLines,
  pyProgram,
  pythonConstant,
} from '../../../server/scenario/python-template.js';
import { pyQueueDeclare } from './task-producer.js';
import { workQueue, workerDoes, type PoisonMessageParams } from './poison-message.js';

export function poisonWorkerPython(params: PoisonMessageParams): string {
  const queue = workQueue(params);
  return pyProgram(
    pyHeader({ actor: 'worker', follows: 'worker.py', does: workerDoes(params), imports: ['time'] }),
    pyLines(pythonConstant('queue', queue.name), pythonConstant('poison', params.poison), pythonConstant('ms_per_task', params.msPerTask)),
    pyLines(
      pyConnect(),
      pyQueueDeclare(queue, 'queue'),
      '# basic.qos: one unacknowledged task at a time.',
      'channel.basic_qos(prefetch_count=1)',
    ),
    pyBlock(
      'def callback(ch, method, properties, body):',
      pyLines(
        'task = body.decode()',
        `print(f" [x] Received '{task}'" + (' (redelivered)' if method.redelivered else ''))`,
        'time.sleep(ms_per_task / 1000)',
        pyBlock(
          'if task == poison:',
          pyLines(
            '# The task this worker cannot do. nack with requeue gives it back to the',
            '# queue, which delivers it again: it fails again, and again.',
            `print(f" [!] Failed on '{task}'; nacked with requeue")`,
            'ch.basic_nack(delivery_tag=method.delivery_tag, requeue=True)',
            'return',
          ),
        ),
        "print(' [x] Done')",
        'ch.basic_ack(delivery_tag=method.delivery_tag)',
      ),
    ),
    'channel.basic_consume(queue=queue, on_message_callback=callback)',
    pyConsumeUntilInterrupted(` [*] Waiting for messages in ${queue.name}. To exit press CTRL+C`),
  );
}
