/**
 * The consuming half of a channel: its consumers, its prefetch windows
 * (basic.qos), its unacknowledged deliveries and what acks, nacks, rejects
 * and recovers do to them, basic.get, and the direct reply-to consumer.
 *
 * Prefetch follows RabbitMQ 3.x. basic.qos with global=false sets the limit
 * for consumers created afterwards, each counted on its own, and lifts the
 * channel's shared limit. global=true sets one limit shared by the channel's
 * consumers of classic queues: it counts their unacked deliveries (and, when
 * it is first set, every unacked message of the channel, basic.get ones
 * included) and holds back even no-ack consumers while it is full. A shared
 * limit set after a per-consumer one leaves that one in force: both apply.
 */
import { encodeContentHeader, encodeMethod, type FieldTable } from '../amqp/index.js';
import { long, withHeader } from './broker-headers.js';
import type { ChannelHost } from './channel-host.js';
import { Consumer, type ConsumerChannel } from './consumer.js';
import { AmqpError, ReplyCode, accessRefused, preconditionFailed } from './errors.js';
import { integerValue, isIntegerValue } from './field-values.js';
import type { Message } from './message.js';
import { generatedConsumerTag, replyToToken } from './names.js';
import type { Queue } from './queue.js';
import { Delivery, UnackedMessages } from './unacked.js';
import { REPLY_TO_PREFIX, type DirectReplyTarget } from './vhost.js';

/** A settled batch of deliveries waiting for tx.commit. */
interface PendingSettlement {
  kind: 'ack' | 'requeue' | 'discard';
  deliveries: Delivery[];
}

/** Consumers, prefetch and unacked deliveries of one channel. */
export class Consuming implements ConsumerChannel, DirectReplyTarget {
  readonly consumers = new Map<string, Consumer>();
  private readonly unacked = new UnackedMessages();
  private nextDeliveryTag = 1;
  /** basic.qos global=false: the limit each new consumer gets. */
  private consumerPrefetch = 0;
  /** basic.qos global=true: the limit shared by the channel's consumers; 0 means none. */
  private channelPrefetch = 0;
  /** What the shared limit counts as taken; only kept while there is one. */
  private channelPrefetchUsed = 0;
  /** Acks, nacks and rejects held back until tx.commit. */
  private pendingSettlements: PendingSettlement[] | undefined;
  private replyConsumerTag: string | undefined;
  private replyToken: string | undefined;
  /** basic.cancel frames held back until the reply of the method that caused them is out (see answerBeforeCancels). */
  private heldCancels: Buffer[] | undefined;
  /** False once the channel is closing: nothing more is delivered. */
  active = true;

  constructor(
    private readonly host: ChannelHost,
    private readonly channelNumber: number,
  ) {}

  /** The address requesters put in reply-to, once this channel consumes from amq.rabbitmq.reply-to. */
  get replyToAddress(): string | undefined {
    return this.replyToken === undefined ? undefined : `${REPLY_TO_PREFIX}${this.replyToken}`;
  }

  /** Memory this channel's unacknowledged deliveries keep (those settled inside an open transaction too). */
  get heldBytes(): number {
    let bytes = this.unacked.heldBytes;
    for (const { deliveries } of this.pendingSettlements ?? []) {
      for (const delivery of deliveries) bytes += delivery.message.footprint;
    }
    return bytes;
  }

  /** Starts holding acks back for tx.commit. */
  beginTransaction(): void {
    this.pendingSettlements ??= [];
  }

  // -------------------------------------------------------------- consume

  /** basic.consume on a queue; returns the consumer tag. consumeOk is sent before any delivery. */
  consume(
    queue: Queue,
    options: { consumerTag: string; noAck: boolean; exclusive: boolean; arguments: FieldTable },
    consumeOk: (tag: string) => void,
  ): void {
    const tag = options.consumerTag === '' ? generatedConsumerTag() : options.consumerTag;
    this.assertTagFree(tag);
    const where = `queue '${queue.name}' in vhost '${this.host.vhost.name}'`;
    if (queue.settings.type !== 'classic' && this.channelPrefetch !== 0) {
      throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, `${where} does not support global qos`);
    }
    if (queue.settings.type === 'stream' && (options.noAck || this.consumerPrefetch === 0)) {
      throw preconditionFailed(`consumer prefetch count is not set for '${where}'`);
    }
    if (queue.consumers.length > 0 && (options.exclusive || queue.consumers.some((consumer) => consumer.exclusive))) {
      throw accessRefused(`${where} in exclusive use`);
    }
    const priorityArgument = options.arguments['x-priority'];
    const priority = priorityArgument !== undefined && isIntegerValue(priorityArgument) ? integerValue(priorityArgument) : 0;
    const consumer = new Consumer(tag, queue, this, options.noAck, options.exclusive, this.consumerPrefetch, priority, options.arguments);
    this.consumers.set(tag, consumer);
    consumeOk(tag);
    queue.addConsumer(consumer);
  }

  /** basic.consume on amq.rabbitmq.reply-to: replies come straight to this channel. */
  consumeReplies(options: { consumerTag: string; noAck: boolean }, consumeOk: (tag: string) => void): void {
    if (!options.noAck) throw preconditionFailed('reply consumer cannot acknowledge');
    if (this.replyConsumerTag !== undefined) throw preconditionFailed('reply consumer already set');
    const tag = options.consumerTag === '' ? generatedConsumerTag() : options.consumerTag;
    this.assertTagFree(tag);
    this.replyConsumerTag = tag;
    this.replyToken = replyToToken();
    this.host.vhost.replyTargets.set(this.replyToken, this);
    consumeOk(tag);
  }

  private assertTagFree(tag: string): void {
    if (this.consumers.has(tag) || tag === this.replyConsumerTag) {
      throw new AmqpError(ReplyCode.NOT_ALLOWED, `attempt to reuse consumer tag '${tag}'`);
    }
  }

  /** basic.cancel from the client; unknown tags are fine. Unacked deliveries stay unacked. */
  cancel(tag: string): void {
    if (tag === this.replyConsumerTag) {
      this.stopReplies();
      return;
    }
    const consumer = this.consumers.get(tag);
    if (!consumer) return;
    this.consumers.delete(tag);
    consumer.queue.removeConsumer(consumer);
  }

  private stopReplies(): void {
    if (this.replyToken !== undefined) this.host.vhost.replyTargets.delete(this.replyToken);
    this.replyConsumerTag = undefined;
    this.replyToken = undefined;
  }

  /** The queue went away: forget the consumer and send basic.cancel if the client understands it. */
  cancelledByBroker(consumer: Consumer): void {
    if (this.consumers.get(consumer.tag) !== consumer) return;
    this.consumers.delete(consumer.tag);
    if (this.host.events.wants('consumer-cancelled')) {
      this.host.events.emit('consumer-cancelled', { vhost: this.host.vhost.name, queue: consumer.queue.name, consumerTag: consumer.tag });
    }
    if (this.active && this.host.consumerCancelNotify) {
      const cancel = encodeMethod(this.channelNumber, 'basic.cancel', { consumerTag: consumer.tag, nowait: true });
      if (this.heldCancels !== undefined) this.heldCancels.push(cancel);
      else this.host.output.raw(cancel);
    }
  }

  /**
   * Runs a method that may cancel this channel's own consumers, and its
   * reply, before the basic.cancel frames it causes: RabbitMQ's channel
   * answers queue.delete first and hears from the deleted queue after.
   */
  answerBeforeCancels(methodAndReply: () => void): void {
    this.heldCancels = [];
    try {
      methodAndReply();
    } finally {
      const held = this.heldCancels;
      this.heldCancels = undefined;
      for (const cancel of held) this.host.output.raw(cancel);
    }
  }

  // ------------------------------------------------------------- delivery

  /** Whether a consumer may receive another message now. */
  canDeliver(consumer: Consumer): boolean {
    if (!this.active) return false;
    if (!consumer.hasPrefetchRoom()) return false;
    if (this.sharesChannelPrefetch(consumer) && this.channelPrefetchUsed >= this.channelPrefetch) return false;
    const output = this.host.output;
    if (output.congested) {
      output.notePausedDelivery();
      return false;
    }
    return true;
  }

  /** The oldest delivery still waiting for its acknowledgement (consumer_timeout looks at it). */
  oldestUnacked(): Delivery | undefined {
    return this.unacked.oldest();
  }

  /** Sends basic.deliver and, unless no-ack, remembers the delivery until it is acked. */
  deliver(consumer: Consumer, message: Message): void {
    const tag = this.nextDeliveryTag++;
    if (!consumer.noAck) {
      this.unacked.add(new Delivery(tag, message, consumer.queue, consumer));
      if (this.sharesChannelPrefetch(consumer)) this.channelPrefetchUsed++;
    }
    const header = this.headerFor(consumer.queue, message, 'deliver');
    this.host.output.deliver(this.channelNumber, consumer.tag, tag, message.redelivered, message, header);
  }

  /** A direct reply-to response for this channel's reply consumer. */
  deliverReply(message: Message): void {
    if (this.replyConsumerTag === undefined || !this.active) return;
    this.host.output.deliver(this.channelNumber, this.replyConsumerTag, this.nextDeliveryTag++, false, message);
  }

  /**
   * Quorum queues tell how often a message came back in an x-delivery-count
   * header, so those messages get a re-encoded content header: a delivery
   * once the message has come back, a basic.get always (0 the first time),
   * as RabbitMQ 3.x does. Undefined keeps the message's own header.
   */
  private headerFor(queue: Queue, message: Message, how: 'deliver' | 'get'): Buffer | undefined {
    if (queue.settings.type !== 'quorum') return undefined;
    if (how === 'deliver' && message.deliveryCount === 0) return undefined;
    const properties = message.properties();
    const headers = withHeader(message.exactHeaders(), 'x-delivery-count', long(message.deliveryCount));
    const frame = encodeContentHeader(0, message.bodySize, { ...properties, headers });
    return frame.subarray(7, frame.length - 1);
  }

  /** basic.get: sends get-ok or get-empty. */
  get(queue: Queue, noAck: boolean): void {
    const message = queue.get(noAck);
    if (message === undefined) {
      this.host.output.raw(encodeMethod(this.channelNumber, 'basic.get-empty', {}));
      return;
    }
    const tag = this.nextDeliveryTag++;
    if (!noAck) {
      this.unacked.add(new Delivery(tag, message, queue, undefined));
      queue.unackedCount++;
    }
    const header = this.headerFor(queue, message, 'get');
    this.host.output.getOk(this.channelNumber, tag, message.redelivered, queue.messageCount, message, header);
  }

  // ------------------------------------------------------------------ qos

  /** basic.qos. */
  qos(prefetchCount: number, global: boolean): void {
    if (!global) this.consumerPrefetch = prefetchCount;
    if (!global || prefetchCount === 0) {
      this.channelPrefetch = 0;
      this.channelPrefetchUsed = 0;
    } else {
      if (this.channelPrefetch === 0) this.channelPrefetchUsed = this.unacked.count;
      this.channelPrefetch = prefetchCount;
    }
    this.dispatchAll();
  }

  /** Whether the shared (global) limit applies to the consumer: quorum and stream queues do not take part. */
  private sharesChannelPrefetch(consumer: Consumer): boolean {
    return this.channelPrefetch !== 0 && consumer.queue.settings.type === 'classic';
  }

  // ---------------------------------------------------------- settlement

  /** basic.ack. */
  ack(tag: number, multiple: boolean): void {
    this.settle(this.take(tag, multiple), 'ack');
  }

  /** basic.nack and basic.reject. */
  reject(tag: number, multiple: boolean, requeue: boolean): void {
    this.settle(this.take(tag, multiple), requeue ? 'requeue' : 'discard');
  }

  /** basic.recover with requeue: every unacked delivery goes back to its queue. */
  recover(): void {
    this.release(this.unacked.takeAll(), 'requeue', 'recover');
  }

  /** tx.commit: applies the held-back acks, nacks and rejects in order. */
  commit(): void {
    const pending = this.pendingSettlements ?? [];
    this.pendingSettlements = [];
    for (const { kind, deliveries } of pending) this.release(deliveries, kind, 'nack');
  }

  /** tx.rollback: held-back settlements are forgotten; those deliveries are unacked again. */
  rollback(): void {
    const pending = this.pendingSettlements ?? [];
    this.pendingSettlements = [];
    const returning = pending.flatMap((settlement) => settlement.deliveries);
    if (returning.length > 0) this.unacked.restore(returning);
  }

  private take(tag: number, multiple: boolean): Delivery[] {
    const taken = this.unacked.take(tag, multiple);
    if (taken === undefined) throw preconditionFailed(`unknown delivery tag ${tag}`);
    return taken;
  }

  private settle(deliveries: Delivery[], kind: PendingSettlement['kind']): void {
    if (this.pendingSettlements !== undefined) {
      this.pendingSettlements.push({ kind, deliveries });
      return;
    }
    this.release(deliveries, kind, 'nack');
  }

  /** Frees the deliveries' prefetch slots, then acks, requeues or discards their messages. */
  private release(deliveries: Delivery[], kind: PendingSettlement['kind'], reason: 'nack' | 'recover' | 'channel-closed'): void {
    const [delivery] = deliveries;
    if (deliveries.length === 1 && delivery !== undefined) {
      // The common case (one ack per message) without the grouping below.
      this.freeSlot(delivery);
      if (kind === 'ack') delivery.queue.settle([delivery.message]);
      else if (kind === 'requeue') delivery.queue.requeue([delivery.message], reason === 'nack' ? 'nack' : reason);
      else delivery.queue.discard([delivery.message]);
      if (this.channelPrefetch !== 0) this.dispatchAll();
      else if (delivery.consumer !== undefined && kind !== 'requeue') delivery.queue.dispatch();
      return;
    }
    const byQueue = new Map<Queue, Message[]>();
    for (const delivery of deliveries) {
      this.freeSlot(delivery);
      const list = byQueue.get(delivery.queue);
      if (list) list.push(delivery.message);
      else byQueue.set(delivery.queue, [delivery.message]);
    }
    for (const [queue, messages] of byQueue) {
      if (kind === 'ack') queue.settle(messages);
      else if (kind === 'requeue') queue.requeue(messages, reason === 'nack' ? 'nack' : reason);
      else queue.discard(messages);
    }
    if (this.channelPrefetch !== 0) this.dispatchAll();
    else for (const queue of byQueue.keys()) queue.dispatch();
  }

  private freeSlot(delivery: Delivery): void {
    const consumer = delivery.consumer;
    if (consumer === undefined) return;
    consumer.unacked--;
    if (this.channelPrefetchUsed > 0) this.channelPrefetchUsed--;
  }

  /** Lets every queue this channel consumes from deliver again (a prefetch window or the socket opened up). */
  dispatchAll(): void {
    for (const consumer of this.consumers.values()) consumer.queue.dispatch();
  }

  /**
   * The channel is closing: consumers are removed and every unacked
   * delivery (including acks held for an uncommitted transaction) goes back
   * to its queue, redelivered.
   */
  close(): void {
    this.active = false;
    this.stopReplies();
    for (const consumer of this.consumers.values()) consumer.queue.removeConsumer(consumer);
    this.consumers.clear();
    this.rollback();
    this.pendingSettlements = undefined;
    this.release(this.unacked.takeAll(), 'requeue', 'channel-closed');
  }
}
