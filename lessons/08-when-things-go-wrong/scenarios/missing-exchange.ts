/**
 * Publishing to an exchange nobody declared: the publish returns as if all
 * were well, and a moment later the broker closes the channel with 404
 * NOT_FOUND. The producer prints the broker's words when its client hands
 * them over, then finds the channel closed.
 */
import { Type } from '@sinclair/typebox';
import { defineProgramCell } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { producerJavaScript } from './missing-exchange.javascript.js';
import { producerPython } from './missing-exchange.python.js';

/** The reply code of a publish to an exchange that is not there: NOT_FOUND. */
export const NOT_FOUND = 404;

export const missingExchangeParams = Type.Object({
  exchange: Type.String({
    default: 'orders',
    minLength: 1,
    maxLength: 255,
    description:
      'the exchange the producer publishes to; nobody declares it (amq.direct, which the broker always has, would take the message)',
  }),
});

export default programScenario(
  defineProgramCell({
    title: 'Publishing to an exchange that is not there',
    params: missingExchangeParams,
    programs: (params, language) => [
      {
        actor: 'producer',
        code: language === 'python' ? producerPython(params.exchange) : producerJavaScript(params.exchange),
        next: 'ended',
        expects: { closes: [NOT_FOUND] },
      },
    ],
  }),
);
