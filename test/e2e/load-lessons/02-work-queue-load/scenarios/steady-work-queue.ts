/**
 * A work queue at a steady rate: the producer sends tasks to task_queue at
 * `rate` messages per second for `seconds`, and `workers` workers take them
 * with a prefetch window, acknowledging each at once (no work per task).
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ActorProgram } from '../../../../../server/programs/cell.js';
import { programScenario } from '../../../../../server/programs/orchestrate.js';
import {
  CLOSE_PUBLISHER,
  SLEEP,
  UNTIL_INTERRUPTED,
  block,
  constant,
  lines,
  openChannel,
  program,
} from '../../../../../server/scenario/code-template.js';

const QUEUE = 'task_queue';
/** The producer publishes this often, catching up with the rate each time. */
const TICK_MS = 10;
/** The most a run may take: the bench's longest run and time for the workers to finish. */
const MOST_SECONDS = 600;
const MOST_RATE = 20_000;

const steadyParams = Type.Object({
  rate: Type.Integer({ default: 5000, minimum: 1, maximum: MOST_RATE, description: 'tasks the producer sends per second' }),
  seconds: Type.Integer({ default: 60, minimum: 1, maximum: MOST_SECONDS, description: 'how long the producer sends' }),
  workers: Type.Integer({ default: 4, minimum: 1, maximum: 10, description: 'how many workers share the queue' }),
  prefetch: Type.Integer({ default: 100, minimum: 1, maximum: 1000, description: 'unacknowledged tasks a worker may hold (basic.qos)' }),
});
type SteadyParams = Static<typeof steadyParams>;

function worker(params: SteadyParams): string {
  return program(
    "import amqp from 'amqplib';",
    lines(constant('queue', QUEUE), constant('prefetch', params.prefetch)),
    lines(openChannel(), 'await channel.assertQueue(queue, { durable: false });', 'await channel.prefetch(prefetch);'),
    lines(
      "console.log(' [*] Waiting for tasks in %s. To exit press CTRL+C', queue);",
      block('await channel.consume(queue, (message) => {', 'channel.ack(message);', '});'),
    ),
    UNTIL_INTERRUPTED,
  );
}

function producer(params: SteadyParams): string {
  return program(
    "import amqp from 'amqplib';",
    lines(constant('queue', QUEUE), constant('rate', params.rate), constant('seconds', params.seconds), constant('tickMs', TICK_MS), SLEEP),
    lines(openChannel(), 'await channel.assertQueue(queue, { durable: false });'),
    lines(
      'const total = rate * seconds;',
      'const started = performance.now();',
      'let sent = 0;',
      block(
        'while (sent < total) {',
        lines(
          '// Sends what the rate asks for by now, so a slow tick is made up in the next.',
          'const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));',
          'for (; sent < due; sent += 1) channel.sendToQueue(queue, Buffer.from(`Task ${sent + 1}.`));',
          'await sleep(tickMs);',
        ),
      ),
      "console.log(' [x] Sent %d tasks in %s s', sent, ((performance.now() - started) / 1000).toFixed(1));",
    ),
    CLOSE_PUBLISHER,
  );
}

export default programScenario(
  defineProgramCell({
    title: 'A steady stream of tasks',
    params: steadyParams,
    languages: ['javascript'],
    limits: { seconds: MOST_SECONDS + 30, messages: MOST_RATE * MOST_SECONDS },
    programs: (params) => [
      ...Array.from({ length: params.workers }, (_, i): ActorProgram => ({ actor: `worker ${i + 1}`, code: worker(params) })),
      { actor: 'producer', code: producer(params), next: 'ended' },
    ],
  }),
);
