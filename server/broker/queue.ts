/**
 * A queue: ready messages in publish order, the consumers it hands them to
 * in turn, and the rules that remove messages on their own (TTL, length
 * limits, queue expiry, auto-delete).
 *
 * Unacknowledged messages are not kept here but by the channel that
 * received them (see unacked.ts); the queue only counts them and takes them
 * back when they are requeued.
 */
import type { FieldTable } from '../amqp/index.js';
import type { Consumer } from './consumer.js';
import { Deque } from './deque.js';
import type { BrokerEvents, DeadLetterReason } from './events.js';
import type { BindingDestination } from './exchanges/binding.js';
import type { Message } from './message.js';
import { messagePriority, PriorityReady } from './priority-ready.js';
import type { QueueSettings } from './queue-arguments.js';
import type { BrokerStore } from './storage/store.js';

/** What a queue needs from the virtual host it lives in. */
export interface QueueHost {
  readonly name: string;
  readonly events: BrokerEvents;
  /** The data directory, when the broker keeps one. */
  readonly store: BrokerStore | undefined;
  /** Republishes messages to the queue's dead-letter exchange, or drops them if it has none. */
  deadLetter(queue: Queue, messages: Message[], reason: DeadLetterReason): void;
  /** The queue wants to go away on its own (auto-delete after the last consumer, or x-expires). */
  deleteUnusedQueue(queue: Queue, reason: 'auto-delete' | 'expired'): void;
}

/** Declare-time properties of a queue. */
export interface QueueDeclaration {
  readonly durable: boolean;
  readonly autoDelete: boolean;
  /** The connection that owns an exclusive queue; undefined for shared queues. */
  readonly exclusiveOwner: object | undefined;
  readonly arguments: FieldTable;
}

/** A queue of messages with its consumers. */
export class Queue implements BindingDestination {
  readonly kind = 'queue' as const;
  routeMark = 0;
  /** Messages waiting for a consumer, in delivery order. */
  readonly ready: Deque<Message> | PriorityReady;
  /** Total body size of ready messages (x-max-length-bytes counts these). */
  readyBytes = 0;
  /** Memory the ready messages keep, content and objects, as the memory alarm counts it. */
  heldBytes = 0;
  /** Messages delivered and not yet acknowledged, across all channels. */
  unackedCount = 0;
  /** Active consumers, highest x-priority first; within a priority, next in turn first. */
  readonly consumers: Consumer[] = [];
  /** True once deleted; late acks and requeues for it are ignored. */
  deleted = false;
  /** In a quorum queue, how many of the ready messages at the head are returns, in the order they came back. */
  private returnsAtHead = 0;
  /** Id of a durable queue in the data directory (its persistent messages are kept there); 0 when not kept. */
  storeQueueId = 0;
  private hadConsumers = false;
  private nextSeq = 1;
  private dispatching = false;
  private expiryTimer: NodeJS.Timeout | undefined;
  private expiryTimerAt = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    readonly host: QueueHost,
    readonly declaration: QueueDeclaration,
    readonly settings: QueueSettings,
  ) {
    this.ready = settings.maxPriority === undefined ? new Deque<Message>() : new PriorityReady(settings.maxPriority);
    this.restartIdleTimer();
  }

  /** Number of ready messages (what queue.declare-ok reports as message-count). */
  get messageCount(): number {
    return this.ready.length;
  }

  /** Whether the queue is exclusive to one connection. */
  get exclusive(): boolean {
    return this.declaration.exclusiveOwner !== undefined;
  }

  /**
   * Takes a routed message. `messageTtl` is the message's own expiration in
   * ms, if it has one. Returns false when the queue refuses it (full, with
   * overflow reject-publish); a publisher-confirm channel nacks it then.
   */
  accept(message: Message, messageTtl: number | undefined): boolean {
    return this.enqueue(message, messageTtl) !== Accepted.REFUSED;
  }

  /** Like accept, saying also whether the message was written to the data directory (a confirm waits for that). */
  enqueue(message: Message, messageTtl: number | undefined): Accepted {
    const settings = this.settings;
    if (settings.overflow !== 'drop-head' && this.wouldOverflow(message)) {
      if (this.host.events.wants('publish-rejected')) {
        this.host.events.emit('publish-rejected', { vhost: this.host.name, queue: this.name, reason: 'overflow' });
      }
      if (settings.overflow === 'reject-publish-dlx') this.host.deadLetter(this, [message], 'maxlen');
      return Accepted.REFUSED;
    }
    message.seq = this.nextSeq++;
    const ttl =
      settings.messageTtl === undefined
        ? messageTtl
        : messageTtl === undefined
          ? settings.messageTtl
          : Math.min(messageTtl, settings.messageTtl);
    if (ttl !== undefined) message.expiresAt = Date.now() + ttl;
    const store = this.host.store;
    // A quorum queue keeps every message, persistent or not, as RabbitMQ's do.
    const kept = store !== undefined && this.storeQueueId !== 0 && (this.settings.type === 'quorum' || message.isPersistent());
    if (kept) store.messageStored(this.storeQueueId, message);
    const accepted = kept ? Accepted.KEPT : Accepted.IN_MEMORY;
    if (this.ready.length === 0 && this.consumers.length > 0) {
      const consumer = this.nextConsumer();
      if (consumer !== undefined) {
        this.deliverTo(consumer, message);
        return accepted;
      }
    }
    if (ttl === 0) {
      // TTL 0: the message may only go straight to a waiting consumer, never sit in the queue.
      this.expire([message]);
      return accepted;
    }
    this.ready.push(message);
    this.countReady(message);
    if (this.ready.length === 1 && message.expiresAt !== 0) this.scheduleExpiry();
    if (settings.maxLength !== undefined || settings.maxLengthBytes !== undefined) this.dropHeadWhileOverLimit();
    return accepted;
  }

  /** Puts a message read back from the data directory at the back of the queue, as it was before the restart. */
  restore(message: Message): void {
    message.seq = this.nextSeq++;
    this.ready.push(message);
    this.countReady(message);
  }

  /** After restore: the head message's expiry timer runs. */
  restored(): void {
    this.scheduleExpiry();
  }

  /** Hands ready messages to consumers that have room, in turn. */
  dispatch(): void {
    if (this.dispatching || this.deleted) return;
    this.dispatching = true;
    try {
      while (this.ready.length > 0 && this.consumers.length > 0) {
        const consumer = this.nextConsumer();
        if (consumer === undefined) break;
        const message = this.takeReady();
        if (message === undefined) break;
        this.deliverTo(consumer, message);
      }
    } finally {
      this.dispatching = false;
    }
    this.scheduleExpiry();
  }

  /** basic.get: the next ready message, or undefined. The caller counts it unacked unless no-ack. */
  get(noAck: boolean): Message | undefined {
    this.restartIdleTimer();
    const message = this.takeReady();
    this.scheduleExpiry();
    if (message !== undefined) this.handOut(message, noAck);
    return message;
  }

  /** A kept message handed out: with no-ack it is gone; otherwise it may come back redelivered after a restart. */
  private handOut(message: Message, noAck: boolean): void {
    if (message.storeId === 0) return;
    if (noAck) this.host.store?.messageRemoved(message);
    else this.host.store?.messageHandedOut(message);
  }

  /** Kept messages that left the queue for good are removed from the data directory. */
  private forget(messages: readonly Message[]): void {
    const store = this.host.store;
    if (store === undefined) return;
    for (const message of messages) if (message.storeId !== 0) store.messageRemoved(message);
  }

  /**
   * Puts unacknowledged messages back, marked redelivered: at their original
   * positions in a classic queue. A quorum queue, as in RabbitMQ 3.10, puts
   * a message nacked, rejected or recovered at its back when it has no
   * x-delivery-limit; with a limit, or when the channel holding them closed,
   * the messages go out again before any other (behind earlier returns). A
   * quorum queue with x-delivery-limit dead-letters a message that comes back
   * more often than the limit instead.
   */
  requeue(messages: Message[], reason: 'nack' | 'reject' | 'recover' | 'channel-closed'): void {
    this.unackedCount -= messages.length;
    if (this.deleted || messages.length === 0) return;
    for (const message of messages) message.deliveryCount++;
    if (this.settings.type === 'quorum') {
      const limit = this.settings.deliveryLimit;
      let overLimit: Message[] | undefined;
      const returned: Message[] = [];
      for (const message of messages) {
        if (limit !== undefined && message.deliveryCount > limit) {
          (overLimit ??= []).push(message);
          this.forget([message]);
          continue;
        }
        returned.push(message);
        this.countReady(message);
      }
      if (limit === undefined && reason !== 'channel-closed') {
        // At the back: kept again there, so a restart finds them in that place.
        const store = this.host.store;
        for (const message of returned) {
          this.ready.push(message);
          if (message.storeId !== 0) store?.messageMovedToBack(this.storeQueueId, message);
        }
      } else {
        this.addReturns(returned);
      }
      if (overLimit !== undefined) this.host.deadLetter(this, overLimit, 'delivery_limit');
      this.afterRequeue(returned.length, reason);
      return;
    }
    const returning = messages.length > 1 ? [...messages].sort((a, b) => a.seq - b.seq) : messages;
    const ready = this.ready;
    if (ready instanceof PriorityReady) {
      const maxPriority = this.settings.maxPriority ?? 0;
      for (const message of returning) mergeAtFront(ready.level(messagePriority(message, maxPriority)), [message]);
      ready.added(returning.length);
    } else {
      mergeAtFront(ready, returning);
    }
    for (const message of returning) this.countReady(message);
    this.afterRequeue(returning.length, reason);
  }

  private afterRequeue(count: number, reason: 'nack' | 'reject' | 'recover' | 'channel-closed'): void {
    if (count > 0 && this.host.events.wants('requeued')) {
      this.host.events.emit('requeued', { vhost: this.host.name, queue: this.name, count, reason });
    }
    if (this.settings.maxLength !== undefined || this.settings.maxLengthBytes !== undefined) this.dropHeadWhileOverLimit();
    this.scheduleExpiry();
    this.dispatch();
  }

  /** Acknowledged messages leave for good. */
  settle(messages: readonly Message[]): void {
    this.unackedCount -= messages.length;
    this.forget(messages);
  }

  /** Rejected without requeue: dead-lettered if the queue has a dead-letter exchange, dropped otherwise. */
  discard(messages: Message[]): void {
    this.unackedCount -= messages.length;
    this.forget(messages);
    if (messages.length > 0) this.host.deadLetter(this, messages, 'rejected');
  }

  /** queue.purge: drops every ready message (not dead-lettered); returns how many. */
  purge(): number {
    const count = this.ready.length;
    this.forget(this.ready.drain());
    this.returnsAtHead = 0;
    this.readyBytes = 0;
    this.heldBytes = 0;
    this.scheduleExpiry();
    return count;
  }

  /** Adds a consumer and starts delivering to it. */
  addConsumer(consumer: Consumer): void {
    // After every consumer of the same or a higher priority.
    const at = this.consumers.findLastIndex((other) => other.priority >= consumer.priority) + 1;
    this.consumers.splice(at, 0, consumer);
    this.hadConsumers = true;
    this.stopIdleTimer();
    this.dispatch();
  }

  /** Removes a consumer (basic.cancel, channel closed); an auto-delete queue goes when its last one leaves. */
  removeConsumer(consumer: Consumer): void {
    const at = this.consumers.indexOf(consumer);
    if (at < 0) return;
    this.consumers.splice(at, 1);
    if (this.consumers.length > 0) {
      // With single-active-consumer the next one in line takes over.
      if (this.settings.singleActiveConsumer && at === 0) this.dispatch();
      return;
    }
    if (this.declaration.autoDelete && this.hadConsumers && !this.deleted) {
      this.host.deleteUnusedQueue(this, 'auto-delete');
      return;
    }
    this.restartIdleTimer();
  }

  /** A redeclaration or basic.get counts as use for x-expires. */
  touch(): void {
    if (this.consumers.length === 0) this.restartIdleTimer();
  }

  /**
   * Marks the queue deleted, tells its consumers, and drops its ready
   * messages; returns how many there were. Bindings are the vhost's job.
   */
  close(): number {
    this.deleted = true;
    this.stopIdleTimer();
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    for (const consumer of this.consumers.splice(0)) consumer.channel.cancelledByBroker(consumer);
    const count = this.ready.length;
    this.ready.drain();
    this.returnsAtHead = 0;
    this.readyBytes = 0;
    this.heldBytes = 0;
    return count;
  }

  /**
   * Returns go behind the earlier returns still waiting and ahead of every
   * other message: RabbitMQ 3.10's quorum queues keep them in a queue of
   * their own that they serve first.
   */
  private addReturns(returned: Message[]): void {
    const ready = this.ready;
    if (ready instanceof PriorityReady) throw new Error('a quorum queue has no priorities');
    const earlier: Message[] = [];
    for (let n = 0; n < this.returnsAtHead; n++) {
      const message = ready.shift();
      if (message !== undefined) earlier.push(message);
    }
    for (const message of [...earlier, ...returned].reverse()) ready.unshift(message);
    this.returnsAtHead = earlier.length + returned.length;
  }

  /** Takes the head of the ready messages. */
  private shiftReady(): Message | undefined {
    const message = this.ready.shift();
    if (message !== undefined && this.returnsAtHead > 0) this.returnsAtHead--;
    return message;
  }

  private countReady(message: Message): void {
    this.readyBytes += message.bodySize;
    this.heldBytes += message.footprint;
  }

  private uncountReady(message: Message): void {
    this.readyBytes -= message.bodySize;
    this.heldBytes -= message.footprint;
  }

  private wouldOverflow(message: Message): boolean {
    const { maxLength, maxLengthBytes } = this.settings;
    return (
      (maxLength !== undefined && this.ready.length + 1 > maxLength) ||
      (maxLengthBytes !== undefined && this.readyBytes + message.bodySize > maxLengthBytes)
    );
  }

  /** overflow drop-head: the oldest messages make room, dead-lettered with reason maxlen. */
  private dropHeadWhileOverLimit(): void {
    const { maxLength, maxLengthBytes } = this.settings;
    let dropped: Message[] | undefined;
    while (
      (maxLength !== undefined && this.ready.length > maxLength) ||
      (maxLengthBytes !== undefined && this.readyBytes > maxLengthBytes)
    ) {
      const head = this.shiftReady();
      if (head === undefined) break;
      this.uncountReady(head);
      (dropped ??= []).push(head);
    }
    if (dropped !== undefined) {
      this.forget(dropped);
      this.scheduleExpiry();
      this.host.deadLetter(this, dropped, 'maxlen');
    }
  }

  /** Next ready message that has not expired; expired ones met on the way are dead-lettered. */
  private takeReady(): Message | undefined {
    let expired: Message[] | undefined;
    let message: Message | undefined;
    let now = 0;
    while ((message = this.shiftReady()) !== undefined) {
      this.uncountReady(message);
      if (message.expiresAt === 0) break;
      if (now === 0) now = Date.now();
      if (message.expiresAt > now) break;
      (expired ??= []).push(message);
    }
    if (expired !== undefined) this.expire(expired);
    return message;
  }

  /**
   * The consumer whose turn it is and that has room, or undefined. Consumers
   * are ordered by priority, so the first with room is the right one; with
   * single-active-consumer only the first may receive.
   */
  private nextConsumer(): Consumer | undefined {
    const consumers = this.consumers;
    const candidates = this.settings.singleActiveConsumer ? Math.min(1, consumers.length) : consumers.length;
    for (let i = 0; i < candidates; i++) {
      const consumer = consumers[i];
      if (consumer?.channel.canDeliver(consumer)) return consumer;
    }
    return undefined;
  }

  private deliverTo(consumer: Consumer, message: Message): void {
    if (!consumer.noAck) {
      this.unackedCount++;
      consumer.unacked++;
    }
    this.handOut(message, consumer.noAck);
    this.moveToBackOfItsPriority(consumer);
    consumer.channel.deliver(consumer, message);
  }

  /** Round-robin: after a delivery the consumer waits behind the others of its priority. */
  private moveToBackOfItsPriority(consumer: Consumer): void {
    const consumers = this.consumers;
    if (consumers.length < 2 || this.settings.singleActiveConsumer) return;
    const at = consumers.indexOf(consumer);
    let end = at;
    for (let next = consumers[end + 1]; next?.priority === consumer.priority; next = consumers[end + 1]) {
      consumers[end] = next;
      end++;
    }
    consumers[end] = consumer;
  }

  private expire(messages: Message[]): void {
    this.forget(messages);
    if (this.host.events.wants('expired')) {
      this.host.events.emit('expired', { vhost: this.host.name, queue: this.name, count: messages.length });
    }
    this.host.deadLetter(this, messages, 'expired');
  }

  /** Keeps one timer for the head message's expiry (messages behind it expire when they reach the head). */
  private scheduleExpiry(): void {
    const head = this.ready.peek();
    if (head === undefined || head.expiresAt === 0 || this.deleted) {
      if (this.expiryTimer !== undefined) {
        clearTimeout(this.expiryTimer);
        this.expiryTimer = undefined;
      }
      return;
    }
    if (this.expiryTimer !== undefined && this.expiryTimerAt <= head.expiresAt) return;
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
    this.expiryTimerAt = head.expiresAt;
    this.expiryTimer = setTimeout(() => runSafely(() => this.expireHead()), clampDelay(head.expiresAt - Date.now()));
    this.expiryTimer.unref();
  }

  private expireHead(): void {
    this.expiryTimer = undefined;
    const now = Date.now();
    let expired: Message[] | undefined;
    for (let head = this.ready.peek(); head !== undefined && head.expiresAt !== 0 && head.expiresAt <= now; head = this.ready.peek()) {
      this.shiftReady();
      this.uncountReady(head);
      (expired ??= []).push(head);
    }
    if (expired !== undefined) this.expire(expired);
    this.scheduleExpiry();
  }

  /** x-expires: the queue deletes itself after this long with no consumers, gets or redeclarations. */
  private restartIdleTimer(): void {
    const expires = this.settings.expires;
    if (expires === undefined || this.deleted) return;
    this.stopIdleTimer();
    this.armIdleTimer(Date.now() + expires);
  }

  private armIdleTimer(deadline: number): void {
    this.idleTimer = setTimeout(
      () => {
        this.idleTimer = undefined;
        if (this.consumers.length > 0 || this.deleted) return;
        if (Date.now() < deadline) this.armIdleTimer(deadline);
        else runSafely(() => this.host.deleteUnusedQueue(this, 'expired'));
      },
      clampDelay(deadline - Date.now()),
    );
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

/** What became of a message offered to a queue. */
export const Accepted = {
  /** Refused: the queue is full and its overflow is reject-publish. */
  REFUSED: 0,
  /** Taken, in memory only. */
  IN_MEMORY: 1,
  /** Taken and written to the data directory: a confirm waits until it is on disk. */
  KEPT: 2,
} as const;
/** One of the Accepted values. */
export type Accepted = (typeof Accepted)[keyof typeof Accepted];

/** Timer callbacks have no connection to close on failure; a bug there is logged, never thrown into the process. */
function runSafely(work: () => void): void {
  try {
    work();
  } catch (error) {
    console.error('[warren broker] internal error in a queue timer:', error);
  }
}

/** setTimeout fires at once for delays beyond 2^31-1 ms; longer waits re-arm when the timer fires early. */
function clampDelay(ms: number): number {
  return Math.min(Math.max(0, ms), 0x7fffffff);
}

/**
 * Puts returning messages (sorted by seq) back among the ready ones at the
 * positions their seq gives them. Usually they are all older than every
 * ready message and simply go in front.
 */
function mergeAtFront(ready: Deque<Message>, returning: Message[]): void {
  const newest = returning.at(-1)?.seq;
  if (newest === undefined) return;
  const older: Message[] = [];
  for (let head = ready.peek(); head !== undefined && head.seq < newest; head = ready.peek()) {
    older.push(head);
    ready.shift();
  }
  const merged = older.length === 0 ? returning : mergeBySeq(returning, older);
  for (const message of merged.toReversed()) ready.unshift(message);
}

/** Merges two lists already sorted by seq. */
function mergeBySeq(a: Message[], b: Message[]): Message[] {
  const out: Message[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const left = a[i];
    const right = b[j];
    if (left === undefined) return out.concat(b.slice(j));
    if (right === undefined) return out.concat(a.slice(i));
    if (left.seq <= right.seq) {
      out.push(left);
      i++;
    } else {
      out.push(right);
      j++;
    }
  }
}
