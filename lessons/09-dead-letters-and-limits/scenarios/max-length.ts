/**
 * A queue nobody reads fast enough grows without bound. x-max-length caps
 * it, and x-overflow says what happens to one message more: drop-head drops
 * (or dead-letters) the oldest, reject-publish refuses the new one, which a
 * publisher in confirm mode learns from a basic.nack. The producer sends its
 * readings first; the reader comes afterwards and takes what is left.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ActorProgram, type PlannedMoment, type ProgramLanguage } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { DEAD_LETTER_EXCHANGE, deadLetterReader } from './dead-letter-reader.js';
import { readerJavaScript, readingsProducerJavaScript } from './max-length.javascript.js';
import { readerPython, readingsProducerPython } from './max-length.python.js';
import type { DeclaredQueue } from './task-producer.js';

const maxLengthParams = Type.Object({
  readings: Type.Integer({ default: 10, minimum: 1, maximum: 100, description: 'how many readings the producer sends, one at a time' }),
  lengthLimit: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 100,
    description: 'x-max-length: the most ready messages the queue holds; 0 = no limit',
  }),
  overflow: Type.Union([Type.Literal('drop-head'), Type.Literal('reject-publish')], {
    default: 'drop-head',
    description: 'x-overflow, what a full queue does with one more: drop-head drops the oldest, reject-publish refuses the new one',
  }),
  deadLetter: Type.Boolean({
    default: false,
    description: 'give the queue a dead-letter exchange, so what drop-head drops goes to the reader of dead letters',
  }),
  properties: PublishProperties,
});

/** The parameters of a max-length cell. */
export type MaxLengthParams = Static<typeof maxLengthParams>;

/** What the producer prints for a reading the broker confirmed, and for one it refused. */
export const CONFIRMED = /^ \[x\] Sent '(.*)', confirmed$/;
export const NACKED = /^ \[!\] Sent '(.*)', nacked: the queue is full$/;

/** The queue of readings, with the limit and overflow the parameters give it. */
export function readingsQueue(params: MaxLengthParams): DeclaredQueue {
  const queueArguments: Record<string, string | number> = {};
  if (params.lengthLimit > 0) {
    queueArguments['x-max-length'] = params.lengthLimit;
    queueArguments['x-overflow'] = params.overflow;
  }
  if (params.deadLetter) queueArguments['x-dead-letter-exchange'] = DEAD_LETTER_EXCHANGE;
  return { name: 'readings', durable: false, arguments: queueArguments };
}

function programs(params: MaxLengthParams, language: ProgramLanguage): ActorProgram[] {
  const producer: ActorProgram = {
    actor: 'producer',
    code: language === 'python' ? readingsProducerPython(params) : readingsProducerJavaScript(params),
    next: 'ended',
  };
  const reader: ActorProgram = { actor: 'reader', code: language === 'python' ? readerPython(params) : readerJavaScript(params) };
  return [...(params.deadLetter ? [deadLetterReader(language)] : []), producer, reader];
}

const moments = (): PlannedMoment[] => [
  {
    id: 'published',
    title: 'once the producer has sent every reading, before the reader comes',
    at: { when: (run) => run.ended('producer') },
  },
  { id: 'read', title: 'once the reader has taken what the queue kept', at: 'quiet' },
];

export default programScenario(defineProgramCell({ title: 'A queue with a length limit', params: maxLengthParams, programs, moments }));
