/**
 * The producer of the guest-from-another-machine cells in JavaScript with
 * amqplib: send.js, run on another host, logging in with the user and
 * password it names, and saying so when the broker refuses them.
 */
import { CLOSE_PUBLISHER, args, constant, header, lines, program, publishOptions } from '../../../server/scenario/code-template.js';
import { programBrokerUrl } from '../../../server/scenario/program-target.js';
import { literal } from '../../../server/scenario/code-literal.js';
import { tryCatch } from './troubles.javascript.js';
import { GAVE_UP, OWN_USER, type GuestParams } from './guest-from-another-machine.js';

export function producerJavaScript(params: GuestParams): string {
  const password = params.user === 'guest' ? 'guest' : OWN_USER.password;
  return program(
    header({
      actor: 'producer',
      follows: 'send.js',
      does: `Runs on another machine than the broker's and logs in as ${params.user}; once in, it sends 'Hello World!' to the queue hello.`,
    }),
    lines(
      "// The broker's address (on another machine: the broker's host name, not localhost),",
      '// with the user and password this program logs in with.',
      `const url = new URL(process.env.AMQP_URL ?? ${literal(programBrokerUrl())});`,
      constant('user', params.user),
      constant('password', password),
      'url.username = user;',
      'url.password = password;',
      "const queue = 'hello';",
    ),
    tryCatch(
      lines(
        'const connection = await amqp.connect(url.href);',
        'const channel = await connection.createChannel();',
        'await channel.assertQueue(queue, { durable: false });',
        `channel.sendToQueue(${args('queue', "Buffer.from('Hello World!')", publishOptions(params.properties))});`,
        'console.log(" [x] Sent \'Hello World!\'");',
        CLOSE_PUBLISHER,
      ),
      'catch (error)',
      lines(
        "// amqplib passes on the broker's refusal: 403 ACCESS_REFUSED, and no reason (that is in the broker's log).",
        'console.error(String(error));',
        "console.log(\" [!] The broker refused user '%s': see the broker's log for why\", user);",
        `process.exitCode = ${GAVE_UP};`,
      ),
    ),
  );
}
