/**
 * What Step does with a connection's opening handshake, in the learner's
 * words. The tap never holds a handshake (the broker gives a client 10 s to
 * open its connection, RabbitMQ's handshake_timeout), so while a run is
 * held its frames, from protocol-header to connection.open-ok, go through
 * together, and the run cell says so instead of seeming to skip them.
 */
import type { TraceEvent } from '../../../server/protocol/index.js';

/** The actors whose opening handshake ended (connection.open-ok went to them) among `events`. */
export function handshakesEnded(events: readonly TraceEvent[]): string[] {
  return events.flatMap((event) =>
    event.kind === 'frame' && event.method === 'connection.open-ok' && event.direction === 'to-client' ? [event.actor] : [],
  );
}

/** Said before any run, beside what Step does. */
export const STEP_GROUPS_HANDSHAKES =
  "Step groups each connection's opening handshake: its frames, from protocol-header to connection.open-ok, go through together, " +
  'because the broker gives a client only 10 seconds to open its connection.';

/** Said while a run is held, once handshakes went through: whose, and why they did not wait for Step. */
export function handshakeNote(actors: readonly string[]): string {
  const whose = actors.map((actor) => `${actor}'s`);
  const named = whose.length <= 1 ? (whose[0] ?? '') : `${whose.slice(0, -1).join(', ')} and ${whose.at(-1) ?? ''}`;
  return (
    `Step groups each connection's opening handshake: ${named} frames, from protocol-header to connection.open-ok, ` +
    'went through together without waiting for Step, because the broker gives a client only 10 seconds to open its connection.'
  );
}
