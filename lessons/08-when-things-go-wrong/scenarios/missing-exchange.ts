/**
 * Publishing to an exchange nobody declared: the publish returns as if all
 * were well, and a moment later the broker closes the channel with 404
 * NOT_FOUND. The producer prints the broker's words when its client hands
 * them over, then finds the channel closed.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { producerJavaScript } from './missing-exchange.javascript.js';
import { producerPython } from './missing-exchange.python.js';

/** The reply code of a publish to an exchange that is not there: NOT_FOUND. */
export const NOT_FOUND = 404;

const missingExchangeParams = Type.Object({
  exchange: Type.String({
    default: 'orders',
    minLength: 1,
    maxLength: 255,
    description:
      'the exchange the producer publishes to; nobody declares it (amq.direct, which the broker always has, would take the message)',
  }),
  properties: PublishProperties,
});

/** The parameters of the missing-exchange cell. */
export type MissingExchangeParams = Static<typeof missingExchangeParams>;

export default programScenario(
  defineProgramCell({
    title: 'Publishing to an exchange that is not there',
    params: missingExchangeParams,
    programs: (params, language) => [
      {
        actor: 'producer',
        code: language === 'python' ? producerPython(params) : producerJavaScript(params),
        next: 'ended',
        expects: { closes: [NOT_FOUND] },
      },
    ],
  }),
);
