/** The dead-letter cycle's producer in JavaScript with amqplib: two queues expiring into each other, one message, then it leaves. */
import {
  CLOSE_PUBLISHER,
  args,
  constant,
  header,
  lines,
  literal,
  openChannel,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { toPublishOptions } from '../../../server/scenario/index.js';
import { cycleQueues, type DeadLetterCycleParams } from './dead-letter-cycle.js';

export function cycleProducerJavaScript(params: DeadLetterCycleParams): string {
  return program(
    header({
      actor: 'producer',
      follows: 'send.js',
      does: 'Declares ping and pong, each dead-lettering what expires in it to the other, sends one message to ping, and leaves.',
    }),
    lines(constant('text', params.message), constant('ttlMs', params.ttlMs)),
    lines(
      openChannel(),
      '// Nobody consumes either queue. A message expires after ttlMs and is',
      '// dead-lettered, through the default exchange, to the other queue.',
      ...cycleQueues('ttlMs').map(
        (queue) => `await channel.assertQueue(${literal(queue.name)}, ${literal({ durable: true, arguments: queue.arguments })});`,
      ),
    ),
    lines(
      `channel.sendToQueue(${args("'ping'", 'Buffer.from(text)', publishOptions({ ...toPublishOptions(params.properties) }))});`,
      'console.log(" [x] Sent \'%s\' to ping", text);',
    ),
    CLOSE_PUBLISHER,
  );
}
