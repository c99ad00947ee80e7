/**
 * The log receiver of tutorials 3, 4 and 5 as a learner can run it: a
 * temporary queue of its own, bound to the exchange (once, or once per key),
 * printing every message until nothing more comes.
 */
import { block, constant, header, leaveWhenQuiet, lines, literal, openChannel, program } from '../server/scenario/code-template.js';

/** How every receiver declares its queue: the broker names it (amq.gen-...), and it lives and dies with the connection. */
export const RECEIVER_QUEUE_OPTIONS = { exclusive: true };

/** What differs between the receivers of the three tutorials. */
export interface LogReceiver {
  actor: string;
  /** What of the tutorial's it follows, e.g. 'receive_logs_direct.js'. */
  follows: string;
  does: string;
  exchange: string;
  type: 'fanout' | 'direct' | 'topic';
  /** The binding keys, one binding each; none for a fanout exchange, which binds once with ''. */
  keys?: {
    /** What the program calls them: 'severities', 'patterns'. */
    name: string;
    /** What it calls one of them: 'severity', 'pattern'. */
    item: string;
    values: string[];
    /** The waiting line's words when the list is empty, e.g. 'no severity at all'. */
    none: string;
    /** Why one binding per key. */
    comment: string;
  };
  /** The console.log arguments for each message received, e.g. `" [x] %s", message.content.toString()`. */
  received: string;
}

/** The receiver's program. */
export function logReceiverProgram(receiver: LogReceiver): string {
  const { keys } = receiver;
  return program(
    header({ actor: receiver.actor, follows: receiver.follows, does: receiver.does }),
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
    leaveWhenQuiet(),
    lines(
      block(
        'await channel.consume(queue, (message) => {',
        lines(`console.log(${receiver.received});`, 'waitForMore();'),
        '}, { noAck: true });',
      ),
      keys === undefined
        ? "console.log(' [*] Waiting for messages in %s. To exit press CTRL+C', queue);"
        : `console.log(' [*] Waiting for logs in %s (bound with %s). To exit press CTRL+C', queue, ${keys.values.length === 0 ? literal(keys.none) : `${keys.name}.join(', ')`});`,
    ),
  );
}
