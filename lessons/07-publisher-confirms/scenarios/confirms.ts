/**
 * The seventh tutorial's strategies for publisher confirms, one publisher
 * program each: wait for each message's confirm before sending the next,
 * wait once per batch, or keep publishing and count confirms as they come.
 * They run one after the other, each on a connection of its own, publish the
 * same number of messages, print their throughput and how their confirms
 * arrived, and leave.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ActorProgram, type ProgramLanguage } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { publisherJavaScript } from './confirms.javascript.js';
import { publisherPython } from './confirms.python.js';

const Strategy = Type.Union([Type.Literal('individual'), Type.Literal('batch'), Type.Literal('async')]);

/** A way of waiting for confirms. */
export type Strategy = Static<typeof Strategy>;

/** How each strategy reads in a sentence, its actor, and the tutorial's name for it. */
export const WORDING = {
  individual: { actor: 'individual publisher', how: 'individually', follows: 'strategy 1, publishing messages individually' },
  batch: { actor: 'batch publisher', how: 'in batches', follows: 'strategy 2, publishing messages in batches' },
  async: {
    actor: 'async publisher',
    how: 'handling confirms asynchronously',
    follows: 'strategy 3, handling publisher confirms asynchronously',
  },
} as const;

const confirmsParams = Type.Object({
  strategies: Type.Array(Strategy, {
    default: ['individual', 'batch', 'async'],
    minItems: 1,
    maxItems: 3,
    uniqueItems: true,
    description:
      'the strategies to run, one after the other in this order: individual waits for each confirm, batch waits once per batch, async only counts confirms as they come',
  }),
  messages: Type.Integer({ default: 500, minimum: 1, maximum: 10_000, description: 'how many messages each strategy publishes' }),
  batchSize: Type.Integer({
    default: 100,
    minimum: 1,
    maximum: 1000,
    description: 'how many messages the batch strategy publishes before it waits for their confirms',
  }),
  properties: PublishProperties,
});

/** The parameters of a publisher confirms cell. */
export type ConfirmsParams = Static<typeof confirmsParams>;

function publisher(params: ConfirmsParams, strategy: Strategy, language: ProgramLanguage): ActorProgram {
  return {
    actor: WORDING[strategy].actor,
    code: language === 'python' ? publisherPython(params, strategy) : publisherJavaScript(params, strategy),
    next: 'ended',
  };
}

export default programScenario(
  defineProgramCell({
    title: 'Publisher confirms: one at a time, in batches, or asynchronously',
    params: confirmsParams,
    programs: (params, language) => params.strategies.map((strategy) => publisher(params, strategy, language)),
    limits: { seconds: 120, messages: 30_000 },
  }),
);
