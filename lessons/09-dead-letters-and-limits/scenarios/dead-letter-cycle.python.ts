/** The dead-letter cycle's producer in Python with pika, the twin of dead-letter-cycle.javascript.ts. */
import {
  pyArgs,
  pyConnect,
  pyHeader,
  pyLines,
  pyProgram,
  pyProperties,
  pythonConstant,
  pythonLiteral,
} from '../../../server/scenario/python-template.js';
import { cycleQueues, type DeadLetterCycleParams } from './dead-letter-cycle.js';

export function cycleProducerPython(params: DeadLetterCycleParams): string {
  const properties = pyProperties(params.properties);
  return pyProgram(
    pyHeader({
      actor: 'producer',
      follows: 'send.py',
      does: 'Declares ping and pong, each dead-lettering what expires in it to the other, sends one message to ping, and leaves.',
    }),
    pyLines(pythonConstant('text', params.message), pythonConstant('ttl_ms', params.ttlMs)),
    pyLines(
      pyConnect(),
      '# Nobody consumes either queue. A message expires after ttl_ms and is',
      '# dead-lettered, through the default exchange, to the other queue.',
      ...cycleQueues('ttl_ms').map(
        (queue) => `channel.queue_declare(queue=${pythonLiteral(queue.name)}, durable=True, arguments=${pythonLiteral(queue.arguments)})`,
      ),
    ),
    pyLines(
      `channel.basic_publish(${pyArgs("exchange=''", "routing_key='ping'", 'body=text', properties !== undefined && `properties=${properties}`)})`,
      'print(f" [x] Sent \'{text}\' to ping")',
    ),
    'connection.close()',
  );
}
