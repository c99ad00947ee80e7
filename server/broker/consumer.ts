/**
 * A consumer: one basic.consume subscription of a channel to a queue.
 */
import type { FieldTable } from '../amqp/index.js';
import type { Message } from './message.js';
import type { Queue } from './queue.js';

/** What a queue needs from the channel a consumer belongs to. */
export interface ConsumerChannel {
  /** Whether the consumer may take one more message now (prefetch windows, flow, a congested socket). */
  canDeliver(consumer: Consumer): boolean;
  /** Sends basic.deliver for a message the queue hands over. */
  deliver(consumer: Consumer, message: Message): void;
  /** The queue went away under the consumer: forget it, and tell the client if it asked to be told. */
  cancelledByBroker(consumer: Consumer): void;
}

/** One basic.consume subscription. */
export class Consumer {
  /** Messages delivered to this consumer and not yet acked (only counted when acks are required). */
  unacked = 0;

  constructor(
    /** The consumer tag, unique within its channel. */
    readonly tag: string,
    readonly queue: Queue,
    readonly channel: ConsumerChannel,
    /** Messages count as acknowledged once sent. */
    readonly noAck: boolean,
    /** No other consumer may subscribe to the queue while this one is there. */
    readonly exclusive: boolean,
    /** Per-consumer prefetch limit (basic.qos global=false at consume time); 0 means none. */
    readonly prefetchCount: number,
    /** x-priority: higher-priority consumers get messages first while they have capacity. */
    readonly priority: number,
    /** The consume call's arguments (x-priority and others). */
    readonly consumerArguments: FieldTable,
  ) {}

  /** Whether the per-consumer prefetch window has room. */
  hasPrefetchRoom(): boolean {
    return this.noAck || this.prefetchCount === 0 || this.unacked < this.prefetchCount;
  }
}
