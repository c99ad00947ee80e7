/**
 * The seventh tutorial's three publishing strategies in Python with pika.
 * Publishing one message at a time follows pika's BlockingConnection, whose
 * confirm mode makes each basic_publish wait for its confirm. Publishing in
 * batches or asynchronously needs to keep publishing while confirms are
 * outstanding, which a BlockingChannel in confirm mode cannot do: those two
 * use pika's asynchronous SelectConnection, as pika's own asynchronous
 * publisher example does. Each prints the lines its JavaScript twin prints.
 */
import {
  pyArgs,
  pyBlock,
  pyBrokerParameters,
  pyConnect,
  pyHeader,
  pyLines,
  pyProgram,
  pyProperties,
  pythonConstant,
} from '../../../server/scenario/python-template.js';
import { WORDING, type ConfirmsParams, type Strategy } from './confirms.js';

export function publisherPython(params: ConfirmsParams, strategy: Strategy): string {
  return strategy === 'individual' ? individualPython(params) : overlappingPython(params, strategy);
}

/** The publish of message `body`, with the cell's properties when there are any. */
function publish(params: ConfirmsParams, body: string): string {
  const properties = pyProperties(params.properties);
  return `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', `body=${body}`, properties !== undefined && `properties=${properties}`)})`;
}

/** The two lines every strategy prints: its throughput, and how its confirms arrived. */
function report(how: string): string {
  return pyLines(
    'per_second = round(messages / (elapsed_ms / 1000))',
    `print(f' Published {messages} messages ${how} in {round(elapsed_ms)} ms: {per_second} msgs/s')`,
    "print(f' {confirmed} confirmed, {nacked} nacked, in {ack_frames} basic.ack frames ({multiple_acks} with multiple=true)')",
  );
}

function individualPython(params: ConfirmsParams): string {
  const { actor, how, follows } = WORDING.individual;
  return pyProgram(
    pyHeader({
      actor,
      follows,
      does: `Publishes ${params.messages} messages on a channel in confirm mode and prints how long it took and how the confirms arrived.`,
      imports: ['time'],
    }),
    pythonConstant('messages', params.messages),
    pyLines(
      pyConnect(),
      '# Confirm mode (confirm.select): from now on basic_publish returns only once the',
      '# broker has confirmed the message, and raises NackError if the broker nacks it.',
      'channel.confirm_delivery()',
      '# A fresh server-named queue, as in the tutorial; nobody consumes it.',
      "result = channel.queue_declare(queue='', exclusive=True)",
      'queue = result.method.queue',
    ),
    pyLines('confirmed = 0', 'nacked = 0'),
    pyLines(
      'started = time.perf_counter()',
      pyBlock(
        'for i in range(1, messages + 1):',
        pyLines(
          pyBlock(
            'try:',
            pyLines("# Waits for this message's confirm before sending the next.", publish(params, 'str(i)'), 'confirmed += 1'),
          ),
          pyBlock('except pika.exceptions.NackError:', 'nacked += 1'),
        ),
      ),
      'elapsed_ms = (time.perf_counter() - started) * 1000',
    ),
    pyLines(
      '# Unlike the JavaScript program, this one does not see the basic.ack frames:',
      "# pika's BlockingChannel takes them inside basic_publish. With one message out",
      '# at a time, each basic.ack confirms exactly that message, so there are as many',
      '# frames as confirmed messages, none with multiple=true.',
      'ack_frames = confirmed',
      'multiple_acks = 0',
    ),
    report(how),
    'connection.close()',
  );
}

function overlappingPython(params: ConfirmsParams, strategy: 'batch' | 'async'): string {
  const { actor, how, follows } = WORDING[strategy];
  const batches = strategy === 'batch';
  return pyProgram(
    pyHeader({
      actor,
      follows,
      does: `Publishes ${params.messages} messages on a channel in confirm mode and prints how long it took and how the confirms arrived.`,
      imports: ['time'],
    }),
    pyLines(
      "# pika's BlockingChannel in confirm mode waits for each confirm inside",
      '# basic_publish, so this program uses the asynchronous SelectConnection instead:',
      '# each step runs in a callback once the one before is done. Unlike the',
      '# JavaScript program, which writes its messages out as it publishes them, pika',
      batches
        ? '# writes a whole batch out once publish_batch() has returned.'
        : '# writes all of them out once publish_all() has returned.',
    ),
    pyLines(pythonConstant('messages', params.messages), batches && pythonConstant('batch_size', params.batchSize)),
    pyLines(
      'confirmed = 0',
      'nacked = 0',
      'ack_frames = 0',
      'multiple_acks = 0',
      'published = 0',
      '# The delivery tags of the messages not confirmed yet: the broker numbers the',
      '# messages of a channel in confirm mode 1, 2, 3..., as they are published.',
      'unconfirmed = set()',
      'channel = None',
      'queue = None',
      'started = None',
    ),
    pyBlock('def on_open(connection):', 'connection.channel(on_open_callback=on_channel_open)'),
    pyBlock(
      'def on_channel_open(opened):',
      pyLines(
        'global channel',
        'channel = opened',
        'channel.add_on_close_callback(on_channel_closed)',
        '# Confirm mode (confirm.select): on_confirm is called for every basic.ack and',
        '# basic.nack frame the broker sends.',
        'channel.confirm_delivery(on_confirm, callback=on_confirm_mode)',
      ),
    ),
    pyBlock(
      'def on_confirm_mode(frame):',
      pyLines(
        '# A fresh server-named queue, as in the tutorial; nobody consumes it.',
        "channel.queue_declare(queue='', exclusive=True, callback=on_queue_declared)",
      ),
    ),
    pyBlock(
      'def on_queue_declared(frame):',
      pyLines(
        'global queue, started',
        'queue = frame.method.queue',
        'started = time.perf_counter()',
        batches ? 'publish_batch()' : 'publish_all()',
      ),
    ),
    batches
      ? pyBlock(
          'def publish_batch():',
          pyLines(
            '"""Publishes the next batch; on_confirm publishes the one after once all of it is confirmed."""',
            'global published',
            pyBlock(
              'for _ in range(min(batch_size, messages - published)):',
              pyLines('published += 1', publish(params, 'str(published)'), 'unconfirmed.add(published)'),
            ),
          ),
        )
      : pyBlock(
          'def publish_all():',
          pyLines(
            '"""Publishes every message without waiting: on_confirm counts the confirms as they come."""',
            'global published',
            pyBlock(
              'for _ in range(messages):',
              pyLines('published += 1', publish(params, 'str(published)'), 'unconfirmed.add(published)'),
            ),
          ),
        ),
    pyBlock(
      'def on_confirm(frame):',
      pyLines(
        'global confirmed, nacked, ack_frames, multiple_acks',
        'method = frame.method',
        '# With multiple=true one frame settles every message up to its delivery tag.',
        pyBlock('if method.multiple:', 'settled = {tag for tag in unconfirmed if tag <= method.delivery_tag}'),
        pyBlock('else:', 'settled = {method.delivery_tag} & unconfirmed'),
        'unconfirmed.difference_update(settled)',
        pyBlock(
          "if method.NAME == 'Basic.Ack':",
          pyLines('ack_frames += 1', pyBlock('if method.multiple:', 'multiple_acks += 1'), 'confirmed += len(settled)'),
        ),
        pyBlock('else:', 'nacked += len(settled)'),
        pyBlock('if unconfirmed:', 'return'),
        batches ? pyBlock('if published < messages:', pyLines('publish_batch()', 'return')) : undefined,
        'elapsed_ms = (time.perf_counter() - started) * 1000',
        report(how),
        'connection.close()',
      ),
    ),
    pyBlock(
      'def on_channel_closed(closed, reason):',
      pyBlock('if not connection.is_closing and not connection.is_closed:', 'connection.close()'),
    ),
    pyBlock('def on_connection_closed(connection, reason):', 'connection.ioloop.stop()'),
    pyLines(
      'connection = pika.SelectConnection(',
      `    ${pyBrokerParameters()},`,
      '    on_open_callback=on_open,',
      '    on_open_error_callback=on_connection_closed,',
      '    on_close_callback=on_connection_closed,',
      ')',
      'connection.ioloop.start()',
    ),
  );
}
