/**
 * The memory-alarm cell's programs in Python with pika: a publisher that
 * registers pika's blocked and unblocked callbacks (with a
 * blocked_connection_timeout) and waits while it is blocked, and a consumer
 * that drains the queue. They print what their JavaScript twins print.
 */
import {
  pyArgs,
  pyProperties,
  pyBlock,
  pyBrokerParameters,
  pyConnect,
  pyConsumeUntilInterrupted,
  pyHeader,
  pyLines,
  pyProgram,
  pythonConstant,
} from '../../../server/scenario/python-template.js';
import { BLOCKED_TIMEOUT_SECONDS, QUEUE, type MemoryAlarmParams } from './memory-alarm.js';

export function publisherPython(params: MemoryAlarmParams): string {
  const properties = pyProperties(params.properties);
  return pyProgram(
    pyHeader({
      actor: 'publisher',
      follows: 'send.py',
      does:
        `Sends ${params.messages} messages of ${params.messageKiB} KiB to the queue ${QUEUE}, one every ${params.pauseMs} ms, ` +
        'and stops sending while the broker has it blocked (connection.blocked), until it is unblocked.',
    }),
    pyLines(
      pythonConstant('queue', QUEUE),
      pythonConstant('messages', params.messages),
      pythonConstant('message_bytes', params.messageKiB * 1024),
      pythonConstant('pause_seconds', params.pauseMs / 1000),
    ),
    pyLines(
      `parameters = ${pyBrokerParameters()}`,
      '# If the broker keeps the connection blocked longer than this, pika gives up',
      '# on it: the call waiting raises ConnectionBlockedTimeout.',
      `parameters.blocked_connection_timeout = ${BLOCKED_TIMEOUT_SECONDS}`,
      'connection = pika.BlockingConnection(parameters)',
      'channel = connection.channel()',
    ),
    pyLines(
      '# When a resource alarm stops the broker reading what this connection',
      '# publishes, it says so with connection.blocked, and connection.unblocked',
      '# once the alarm clears. pika calls these two functions for them.',
      'blocked = False',
    ),
    pyBlock(
      'def on_blocked(connection, frame):',
      pyLines('global blocked', 'blocked = True', "print(f' [!] Blocked by the broker: {frame.method.reason}')"),
    ),
    pyBlock('def on_unblocked(connection, frame):', pyLines('global blocked', 'blocked = False', "print(' [!] Unblocked: sending again')")),
    pyLines(
      'connection.add_on_connection_blocked_callback(on_blocked)',
      'connection.add_on_connection_unblocked_callback(on_unblocked)',
      'channel.queue_declare(queue=queue)',
    ),
    pyLines(
      "body = b'x' * message_bytes",
      pyBlock(
        'for i in range(1, messages + 1):',
        pyLines(
          '# Publishing on a blocked connection only piles messages up in this',
          '# program: wait until the broker reads them again.',
          pyBlock('while blocked:', 'connection.process_data_events(time_limit=1)'),
          `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', 'body=body', properties !== undefined && `properties=${properties}`)})`,
          "print(f' [x] Sent message {i} ({message_bytes // 1024} KiB)')",
          '# pika calls the functions above only from inside its own calls, such as',
          '# this one: it reads what the broker sent while it waits.',
          'connection.sleep(pause_seconds)',
        ),
      ),
    ),
    'connection.close()',
  );
}

export function consumerPython(): string {
  return pyProgram(
    pyHeader({
      actor: 'consumer',
      follows: 'receive.py',
      does: `Drains the queue ${QUEUE}, printing each message's number and size, so the broker's memory falls back under its limit.`,
    }),
    pythonConstant('queue', QUEUE),
    pyLines(pyConnect(), 'channel.queue_declare(queue=queue)'),
    'received = 0',
    pyBlock(
      'def callback(ch, method, properties, body):',
      pyLines('global received', 'received += 1', "print(f' [x] Received message {received} ({len(body) // 1024} KiB)')"),
    ),
    pyLines(
      '# auto_ack: the broker forgets each message, and frees its memory, as soon as it has sent it.',
      'channel.basic_consume(queue=queue, on_message_callback=callback, auto_ack=True)',
    ),
    pyConsumeUntilInterrupted(` [*] Waiting for messages in ${QUEUE}. To exit press CTRL+C`),
  );
}
