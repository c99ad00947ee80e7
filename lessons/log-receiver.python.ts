/**
 * The log receiver of tutorials 3, 4 and 5 in Python with pika, the twin of
 * log-receiver.javascript.ts: a temporary queue of its own, bound to the
 * exchange (once, or once per key), printing every message until you stop
 * it. It prints exactly what the JavaScript receiver prints.
 */
import {
  pyConnect,
  expression,
  pyBlock,
  pyConsumeUntilInterrupted,
  pyHeader,
  pyLines,
  pyProgram,
  pythonConstant,
  pythonLiteral,
} from '../server/scenario/python-template.js';
import type { LogReceiver } from './log-receiver.js';

/**
 * The receiver's program; `received` is what the callback prints for each
 * message, as a Python expression, e.g. `f" [x] {body.decode()}"`.
 */
export function logReceiverPython(receiver: LogReceiver, received: string): string {
  const { keys } = receiver;
  const boundWith = keys === undefined ? '' : keys.values.length === 0 ? keys.none : `{', '.join(${keys.name})}`;
  return pyProgram(
    pyHeader({ actor: receiver.actor, follows: `${receiver.follows}.py`, does: receiver.does }),
    pyLines(pythonConstant('exchange', receiver.exchange), keys && pythonConstant(keys.name, keys.values)),
    pyLines(
      pyConnect(),
      `channel.exchange_declare(exchange=exchange, exchange_type=${pythonLiteral(receiver.type)})`,
      '# An empty name asks the broker to make one up (amq.gen-...); exclusive: the',
      "# queue is this receiver's alone and goes away with its connection.",
      "result = channel.queue_declare(queue='', exclusive=True)",
      'queue_name = result.method.queue',
    ),
    keys === undefined
      ? pyLines(
          '# A fanout exchange ignores binding keys; given none, pika binds with the',
          "# queue's name.",
          'channel.queue_bind(exchange=exchange, queue=queue_name)',
        )
      : pyLines(
          `# ${keys.comment}`,
          pyBlock(`for ${keys.item} in ${keys.name}:`, `channel.queue_bind(exchange=exchange, queue=queue_name, routing_key=${keys.item})`),
        ),
    pyBlock('def callback(ch, method, properties, body):', `print(${received})`),
    'channel.basic_consume(queue=queue_name, on_message_callback=callback, auto_ack=True)',
    pyConsumeUntilInterrupted(
      expression(
        keys === undefined
          ? 'f" [*] Waiting for messages in {queue_name}. To exit press CTRL+C"'
          : `f" [*] Waiting for logs in {queue_name} (bound with ${boundWith}). To exit press CTRL+C"`,
      ),
    ),
  );
}
