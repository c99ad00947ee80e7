/**
 * A dead-letter cycle with no rejection in it: two queues nobody consumes,
 * each dead-lettering what expires in it to the other. The message expires
 * in ping and moves to pong; when it expires there, going back to ping would
 * close the cycle, and RabbitMQ drops it instead.
 */
import { Type, type Static } from '@sinclair/typebox';
import { expression } from '../../../server/scenario/code-literal.js';
import { defineProgramCell, type PlannedMoment } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { cycleProducerJavaScript } from './dead-letter-cycle.javascript.js';
import { cycleProducerPython } from './dead-letter-cycle.python.js';

const deadLetterCycleParams = Type.Object({
  message: Type.String({ default: 'Hello', maxLength: 1000, description: 'the text the producer sends to ping' }),
  ttlMs: Type.Integer({
    default: 1000,
    minimum: 500,
    maximum: 5000,
    description: 'x-message-ttl of both queues: how long the message stays in each before it expires',
  }),
  properties: PublishProperties,
});

/** The parameters of a dead-letter cycle cell. */
export type DeadLetterCycleParams = Static<typeof deadLetterCycleParams>;

/** What the producer prints once it has sent the message. */
const SENT = /^ \[x\] Sent /;

/** The two queues, each dead-lettering to the other; its TTL is the program's constant named `ttlName`. */
export function cycleQueues(ttlName: string): { name: string; arguments: Record<string, unknown> }[] {
  const expiringTo = (other: string) => ({
    'x-message-ttl': expression(ttlName),
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': other,
  });
  return [
    { name: 'ping', arguments: expiringTo('pong') },
    { name: 'pong', arguments: expiringTo('ping') },
  ];
}

/** Snapshots halfway through each TTL: in ping, in pong, then gone. */
const moments = (params: DeadLetterCycleParams): PlannedMoment[] => [
  { id: 'in-ping', title: 'while the message is in ping', at: { actor: 'producer', line: SENT, delayMs: params.ttlMs / 2 } },
  { id: 'in-pong', title: 'once it has expired from ping into pong', at: { actor: 'producer', line: SENT, delayMs: params.ttlMs * 1.5 } },
  { id: 'gone', title: 'once it has expired from pong', at: { actor: 'producer', line: SENT, delayMs: params.ttlMs * 2.5 } },
];

export default programScenario(
  defineProgramCell({
    title: 'A dead-letter cycle',
    params: deadLetterCycleParams,
    programs: (params, language) => [
      { actor: 'producer', code: language === 'python' ? cycleProducerPython(params) : cycleProducerJavaScript(params), next: 'ended' },
    ],
    moments,
  }),
);
