/**
 * Events only the broker knows about: which bindings a publish matched, why
 * a message was dropped or dead-lettered, when a queue went away. A trace
 * shows them next to the frames. Emitting checks listenerCount first, so a
 * broker nobody listens to pays nothing for building the payloads.
 */
import { EventEmitter } from 'node:events';

/** Why a message left a queue without being acknowledged by a consumer. */
export type DeadLetterReason = 'rejected' | 'expired' | 'maxlen' | 'delivery_limit';

/** A binding as events and snapshots describe it. */
export interface BindingInfo {
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: Record<string, unknown>;
}

/** Payloads of every broker event, by event name. */
export interface BrokerEventMap {
  /** A publish reached one or more queues. */
  routed: [{ vhost: string; exchange: string; routingKey: string; matchedBindings: BindingInfo[]; queues: string[] }];
  /** A publish matched no binding; it is returned to the publisher if it was mandatory, otherwise lost. */
  unroutable: [{ vhost: string; exchange: string; routingKey: string; mandatory: boolean; reason: string }];
  /** A queue discarded messages without dead-lettering them (no dead-letter exchange, or it does not exist). */
  dropped: [{ vhost: string; queue: string; count: number; reason: DeadLetterReason | 'overflow' }];
  /** A queue refused a publish because it is full and its overflow is reject-publish(-dlx). */
  'publish-rejected': [{ vhost: string; queue: string; reason: 'overflow' }];
  /**
   * Messages were republished to the queue's dead-letter exchange. `cycles`
   * names the queues they were routed to but left out of: going into them
   * would have taken them round a dead-letter cycle with no rejection.
   */
  'dead-lettered': [
    {
      vhost: string;
      queue: string;
      count: number;
      reason: DeadLetterReason;
      to: string;
      routingKeys: string[];
      queues: string[];
      cycles: string[];
    },
  ];
  /** Unacknowledged messages went back to their queue, marked redelivered. */
  requeued: [{ vhost: string; queue: string; count: number; reason: 'nack' | 'reject' | 'recover' | 'channel-closed' }];
  /** Messages reached their TTL in a queue. */
  expired: [{ vhost: string; queue: string; count: number }];
  /** A queue was created. */
  'queue-declared': [{ vhost: string; queue: string }];
  /** A queue went away, and why. */
  'queue-deleted': [
    { vhost: string; queue: string; reason: 'deleted' | 'auto-delete' | 'exclusive-owner-closed' | 'expired' | 'vhost-deleted' },
  ];
  /** An exchange was created. */
  'exchange-declared': [{ vhost: string; exchange: string; type: string }];
  /** An exchange went away. */
  'exchange-deleted': [{ vhost: string; exchange: string; reason: 'deleted' | 'auto-delete' | 'vhost-deleted' }];
  /** The broker cancelled a consumer because its queue was deleted. */
  'consumer-cancelled': [{ vhost: string; queue: string; consumerTag: string }];
  /** A client finished the handshake. */
  'connection-opened': [{ name: string; user: string; vhost: string; client: string }];
  /** A connection ended, with the reason if the broker or client gave one. */
  'connection-closed': [{ name: string; reason: string }];
  /** The memory alarm was set (publishing connections are blocked) or cleared. */
  'memory-alarm': [{ alarmed: boolean; used: number; limit: number }];
  /** A client failed to log in (the real reason, which the client itself is not told). */
  'login-refused': [{ address: string; user: string; reason: string; /** "client:port -> broker:port" */ connection: string }];
}

/** Typed emitter for broker events. */
export class BrokerEvents extends EventEmitter<BrokerEventMap> {
  /** Whether anyone listens to an event; check before building its payload. */
  wants(event: keyof BrokerEventMap): boolean {
    return this.listenerCount(event) > 0;
  }
}
