/**
 * The first tutorial's two programs in Python with pika: send.py puts the
 * message on the queue hello and leaves; receive.py prints what arrives
 * until you stop it.
 */
import {
  pyArgs,
  pyConnect,
  pyBlock,
  pyConsumeUntilInterrupted,
  pyHeader,
  pyLines,
  pyProgram,
  pyProperties,
  pythonConstant,
} from '../../../server/scenario/python-template.js';
import { QUEUE, type SendReceiveParams } from './send-receive.js';

export function producerPython(params: SendReceiveParams): string {
  const send = pyLines(
    `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', 'body=text', withProperties(params))})`,
    'print(f" [x] Sent \'{text}\'")',
  );
  return pyProgram(
    pyHeader({
      actor: 'producer',
      follows: 'send.py',
      does: `Declares the queue ${QUEUE}, sends the message to it through the default exchange, and leaves.`,
    }),
    pyLines(pythonConstant('queue', QUEUE), pythonConstant('text', params.message)),
    pyLines(pyConnect(), 'channel.queue_declare(queue=queue)'),
    params.count === 1 ? send : pyBlock(`for _ in range(${params.count}):`, send),
    'connection.close()',
  );
}

function withProperties(params: SendReceiveParams): string | undefined {
  const properties = pyProperties(params.properties);
  return properties === undefined ? undefined : `properties=${properties}`;
}

export function consumerPython(): string {
  return pyProgram(
    pyHeader({
      actor: 'consumer',
      follows: 'receive.py',
      does: `Declares the queue ${QUEUE} too (whichever program starts first creates it) and prints every message that arrives.`,
    }),
    pythonConstant('queue', QUEUE),
    pyLines(pyConnect(), 'channel.queue_declare(queue=queue)'),
    pyBlock('def callback(ch, method, properties, body):', 'print(f" [x] Received \'{body.decode()}\'")'),
    pyLines(
      '# auto_ack: the broker forgets each message as soon as it has sent it.',
      'channel.basic_consume(queue=queue, on_message_callback=callback, auto_ack=True)',
    ),
    pyConsumeUntilInterrupted(` [*] Waiting for messages in ${QUEUE}. To exit press CTRL+C`),
  );
}
