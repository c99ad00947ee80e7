/**
 * The first tutorial's two programs as a learner can run them: send.js puts
 * the message on the queue hello and leaves; receive.js prints what arrives.
 */
import {
  CLOSE_PUBLISHER,
  block,
  constant,
  header,
  leaveWhenQuiet,
  lines,
  literal,
  openChannel,
  program,
  publishOptions,
  repeat,
  args,
} from '../../../server/scenario/code-template.js';
import type { ActorCode } from '../../../server/scenario/index.js';
import type { SendReceiveParams } from './send-receive.js';

/** The queue both programs declare. */
export const QUEUE = 'hello';

/** How both programs declare it: a queue that does not survive a broker restart. */
export const QUEUE_OPTIONS = { durable: false };

/** The producer and the consumer, in the order the cell starts them. */
export function sendReceiveCode(params: SendReceiveParams): ActorCode[] {
  const producer = { actor: 'producer', code: producerProgram(params) };
  const consumer = { actor: 'consumer', code: consumerProgram() };
  return params.start === 'consumer-first' ? [consumer, producer] : [producer, consumer];
}

function producerProgram(params: SendReceiveParams): string {
  const send = lines(
    `channel.sendToQueue(${args('queue', 'Buffer.from(text)', publishOptions(params.properties))});`,
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

function consumerProgram(): string {
  return program(
    header({
      actor: 'consumer',
      follows: 'receive.js',
      does: `Declares the queue ${QUEUE} too (whichever program starts first creates it) and prints every message that arrives.`,
    }),
    constant('queue', QUEUE),
    lines(openChannel(), `await channel.assertQueue(queue, ${literal(QUEUE_OPTIONS)});`),
    leaveWhenQuiet(),
    lines(
      '// noAck: the broker forgets each message as soon as it has sent it.',
      block(
        'await channel.consume(queue, (message) => {',
        lines('console.log(" [x] Received \'%s\'", message.content.toString());', 'waitForMore();'),
        '}, { noAck: true });',
      ),
      "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);",
    ),
  );
}
