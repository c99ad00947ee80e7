// What a run of lesson 8's memory-alarm cell must show, on either broker:
// the publisher blocked by connection.blocked "low on memory" (and saying
// so) while the queue held more than the limit, the consumer started only
// then, every block lifted by connection.unblocked, and every message sent
// and received.
import { expect } from 'vitest';
import { framesOf, linesOf, type CellRun } from './harness.js';

/** The cell's parameters the run used. */
export interface MemoryAlarmRunParams {
  messages: number;
  messageKiB: number;
  memoryLimitMiB: number;
}

/**
 * Checks a run of the cell. On RabbitMQ the memory counted is the Erlang VM's, which other things move too, so
 * how many messages went out before the first block is only checked on the embedded broker.
 */
export function expectMemoryAlarmRun(run: CellRun, params: MemoryAlarmRunParams): void {
  expect(run.failure, run.failure?.explanation).toBeUndefined();
  expect(run.status).toBe('finished');
  expect(run.unclosedActors).toEqual([]);

  const published = linesOf(run, 'publisher');
  const firstBlock = published.findIndex((line) => line.startsWith(' [!] Blocked'));
  expect(published[firstBlock], published.join('\n')).toBe(' [!] Blocked by the broker: low on memory');
  // Blocked once the queue held more than the limit: at least that many messages went out first.
  const sentBeforeBlock = published.slice(0, firstBlock).filter((line) => line.startsWith(' [x] Sent message')).length;
  if (run.broker === 'embedded') expect(sentBeforeBlock * params.messageKiB).toBeGreaterThanOrEqual(params.memoryLimitMiB * 1024);
  else expect(sentBeforeBlock).toBeGreaterThan(0);
  expect(published.filter((line) => line.startsWith(' [x] Sent message'))).toEqual(
    Array.from({ length: params.messages }, (_, i) => ` [x] Sent message ${i + 1} (${params.messageKiB} KiB)`),
  );
  // Blocked and unblocked alternate, and the last word is unblocked.
  const notices = published.filter((line) => line.startsWith(' [!] '));
  expect(notices).toEqual(
    notices.map((_, i) => (i % 2 === 0 ? ' [!] Blocked by the broker: low on memory' : ' [!] Unblocked: sending again')),
  );
  expect(notices.length % 2).toBe(0);

  // The trace: connection.blocked with its reason and connection.unblocked, to the publisher only.
  const blocked = framesOf(run, 'connection.blocked');
  expect(blocked.map((frame) => [frame.actor, frame.fields.reason])).toEqual(blocked.map(() => ['publisher', 'low on memory']));
  expect(framesOf(run, 'connection.unblocked').map((frame) => frame.actor)).toEqual(blocked.map(() => 'publisher'));
  expect(blocked).toHaveLength(notices.length / 2);

  // The consumer connected only once the publisher was blocked, and received every message.
  const firstBlockedAt = run.events.indexOf(blocked[0] as (typeof run.events)[number]);
  const consumerConnectedAt = run.events.findIndex(
    (event) => event.kind === 'frame' && event.method === 'connection.start-ok' && event.actor === 'consumer',
  );
  expect(consumerConnectedAt).toBeGreaterThan(firstBlockedAt);
  expect(linesOf(run, 'consumer').filter((line) => line.startsWith(' [x] Received message'))).toEqual(
    Array.from({ length: params.messages }, (_, i) => ` [x] Received message ${i + 1} (${params.messageKiB} KiB)`),
  );
  expect(run.summary.published).toBe(params.messages);
}
