/**
 * The fifth tutorial's programs: the producer (emit_log_topic) publishes to
 * the topic exchange `topic_logs` with dotted routing keys, and leaves; each
 * receiver (receive_logs_topic) binds its queue with patterns, where `*`
 * stands for exactly one word and `#` for zero or more, and prints the
 * messages it gets. With mandatory, the producer prints each key that matched
 * no binding, as the broker returns it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ActorProgram, type ProgramLanguage, type RunView } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import {
  RECEIVER_READY,
  nextFreeReceiver,
  receiverName,
  receiverNames,
  receiverNumber,
  receiversReady,
  type LogReceiver,
} from '../../log-receiver.js';
import { producerJavaScript, receiverJavaScript } from './topic-logs.javascript.js';
import { producerPython, receiverPython } from './topic-logs.python.js';

/** The routing keys the tutorial talks through, one animal each: "<speed>.<colour>.<species>". */
const TUTORIAL_KEYS = [
  'quick.orange.rabbit',
  'lazy.orange.elephant',
  'quick.orange.fox',
  'lazy.brown.fox',
  'lazy.pink.rabbit',
  'quick.brown.fox',
  'quick.orange.male.rabbit',
  'lazy.orange.male.rabbit',
];

const topicLogsParams = Type.Object({
  bindings: Type.Array(
    Type.Array(Type.String({ maxLength: 255, description: 'a binding pattern such as *.orange.* or lazy.#' }), { maxItems: 10 }),
    {
      default: [['*.orange.*'], ['*.*.rabbit', 'lazy.#']],
      minItems: 1,
      maxItems: 5,
      description: 'one list per receiver: the patterns it binds its queue with (* = exactly one word, # = zero or more words)',
    },
  ),
  routingKeys: Type.Array(Type.String({ maxLength: 255 }), {
    default: TUTORIAL_KEYS,
    minItems: 1,
    maxItems: 30,
    description: 'the routing keys the producer publishes with, one message each, in order',
  }),
  message: Type.String({ default: 'Hello World!', maxLength: 1000, description: 'the text of every message' }),
  mandatory: Type.Boolean({
    default: true,
    description:
      'publish with mandatory: a message that matches no binding comes back to the producer (basic.return) instead of vanishing unseen',
  }),
  properties: PublishProperties,
});

/** The parameters of a topic exchange cell. */
export type TopicLogsParams = Static<typeof topicLogsParams>;

/** The exchange every program declares. */
export const EXCHANGE = 'topic_logs';

/** What a receiver of this lesson is, bound once per pattern. */
export function topicReceiver(actor: string, patterns: string[]): LogReceiver {
  return {
    actor,
    follows: 'receive_logs_topic',
    does: `Binds a queue of its own to the topic exchange ${EXCHANGE} with each pattern and prints the messages it gets.`,
    exchange: EXCHANGE,
    type: 'topic',
    keys: {
      name: 'patterns',
      item: 'pattern',
      values: patterns,
      none: 'no pattern at all',
      comment: 'One binding per pattern: * stands for exactly one word, # for zero or more.',
    },
  };
}

/** What the producer does, as its program's header says it. */
export function topicProducerDoes({ mandatory }: TopicLogsParams): string {
  return (
    `Publishes one message per routing key to the topic exchange ${EXCHANGE}, then leaves.` +
    ' Which receivers got each key shows in their own output' +
    (mandatory ? '; a key that matched no binding comes back here.' : '.')
  );
}

function receiver(actor: string, patterns: string[], language: ProgramLanguage): ActorProgram {
  return {
    actor,
    code: language === 'python' ? receiverPython(actor, patterns) : receiverJavaScript(actor, patterns),
    next: { ready: RECEIVER_READY },
  };
}

function producer(params: TopicLogsParams, language: ProgramLanguage): ActorProgram {
  return { actor: 'producer', code: language === 'python' ? producerPython(params) : producerJavaScript(params), next: 'ended' };
}

export default programScenario(
  defineProgramCell({
    title: 'A topic exchange routes by patterns over dotted routing keys',
    params: topicLogsParams,
    programs: (params, language) => [
      ...params.bindings.map((patterns, index) => receiver(receiverName(index + 1), patterns, language)),
      producer(params, language),
    ],
    another: (params, language, actor, taken) => {
      if (actor === 'producer')
        return { label: 'send one more', program: producer({ ...params, routingKeys: params.routingKeys.slice(0, 1) }, language) };
      const patterns = params.bindings[(receiverNumber(actor) ?? 0) - 1];
      return patterns && { label: 'start another', program: receiver(nextFreeReceiver(taken), patterns, language) };
    },
    // The list_bindings view: every pattern bound, before anything is sent.
    moments: (params) => [
      {
        id: 'receivers-bound',
        title: 'once every receiver is bound',
        at: {
          when: (run: RunView) => receiversReady(run, receiverNames(params.bindings.length)),
        },
      },
    ],
  }),
);
