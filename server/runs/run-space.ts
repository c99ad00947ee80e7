/** The part of a broker one run has to itself: its vhost, what is in it, and how to clear it. */
import type { BrokerStateEvent } from '../protocol/index.js';

/** Queues, exchanges and bindings at one moment: a 'state' event without its place in the trace. */
export type BrokerState = Pick<BrokerStateEvent, 'queues' | 'exchanges' | 'bindings'>;

/** Where a run's names live on the broker. */
export interface RunSpace {
  /** The vhost the run's actors connect to. */
  readonly vhost: string;
  /** What the vhost holds now, as `rabbitmqctl list_queues / list_exchanges / list_bindings` would show. */
  snapshot(): Promise<BrokerState>;
  /** Removes everything the run left behind (its vhost, or the names it declared). */
  release(): Promise<void>;
}
