/**
 * A program pointed at a port where nothing listens: the first tutorial's
 * producer, trying to connect a few times, printing the error its client
 * gives each time, and giving up with exit code 1. The port is one the
 * workbook holds closed (server/programs/closed-port.ts), so the refusal is
 * certain whatever else runs on the machine.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CLOSED_HOST, CLOSED_PORT } from '../../../server/programs/closed-port.js';
import { defineProgramCell } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { producerJavaScript } from './nothing-listening.javascript.js';
import { producerPython } from './nothing-listening.python.js';

const nothingListeningParams = Type.Object({
  attempts: Type.Integer({
    default: 3,
    minimum: 1,
    maximum: 5,
    description: 'how many times the producer tries to connect, one second apart, before it gives up',
  }),
  properties: PublishProperties,
});

/** The parameters of the nothing-listening cell. */
export type NothingListeningParams = Static<typeof nothingListeningParams>;

/** Where the producer looks for a broker: the held port, as a URL with the tutorials' guest login. */
export const NOWHERE_URL = `amqp://guest:guest@${CLOSED_HOST}:${CLOSED_PORT}/`;

/** What the producer's header says of where it connects. */
export const NOWHERE_SAID =
  `It connects to ${NOWHERE_URL}, a port of this machine where nothing listens (the workbook keeps it so while it runs), ` +
  "whatever AMQP_URL says: change the port in url to your broker's (5672 for RabbitMQ) and it sends its message.";

/** The exit code of a program that could not do its job and said why. */
export const GAVE_UP = 1;

export default programScenario(
  defineProgramCell({
    title: 'Nothing listening: connecting to a port where no broker is',
    params: nothingListeningParams,
    programs: (params, language) => [
      {
        actor: 'producer',
        code: language === 'python' ? producerPython(params) : producerJavaScript(params),
        next: 'ended',
        expects: { exitCode: GAVE_UP },
      },
    ],
  }),
);
