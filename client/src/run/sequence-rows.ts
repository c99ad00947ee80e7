/**
 * What the sequence view lists: one row per protocol event (frames, broker
 * decisions, actor logs, gaps), each sorted into a kind the learner can
 * filter by. Broker state snapshots are not rows: the broker panel shows them.
 */
import type { TraceEvent } from '../../../server/protocol/index.js';

/** The kinds of rows a learner can show or hide. */
export type RowKind = 'methods' | 'messages' | 'acks' | 'decisions' | 'logs';

/** Every row kind, in the order the filter offers them. */
export const ROW_KINDS: readonly RowKind[] = ['methods', 'messages', 'acks', 'decisions', 'logs'];

/** A trace event that gets a row. */
export type RowEvent = Exclude<TraceEvent, { kind: 'state' }>;

/** One row of the sequence view. */
export interface SequenceRow {
  kind: RowKind;
  event: RowEvent;
}

/** Methods that carry a message. */
const MESSAGE_METHODS: ReadonlySet<string> = new Set(['basic.publish', 'basic.deliver', 'basic.get-ok', 'basic.return']);

/** Methods that settle deliveries or confirm publishes. */
const ACK_METHODS: ReadonlySet<string> = new Set([
  'basic.ack',
  'basic.nack',
  'basic.reject',
  'basic.recover',
  'basic.recover-async',
  'basic.recover-ok',
]);

/** The row for an event, or undefined for events that are not rows (state snapshots). */
export function rowFor(event: TraceEvent): SequenceRow | undefined {
  switch (event.kind) {
    case 'frame':
      if (MESSAGE_METHODS.has(event.method)) return { kind: 'messages', event };
      if (ACK_METHODS.has(event.method)) return { kind: 'acks', event };
      return { kind: 'methods', event };
    case 'broker':
    case 'gap':
      return { kind: 'decisions', event };
    case 'log':
      return { kind: 'logs', event };
    case 'state':
      return undefined;
  }
}
