/**
 * The producer of the nothing-listening cell in Python with pika: send.py
 * with a fixed address where no broker listens, trying again a second later
 * when it cannot connect. It prints what its JavaScript twin prints.
 */
import { pyArgs, pyBlock, pyHeader, pyLines, pyProgram, pyProperties, pythonConstant } from '../../../server/scenario/python-template.js';
import { GAVE_UP, NOWHERE_SAID, NOWHERE_URL, type NothingListeningParams } from './nothing-listening.js';

export function producerPython(params: NothingListeningParams): string {
  return pyProgram(
    pyHeader({
      actor: 'producer',
      follows: 'send.py',
      does: `Tries to connect ${params.attempts === 1 ? 'once' : `${params.attempts} times, a second apart`}, printing why each attempt failed; once connected it sends 'Hello World!' to the queue hello.`,
      imports: ['sys', 'time'],
      connects: NOWHERE_SAID,
    }),
    pyLines(pythonConstant('url', NOWHERE_URL), pythonConstant('attempts', params.attempts), "queue = 'hello'"),
    pyLines('parameters = pika.URLParameters(url)', "address = f'{parameters.host}:{parameters.port}'"),
    pyBlock(
      'def connect():',
      pyBlock(
        'for attempt in range(1, attempts + 1):',
        pyLines(
          pyBlock('try:', 'return pika.BlockingConnection(parameters)'),
          pyBlock(
            'except pika.exceptions.AMQPConnectionError as error:',
            pyLines(
              "# pika wraps the system's error: ConnectionRefusedError, nothing listens on that port.",
              'print(repr(error), file=sys.stderr)',
              "print(f' [!] Attempt {attempt} of {attempts}: cannot connect to {address}')",
              pyBlock('if attempt == attempts:', 'raise'),
            ),
          ),
          'time.sleep(1)',
        ),
      ),
    ),
    pyLines(
      pyBlock('try:', 'connection = connect()'),
      pyBlock(
        'except pika.exceptions.AMQPConnectionError:',
        pyLines(
          "print(f' [!] Giving up: is the broker running, listening on {address}, with no firewall in the way?')",
          `sys.exit(${GAVE_UP})`,
        ),
      ),
    ),
    pyLines(
      'channel = connection.channel()',
      'channel.queue_declare(queue=queue)',
      publishHello(params),
      'print(" [x] Sent \'Hello World!\'")',
      'connection.close()',
    ),
  );
}

function publishHello(params: NothingListeningParams): string {
  const properties = pyProperties(params.properties);
  return `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', "body='Hello World!'", properties !== undefined && `properties=${properties}`)})`;
}
