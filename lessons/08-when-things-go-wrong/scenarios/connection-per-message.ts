/**
 * The same messages sent two ways: a publisher that opens a connection for
 * every message, as a program that runs send.js for each one does, and one
 * that keeps a single connection for all of them. Each prints how many
 * connections it opened and how long it took; the trace shows every
 * handshake.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ProgramLanguage } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { publisherJavaScript } from './connection-per-message.javascript.js';
import { publisherPython } from './connection-per-message.python.js';

/** The queue both publishers send to. */
export const QUEUE = 'hello';

/** The two ways of sending, and their actors. */
export const WAYS = {
  'connection per message': { does: 'Opens a connection and a channel for every message, sends it, and closes them again.' },
  'one connection': { does: 'Opens one connection and one channel, sends every message on it, and closes it once.' },
} as const;

/** A way of sending: its actor's name. */
export type Way = keyof typeof WAYS;

const connectionPerMessageParams = Type.Object({
  messages: Type.Integer({ default: 20, minimum: 1, maximum: 200, description: 'how many messages each publisher sends' }),
  properties: PublishProperties,
});

/** The parameters of the connection-per-message cell. */
export type ConnectionPerMessageParams = Static<typeof connectionPerMessageParams>;

function publisher(params: ConnectionPerMessageParams, way: Way, language: ProgramLanguage) {
  return {
    actor: way,
    code: language === 'python' ? publisherPython(params, way) : publisherJavaScript(params, way),
    next: 'ended' as const,
  };
}

export default programScenario(
  defineProgramCell({
    title: 'A connection per message, or one for all of them',
    params: connectionPerMessageParams,
    programs: (params, language) => [publisher(params, 'connection per message', language), publisher(params, 'one connection', language)],
    limits: { seconds: 120 },
  }),
);
