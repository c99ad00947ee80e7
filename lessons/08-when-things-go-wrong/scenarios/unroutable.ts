/**
 * A message no queue takes: the fifth tutorial's producer publishing to its
 * topic exchange before any receiver has bound a queue. Without mandatory
 * the broker drops the message and says nothing; with mandatory it sends it
 * back (basic.return, 312 NO_ROUTE) and the producer prints it.
 */
import { Type } from '@sinclair/typebox';
import { defineProgramCell } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import type { TopicLogsParams } from '../../05-topics/scenarios/topic-logs.js';
import { producerJavaScript } from '../../05-topics/scenarios/topic-logs.javascript.js';
import { producerPython } from '../../05-topics/scenarios/topic-logs.python.js';

const unroutableParams = Type.Object({
  routingKey: Type.String({ default: 'quick.orange.rabbit', maxLength: 255, description: 'the routing key the message is published with' }),
  message: Type.String({ default: 'Hello World!', maxLength: 1000, description: 'the text of the message' }),
  mandatory: Type.Boolean({
    default: false,
    description: 'publish with mandatory: a message no queue takes comes back to the producer (basic.return) instead of vanishing unseen',
  }),
  properties: PublishProperties,
});

export default programScenario(
  defineProgramCell({
    title: 'A message no queue takes',
    params: unroutableParams,
    programs: ({ routingKey, message, mandatory, properties }, language) => {
      // Lesson 5's producer, with no receiver started: nothing is bound to the exchange.
      const producer: TopicLogsParams = { bindings: [], routingKeys: [routingKey], message, mandatory, properties };
      return [
        {
          actor: 'producer',
          code: language === 'python' ? producerPython(producer) : producerJavaScript(producer),
          next: 'ended',
        },
      ];
    },
  }),
);
