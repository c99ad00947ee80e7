/**
 * The producer of the nothing-listening cell in JavaScript with amqplib:
 * send.js with a fixed address where no broker listens, trying again a
 * second later when it cannot connect.
 */
import {
  CLOSE_PUBLISHER,
  SLEEP,
  args,
  block,
  constant,
  header,
  lines,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { tryCatch } from './troubles.javascript.js';
import { GAVE_UP, NOWHERE_SAID, NOWHERE_URL, type NothingListeningParams } from './nothing-listening.js';

export function producerJavaScript(params: NothingListeningParams): string {
  return program(
    header({
      actor: 'producer',
      follows: 'send.js',
      does: `Tries to connect ${params.attempts === 1 ? 'once' : `${params.attempts} times, a second apart`}, printing why each attempt failed; once connected it sends 'Hello World!' to the queue hello.`,
      connects: NOWHERE_SAID,
    }),
    lines(constant('url', NOWHERE_URL), constant('attempts', params.attempts), "const queue = 'hello';"),
    lines(SLEEP, 'const { hostname, port } = new URL(url);', 'const address = `${hostname}:${port}`;'),
    block(
      'async function connect() {',
      block(
        'for (let attempt = 1; ; attempt += 1) {',
        lines(
          tryCatch(
            'return await amqp.connect(url);',
            'catch (error)',
            lines(
              "// amqplib passes on the system's error: ECONNREFUSED, nothing listens on that port.",
              'console.error(String(error));',
              "console.log(' [!] Attempt %d of %d: cannot connect to %s', attempt, attempts, address);",
              'if (attempt === attempts) throw error;',
            ),
          ),
          'await sleep(1000);',
        ),
      ),
    ),
    tryCatch(
      lines(
        'const connection = await connect();',
        'const channel = await connection.createChannel();',
        'await channel.assertQueue(queue, { durable: false });',
        `channel.sendToQueue(${args('queue', "Buffer.from('Hello World!')", publishOptions(params.properties))});`,
        'console.log(" [x] Sent \'Hello World!\'");',
        CLOSE_PUBLISHER,
      ),
      'catch',
      lines(
        "console.log(' [!] Giving up: is the broker running, listening on %s, with no firewall in the way?', address);",
        `process.exitCode = ${GAVE_UP};`,
      ),
    ),
  );
}
