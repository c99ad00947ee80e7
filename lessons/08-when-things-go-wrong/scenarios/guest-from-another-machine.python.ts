/**
 * The producer of the guest-from-another-machine cells in Python with pika:
 * send.py, run on another host, logging in with the credentials it names,
 * and saying so when the broker refuses them. It prints what its JavaScript
 * twin prints.
 */
import {
  pyArgs,
  pyBlock,
  pyBrokerParameters,
  pyProperties,
  pyHeader,
  pyLines,
  pyProgram,
  pythonConstant,
} from '../../../server/scenario/python-template.js';
import { GAVE_UP, OWN_USER, type GuestParams } from './guest-from-another-machine.js';

export function producerPython(params: GuestParams): string {
  const password = params.user === 'guest' ? 'guest' : OWN_USER.password;
  return pyProgram(
    pyHeader({
      actor: 'producer',
      follows: 'send.py',
      does: `Runs on another machine than the broker's and logs in as ${params.user}; once in, it sends 'Hello World!' to the queue hello.`,
      imports: ['sys'],
    }),
    pyLines(
      "# The broker's address (on another machine: the broker's host name, not localhost),",
      '# with the user and password this program logs in with.',
      `parameters = ${pyBrokerParameters()}`,
      pythonConstant('user', params.user),
      pythonConstant('password', password),
      'parameters.credentials = pika.PlainCredentials(user, password)',
    ),
    pyLines(
      pyBlock('try:', 'connection = pika.BlockingConnection(parameters)'),
      pyBlock(
        'except pika.exceptions.AMQPConnectionError as error:',
        pyLines(
          '# pika names the refusal ProbableAuthenticationError: 403 ACCESS_REFUSED, and no',
          "# reason (that is in the broker's log).",
          'print(repr(error), file=sys.stderr)',
          `print(f" [!] The broker refused user '{user}': see the broker's log for why")`,
          `sys.exit(${GAVE_UP})`,
        ),
      ),
    ),
    pyLines(
      'channel = connection.channel()',
      "channel.queue_declare(queue='hello')",
      publishHello(params),
      'print(" [x] Sent \'Hello World!\'")',
      'connection.close()',
    ),
  );
}

function publishHello(params: GuestParams): string {
  const properties = pyProperties(params.properties);
  return `channel.basic_publish(${pyArgs("exchange=''", "routing_key='hello'", "body='Hello World!'", properties !== undefined && `properties=${properties}`)})`;
}
