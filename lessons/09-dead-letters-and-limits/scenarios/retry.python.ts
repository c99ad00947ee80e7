/**
 * The retrying worker in Python with pika, the twin of retry.javascript.ts:
 * it prints exactly what that one prints.
 */
import {
  pyBlock,
  pyConnect,
  pyConsumeUntilInterrupted,
  pyHeader,
  pyLines,
  pyProgram,
  pythonConstant,
  pythonLiteral,
} from '../../../server/scenario/python-template.js';
import { pyQueueDeclare } from './task-producer.js';
import { PARKING_LOT, WAIT_QUEUE, waitQueueArguments, workQueue, type RetryParams } from './retry.js';

export function retryWorkerPython(params: RetryParams): string {
  return pyProgram(
    pyHeader({
      actor: 'worker',
      follows: 'worker.py',
      does: `Fails on the poison task; tries it ${params.maxAttempts} times, ${params.retryDelayMs} ms apart, then parks it in ${PARKING_LOT}.`,
    }),
    pyLines(
      pythonConstant('queue', workQueue.name),
      pythonConstant('wait_queue', WAIT_QUEUE),
      pythonConstant('parking_lot', PARKING_LOT),
      pythonConstant('poison', params.poison),
      pythonConstant('max_attempts', params.maxAttempts),
      pythonConstant('retry_delay_ms', params.retryDelayMs),
    ),
    pyLines(
      pyConnect(),
      '# What a worker rejects, the work queue dead-letters (through the default',
      '# exchange) to the wait queue...',
      pyQueueDeclare(workQueue, 'queue'),
      '# ...which nobody consumes: after retry_delay_ms the task expires there and is',
      '# dead-lettered back to the work queue.',
      `channel.queue_declare(queue=wait_queue, durable=True, arguments=${pythonLiteral(waitQueueArguments('retry_delay_ms'))})`,
      '# Where a task goes once it has failed max_attempts times, for a person to look at.',
      'channel.queue_declare(queue=parking_lot, durable=True)',
      'channel.basic_qos(prefetch_count=1)',
    ),
    pyBlock(
      'def earlier_attempts(properties):',
      pyLines(
        '# Each time the work queue dead-letters the task it counts up its x-death entry',
        '# for the work queue and the reason rejected.',
        pyBlock(
          "for death in (properties.headers or {}).get('x-death', []):",
          pyBlock("if death['queue'] == queue and death['reason'] == 'rejected':", "return death['count']"),
        ),
        'return 0',
      ),
    ),
    pyBlock(
      'def callback(ch, method, properties, body):',
      pyLines(
        'task = body.decode()',
        'attempt = earlier_attempts(properties) + 1',
        `print(f" [x] Received '{task}' (attempt {attempt} of {max_attempts})")`,
        pyBlock('if task != poison:', pyLines("print(' [x] Done')", 'ch.basic_ack(delivery_tag=method.delivery_tag)', 'return')),
        pyBlock(
          'if attempt < max_attempts:',
          pyLines(
            "print(f' [!] Failed; back in {retry_delay_ms} ms by way of {wait_queue}')",
            '# Rejected without requeue: dead-lettered to the wait queue.',
            'ch.basic_nack(delivery_tag=method.delivery_tag, requeue=False)',
            'return',
          ),
        ),
        "print(f' [!] Failed {attempt} times; parked in {parking_lot}')",
        "ch.basic_publish(exchange='', routing_key=parking_lot, body=body)",
        'ch.basic_ack(delivery_tag=method.delivery_tag)',
      ),
    ),
    'channel.basic_consume(queue=queue, on_message_callback=callback)',
    pyConsumeUntilInterrupted(` [*] Waiting for messages in ${workQueue.name}. To exit press CTRL+C`),
  );
}
