/**
 * The first tutorial's two programs in JavaScript with amqplib: send.js puts
 * the message on the queue hello and leaves; receive.js prints what arrives
 * until you stop it.
 */
import {
  CLOSE_PUBLISHER,
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
  repeat,
} from '../../../server/scenario/code-template.js';
import { toPublishOptions } from '../../../server/scenario/index.js';
import { QUEUE, type SendReceiveParams } from './send-receive.js';

/** How both programs declare the queue: one that does not survive a broker restart. */
const QUEUE_OPTIONS = { durable: false };

export function producerJavaScript(params: SendReceiveParams): string {
  const send = lines(
    `channel.sendToQueue(${args('queue', 'Buffer.from(text)', publishOptions({ ...toPublishOptions(params.properties) }))});`,
    'console.log(" [x] Sent \'%s\'", text);',
  );
  return program(
    header({
      actor: 'producer',
      follows: 'send.js',
      does: `Declares the queue ${QUEUE}, sends the message to it through the default exchange, and leaves.`,
    }),
    lines(constant('queue', QUEUE), constant('text', params.message)),
    lines(openChannel(), `await channel.assertQueue(queue, ${literal(QUEUE_OPTIONS)});`),
    repeat(params.count, send),
    CLOSE_PUBLISHER,
  );
}

export function consumerJavaScript(): string {
  return program(
    header({
      actor: 'consumer',
      follows: 'receive.js',
      does: `Declares the queue ${QUEUE} too (whichever program starts first creates it) and prints every message that arrives.`,
    }),
    constant('queue', QUEUE),
    lines(openChannel(), `await channel.assertQueue(queue, ${literal(QUEUE_OPTIONS)});`),
    lines(
      "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);",
      '// noAck: the broker forgets each message as soon as it has sent it.',
      block(
        'await channel.consume(queue, (message) => {',
        'console.log(" [x] Received \'%s\'", message.content.toString());',
        '}, { noAck: true });',
      ),
    ),
    UNTIL_INTERRUPTED,
  );
}
