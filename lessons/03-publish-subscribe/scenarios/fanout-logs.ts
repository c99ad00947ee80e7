/**
 * The third tutorial's programs: the producer (emit_log) publishes log lines
 * to the fanout exchange `logs` and leaves; every receiver (receive_logs)
 * binds a queue of its own to it and prints each line until it is stopped.
 * Who starts first decides whether anyone hears the lines.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ActorProgram, type ProgramLanguage, type RunView } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { RECEIVER_READY, nextFreeReceiver, receiverNames, receiversReady, type LogReceiver } from '../../log-receiver.js';
import { producerJavaScript, receiverJavaScript } from './fanout-logs.javascript.js';
import { producerPython, receiverPython } from './fanout-logs.python.js';

const fanoutLogsParams = Type.Object({
  receivers: Type.Integer({ default: 2, minimum: 0, maximum: 5, description: 'how many receivers each bind a queue of their own to logs' }),
  messages: Type.Array(Type.String({ maxLength: 1000 }), {
    default: ['info: Hello World!'],
    minItems: 1,
    maxItems: 20,
    description: 'the log lines the producer publishes to logs, in order',
  }),
  startOrder: Type.Union([Type.Literal('receivers-first'), Type.Literal('publish-first')], {
    default: 'receivers-first',
    description: 'receivers-first: the receivers bind their queues, then the producer publishes; publish-first: the other way round',
  }),
  properties: PublishProperties,
});

/** The parameters of a fanout cell. */
export type FanoutLogsParams = Static<typeof fanoutLogsParams>;

/** The exchange every program declares. */
export const EXCHANGE = 'logs';

/** What a receiver of this lesson is. */
export function fanoutReceiver(actor: string): LogReceiver {
  return {
    actor,
    follows: 'receive_logs',
    does: `Binds a queue of its own to the fanout exchange ${EXCHANGE} and prints every log line it gets.`,
    exchange: EXCHANGE,
    type: 'fanout',
  };
}

function receiver(actor: string, language: ProgramLanguage): ActorProgram {
  return { actor, code: language === 'python' ? receiverPython(actor) : receiverJavaScript(actor), next: { ready: RECEIVER_READY } };
}

function producer(params: FanoutLogsParams, language: ProgramLanguage): ActorProgram {
  return { actor: 'producer', code: language === 'python' ? producerPython(params) : producerJavaScript(params), next: 'ended' };
}

export default programScenario(
  defineProgramCell({
    title: 'A fanout exchange copies every message to every bound queue',
    params: fanoutLogsParams,
    programs: (params, language) => {
      const receivers = receiverNames(params.receivers).map((actor) => receiver(actor, language));
      return params.startOrder === 'receivers-first'
        ? [...receivers, producer(params, language)]
        : [producer(params, language), ...receivers];
    },
    another: (params, language, actor, taken) => {
      if (actor === 'producer')
        return { label: 'send one more', program: producer({ ...params, messages: params.messages.slice(0, 1) }, language) };
      return { label: 'start another', program: receiver(nextFreeReceiver(taken), language) };
    },
    // The list_bindings view once the receivers are in, and where the messages are right after publishing.
    moments: (params) => {
      const receiversConnected = {
        id: 'receivers-connected',
        title: 'while the receivers are connected',
        at: {
          when: (run: RunView) =>
            receiversReady(run, receiverNames(params.receivers)) && (params.startOrder === 'receivers-first' || run.ended('producer')),
        },
      };
      const published = { id: 'published', title: 'right after publishing', at: { when: (run: RunView) => run.ended('producer') } };
      return params.startOrder === 'receivers-first' ? [receiversConnected, published] : [published, receiversConnected];
    },
  }),
);
