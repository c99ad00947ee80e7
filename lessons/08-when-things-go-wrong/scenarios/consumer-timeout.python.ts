/**
 * The consumer timeout cell's programs in Python with pika, the twins of
 * consumer-timeout.javascript.ts: new_task.py puts one task on task_queue;
 * worker.py takes it and, as worker 1, never acknowledges it in time;
 * worker 2 is the tutorial's worker. pika raises the broker's close from
 * start_consuming().
 */
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
import { PRINT_CLOSE } from './troubles.python.js';
import { QUEUE, mistakeOf, workMsOf, workerDoes, type ConsumerTimeoutParams } from './consumer-timeout.js';

export function producerPython(params: ConsumerTimeoutParams): string {
  const properties = pyProperties({ ...params.properties, deliveryMode: params.properties.deliveryMode ?? 2 });
  return pyProgram(
    pyHeader({ actor: 'producer', follows: 'new_task.py', does: `Puts the task on ${QUEUE}, then leaves.` }),
    pyLines(pythonConstant('queue', QUEUE), pythonConstant('task', params.task)),
    pyLines(
      pyConnect(),
      'channel.queue_declare(queue=queue, durable=True)',
      `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', 'body=task', properties !== undefined && `properties=${properties}`)})`,
      'print(f" [x] Sent \'{task}\'")',
      'connection.close()',
    ),
  );
}

export function workerPython(params: ConsumerTimeoutParams, number: number): string {
  const mistake = mistakeOf(params, number);
  return pyProgram(
    pyHeader({ actor: `worker ${number}`, follows: 'worker.py', does: workerDoes(params, number), imports: ['sys', 'time'] }),
    pyLines(
      pythonConstant('queue', QUEUE),
      mistake === 'long-job'
        ? pyLines(
            `# This job takes ${params.longJobSeconds} s; the broker allows ${params.consumerTimeoutSeconds} s between a delivery and its`,
            '# acknowledgement (consumer_timeout).',
            pythonConstant('work_seconds', workMsOf(params, mistake) / 1000),
          )
        : pythonConstant('ms_per_dot', params.msPerDot),
    ),
    pyLines(pyConnect(), 'channel.queue_declare(queue=queue, durable=True)', 'channel.basic_qos(prefetch_count=1)'),
    pyBlock(
      'def callback(ch, method, properties, body):',
      pyLines(
        'task = body.decode()',
        `print(f" [x] Received '{task}'" + (' (redelivered)' if method.redelivered else ''))`,
        mistake === 'long-job' ? 'time.sleep(work_seconds)' : "time.sleep(task.count('.') * ms_per_dot / 1000)",
        "print(' [x] Done')",
        acknowledge(mistake),
      ),
    ),
    pyLines(
      'channel.basic_consume(queue=queue, on_message_callback=callback)',
      `print(' [*] Waiting for messages in ${QUEUE}. To exit press CTRL+C')`,
      '# A delivery left unacknowledged longer than consumer_timeout makes the broker close',
      '# the channel: start_consuming() raises ChannelClosedByBroker. The task goes back',
      '# to the queue, for another worker.',
      pyBlock('try:', 'channel.start_consuming()'),
      pyBlock('except pika.exceptions.ChannelClosedByBroker as error:', pyLines(PRINT_CLOSE, 'connection.close()', 'sys.exit(1)')),
      pyBlock('except KeyboardInterrupt:', 'connection.close()'),
    ),
  );
}

/** What a worker does once it is done with the task. */
function acknowledge(mistake: ReturnType<typeof mistakeOf>): string {
  switch (mistake) {
    case 'forgotten-ack':
      return '# The bug on purpose: no ch.basic_ack(...), so the task stays unacknowledged.';
    case 'long-job':
      return pyLines(
        "# pika reads the broker's close only once this callback returns: this ack goes out",
        '# on a channel the broker has already closed, and the broker ignores it.',
        'ch.basic_ack(delivery_tag=method.delivery_tag)',
      );
    case 'none':
      return 'ch.basic_ack(delivery_tag=method.delivery_tag)';
  }
}
