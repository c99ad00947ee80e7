/**
 * The consumer timeout cell's programs in JavaScript with amqplib: new_task.js
 * puts one task on task_queue; worker.js takes it and, as worker 1, never
 * acknowledges it in time; worker 2 is the tutorial's worker. Both workers
 * listen for the broker closing their channel.
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
  openChannel,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { toPublishOptions } from '../../../server/scenario/index.js';
import { PRINT_CLOSE, REPLY_TEXT, tryCatch } from './troubles.javascript.js';
import { QUEUE, mistakeOf, workMsOf, workerDoes, type ConsumerTimeoutParams } from './consumer-timeout.js';

/** The task is persistent unless the learner's own deliveryMode says otherwise. */
function taskPublishOptions(params: ConsumerTimeoutParams): Options.Publish {
  return { ...(params.properties.deliveryMode === undefined ? { persistent: true } : {}), ...toPublishOptions(params.properties) };
}

export function producerJavaScript(params: ConsumerTimeoutParams): string {
  return program(
    header({ actor: 'producer', follows: 'new_task.js', does: `Puts the task on ${QUEUE}, then leaves.` }),
    lines(constant('queue', QUEUE), constant('task', params.task)),
    lines(
      openChannel(),
      'await channel.assertQueue(queue, { durable: true });',
      `channel.sendToQueue(${args('queue', 'Buffer.from(task)', publishOptions({ ...taskPublishOptions(params) }))});`,
      'console.log(" [x] Sent \'%s\'", task);',
    ),
    CLOSE_PUBLISHER,
  );
}

export function workerJavaScript(params: ConsumerTimeoutParams, number: number): string {
  const mistake = mistakeOf(params, number);
  return program(
    header({ actor: `worker ${number}`, follows: 'worker.js', does: workerDoes(params, number) }),
    lines(
      constant('queue', QUEUE),
      mistake === 'long-job'
        ? lines(
            `// This job takes ${params.longJobSeconds} s; the broker allows ${params.consumerTimeoutSeconds} s between a delivery and its`,
            '// acknowledgement (consumer_timeout).',
            constant('workMs', workMsOf(params, mistake)),
          )
        : constant('msPerDot', params.msPerDot),
      SLEEP,
    ),
    REPLY_TEXT,
    lines(
      openChannel(),
      'await channel.assertQueue(queue, { durable: true });',
      'await channel.prefetch(1);',
      '// A delivery left unacknowledged longer than consumer_timeout makes the broker close',
      "// the channel: amqplib emits 'error' (without a listener the program would crash).",
      '// The task goes back to the queue, for another worker.',
      block("channel.on('error', async (error) => {", lines(PRINT_CLOSE, 'await connection.close();', 'process.exitCode = 1;'), '});'),
    ),
    block(
      'await channel.consume(queue, async (message) => {',
      lines(
        'const task = message.content.toString();',
        "console.log(\" [x] Received '%s'%s\", task, message.fields.redelivered ? ' (redelivered)' : '');",
        mistake === 'long-job' ? 'await sleep(workMs);' : "await sleep((task.split('.').length - 1) * msPerDot);",
        "console.log(' [x] Done');",
        acknowledge(mistake),
      ),
      '}, { noAck: false });',
    ),
    "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);",
    UNTIL_INTERRUPTED,
  );
}

/** What a worker does once it is done with the task. */
function acknowledge(mistake: ReturnType<typeof mistakeOf>): string {
  switch (mistake) {
    case 'forgotten-ack':
      return '// The bug on purpose: no channel.ack(message), so the task stays unacknowledged.';
    case 'long-job':
      return tryCatch(
        'channel.ack(message);',
        'catch',
        "console.log(' [!] Too late to acknowledge: the channel is closed, and the task went back to the queue');",
      );
    case 'none':
      return 'channel.ack(message);';
  }
}
