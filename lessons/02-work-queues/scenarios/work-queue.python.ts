/**
 * The second tutorial's programs in Python with pika: new_task.py puts the
 * tasks on task_queue and leaves; each worker.py takes them one at a time
 * (pika calls its callback for one delivery after the other), works one unit
 * per dot, and acknowledges (or not, as the cell says), until you stop it.
 */
import {
  pyConnect,
  pyArgs,
  pyBlock,
  pyConsumeUntilInterrupted,
  pyHeader,
  pyLines,
  pyProgram,
  pyProperties,
  pythonConstant,
  pythonLiteral,
} from '../../../server/scenario/python-template.js';
import { QUEUE, deliveryModeOf, msPerDotOf, workerDoes, type WorkQueueParams } from './work-queue.js';

/** How both programs declare the queue. */
function declareQueue(params: WorkQueueParams): string {
  return `channel.queue_declare(queue=queue, durable=${pythonLiteral(params.durable)})`;
}

export function producerPython(params: WorkQueueParams): string {
  const deliveryMode = deliveryModeOf(params);
  const properties = pyProperties({ ...params.properties, ...(deliveryMode === undefined ? {} : { deliveryMode }) });
  return pyProgram(
    pyHeader({ actor: 'producer', follows: 'new_task.py', does: `Puts every task on ${QUEUE}, then leaves.` }),
    pyLines(pythonConstant('queue', QUEUE), pythonConstant('tasks', params.tasks)),
    pyLines(pyConnect(), declareQueue(params)),
    pyBlock(
      'for task in tasks:',
      pyLines(
        deliveryMode === 2 && '# delivery_mode=2: a persistent message, kept on disk in a durable queue.',
        `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', 'body=task', properties === undefined ? undefined : `properties=${properties}`)})`,
        'print(f" [x] Sent \'{task}\'")',
      ),
    ),
    'connection.close()',
  );
}

export function workerPython(params: WorkQueueParams, number: number): string {
  const slow = number === params.slowWorker && params.slowdown > 1;
  const automatic = params.ackMode === 'automatic';
  return pyProgram(
    pyHeader({
      actor: `worker ${number}`,
      follows: 'worker.py',
      does: workerDoes(params, number),
      imports: ['time'],
    }),
    pyLines(
      pythonConstant('queue', QUEUE),
      slow && `# The slow worker: ${params.slowdown} times the others' ${params.msPerDot} ms per dot.`,
      pythonConstant('ms_per_dot', msPerDotOf(params, number)),
    ),
    pyLines(
      pyConnect(),
      declareQueue(params),
      params.prefetch > 0 &&
        pyLines(
          `# basic.qos: at most ${params.prefetch} unacknowledged task${params.prefetch === 1 ? '' : 's'} at a time; the rest`,
          '# wait in the queue for whoever is free.',
          `channel.basic_qos(prefetch_count=${pythonLiteral(params.prefetch)})`,
        ),
    ),
    pyBlock(
      'def callback(ch, method, properties, body):',
      pyLines(
        'task = body.decode()',
        `print(f" [x] Received '{task}'" + (' (redelivered)' if method.redelivered else ''))`,
        "time.sleep(task.count('.') * ms_per_dot / 1000)",
        "print(' [x] Done')",
        acknowledge(params.ackMode),
      ),
    ),
    pyLines(
      '# pika calls the callback for one delivery at a time: the others wait their turn.',
      `channel.basic_consume(${pyArgs('queue=queue', 'on_message_callback=callback', automatic && 'auto_ack=True')})`,
    ),
    pyConsumeUntilInterrupted(` [*] Waiting for messages in ${QUEUE}. To exit press CTRL+C`),
  );
}

/** What a worker does with a finished task, for each acknowledgement mode. */
function acknowledge(ackMode: WorkQueueParams['ackMode']): string {
  switch (ackMode) {
    case 'manual':
      return pyLines(
        '# Acknowledged only once done: if the worker dies first, the task goes to another.',
        'ch.basic_ack(delivery_tag=method.delivery_tag)',
      );
    case 'automatic':
      return '# No ack: with auto_ack the broker forgot the task the moment it sent it.';
    case 'forgotten':
      return '# The bug on purpose: no ch.basic_ack(...), so the broker keeps the task as unacknowledged.';
  }
}
