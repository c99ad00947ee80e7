/**
 * A queue declared again with other settings: the first program declares
 * hello as the first tutorial does, sends a message to it and leaves; the second declares it again,
 * durable or with a message TTL, and the broker closes its channel with 406
 * PRECONDITION_FAILED. The second program then finds the channel unusable,
 * and takes the way out on a new channel: a passive declare to look at the
 * queue, and a declare the way it was first made.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { firstJavaScript, secondJavaScript } from './redeclare-queue.javascript.js';
import { firstPython, secondPython } from './redeclare-queue.python.js';

/** The queue both programs declare. */
export const QUEUE = 'hello';

/** The reply code of a declare whose settings differ from the queue's: PRECONDITION_FAILED. */
export const PRECONDITION_FAILED = 406;

/** The message both programs send. */
export const TEXT = 'Hello World!';

/** What the second declare changes, and how each language writes it. */
export const CHANGES = {
  durable: { said: 'durable', javascript: { durable: true }, python: 'durable=True' },
  'x-message-ttl': {
    said: 'a message TTL of 60 s (x-message-ttl)',
    javascript: { durable: false, arguments: { 'x-message-ttl': 60_000 } },
    python: "arguments={'x-message-ttl': 60000}",
  },
} as const;

const redeclareQueueParams = Type.Object({
  change: Type.Union([Type.Literal('durable'), Type.Literal('x-message-ttl')], {
    default: 'durable',
    description: 'what the second program declares differently: durable, or an x-message-ttl argument',
  }),
  properties: PublishProperties,
});

/** The parameters of the redeclare cell. */
export type RedeclareQueueParams = Static<typeof redeclareQueueParams>;

export default programScenario(
  defineProgramCell({
    title: 'A queue declared again with other settings',
    params: redeclareQueueParams,
    programs: (params, language) => [
      { actor: 'first program', code: language === 'python' ? firstPython(params) : firstJavaScript(params), next: 'ended' },
      {
        actor: 'second program',
        code: language === 'python' ? secondPython(params) : secondJavaScript(params),
        next: 'ended',
        expects: { closes: [PRECONDITION_FAILED] },
      },
    ],
  }),
);
