/**
 * The log receiver of tutorials 3, 4 and 5 in JavaScript with amqplib: a
 * temporary queue of its own, bound to the exchange (once, or once per key),
 * printing every message until you stop it.
 */
import { UNTIL_INTERRUPTED, block, constant, header, lines, literal, openChannel, program } from '../server/scenario/code-template.js';
import type { LogReceiver } from './log-receiver.js';

/** How every receiver declares its queue: the broker names it (amq.gen-...), and it lives and dies with the connection. */
const RECEIVER_QUEUE_OPTIONS = { exclusive: true };

/**
 * The receiver's program; `received` are the console.log arguments for each
 * message, e.g. `" [x] %s", message.content.toString()`.
 */
export function logReceiverJavaScript(receiver: LogReceiver, received: string): string {
  const { keys } = receiver;
  return program(
    header({ actor: receiver.actor, follows: `${receiver.follows}.js`, does: receiver.does }),
    lines(constant('exchange', receiver.exchange), keys && constant(keys.name, keys.values)),
    lines(
      openChannel(),
      `await channel.assertExchange(exchange, ${literal(receiver.type)}, { durable: false });`,
      '// An empty name asks the broker to make one up (amq.gen-...); exclusive: the',
      "// queue is this receiver's alone and goes away with its connection.",
      `const { queue } = await channel.assertQueue('', ${literal(RECEIVER_QUEUE_OPTIONS)});`,
    ),
    keys === undefined
      ? lines('// A fanout exchange ignores binding keys.', "await channel.bindQueue(queue, exchange, '');")
      : lines(
          `// ${keys.comment}`,
          block(`for (const ${keys.item} of ${keys.name}) {`, `await channel.bindQueue(queue, exchange, ${keys.item});`),
        ),
    lines(
      block('await channel.consume(queue, (message) => {', `console.log(${received});`, '}, { noAck: true });'),
      keys === undefined
        ? "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);"
        : `console.log(' [*] Waiting for logs in %s (bound with %s). To exit press CTRL+C', queue, ${keys.values.length === 0 ? literal(keys.none) : `${keys.name}.join(', ')`});`,
    ),
    UNTIL_INTERRUPTED,
  );
}
