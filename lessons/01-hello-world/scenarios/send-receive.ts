/**
 * The first tutorial's two programs: the producer (send) puts messages on the
 * queue `hello` and leaves; the consumer (receive) prints what arrives until
 * it is stopped.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ActorProgram, type ProgramLanguage } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { consumerJavaScript, producerJavaScript } from './send-receive.javascript.js';
import { consumerPython, producerPython } from './send-receive.python.js';

const sendReceiveParams = Type.Object({
  message: Type.String({ default: 'Hello World!', maxLength: 1000, description: 'the text the producer sends' }),
  count: Type.Integer({ default: 1, minimum: 1, maximum: 100, description: 'how many times the producer sends it' }),
  start: Type.Union([Type.Literal('consumer-first'), Type.Literal('producer-first')], {
    default: 'consumer-first',
    description: 'which program starts first: with producer-first the messages wait in the queue until the consumer comes',
  }),
  properties: PublishProperties,
});

/** The parameters of a send-and-receive cell. */
export type SendReceiveParams = Static<typeof sendReceiveParams>;

/** The queue both programs declare. */
export const QUEUE = 'hello';

/** A line the consumer prints for each message. */
const RECEIVED = /^ \[x\] Received /;

function producer(params: SendReceiveParams, language: ProgramLanguage, actor = 'producer'): ActorProgram {
  return { actor, code: language === 'python' ? producerPython(params) : producerJavaScript(params), next: 'ended' };
}

function consumer(language: ProgramLanguage): ActorProgram {
  return { actor: 'consumer', code: language === 'python' ? consumerPython() : consumerJavaScript() };
}

export default programScenario(
  defineProgramCell({
    title: 'Send and receive on the queue hello',
    params: sendReceiveParams,
    programs: (params, language) =>
      params.start === 'consumer-first'
        ? [consumer(language), producer(params, language)]
        : [producer(params, language), consumer(language)],
    another: (params, language, actor) =>
      actor === 'producer' ? { label: 'send again', program: producer({ ...params, start: 'consumer-first' }, language) } : undefined,
    moments: (params) => [
      { id: 'producer-left', title: 'right after the producer left', at: { when: (run) => run.ended('producer') } },
      {
        id: 'all-received',
        title: 'once the consumer has every message',
        at: { actor: 'consumer', line: RECEIVED, count: params.count },
      },
    ],
  }),
);
