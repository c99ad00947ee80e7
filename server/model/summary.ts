/**
 * A run's totals, read off its state: what `npm run scenario -- --json`
 * prints last and what the browser shows when a run ends. The queues are as
 * the broker's last snapshot counted them, when the run took one.
 */
import type { RunSummary } from '../protocol/trace.js';
import type { RunState } from './state.js';

/** The totals of everything folded into `state`. */
export function summaryOf(state: RunState): RunSummary {
  const { counts } = state;
  return {
    published: counts.published,
    routed: Object.fromEntries(counts.routed),
    delivered: Object.fromEntries(counts.delivered),
    acked: counts.acked,
    nacked: counts.nacked,
    requeued: counts.requeued,
    returned: counts.returned,
    dropped: counts.dropped,
    deadLettered: counts.deadLettered,
    lost: counts.lost,
    queues: (state.snapshot?.queues ?? []).map((queue) => ({ ...queue })),
  };
}
