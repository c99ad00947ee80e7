/**
 * A channel's unacknowledged deliveries, in delivery-tag order.
 *
 * Tags only grow, so the deliveries sit in a deque sorted by tag: an ack of
 * the oldest delivery (the usual case) pops the front, any other tag is found
 * by binary search. A delivery acked out of order is marked settled and left
 * in place until the front reaches it; the deque is rebuilt if such
 * leftovers pile up.
 */
import type { Consumer } from './consumer.js';
import { Deque } from './deque.js';
import type { Message } from './message.js';
import type { Queue } from './queue.js';

/** One message handed to the client and not yet settled. */
export class Delivery {
  settled = false;
  /** When it was sent, by the wall clock (RabbitMQ's delivered_at): consumer_timeout counts from it. */
  readonly deliveredAt = Date.now();

  constructor(
    readonly tag: number,
    readonly message: Message,
    readonly queue: Queue,
    /** The consumer it went to; undefined for basic.get. */
    readonly consumer: Consumer | undefined,
  ) {}
}

/** Unacknowledged deliveries of one channel. */
export class UnackedMessages {
  private deliveries = new Deque<Delivery>();
  private live = 0;
  private liveBytes = 0;

  /** Number of unsettled deliveries. */
  get count(): number {
    return this.live;
  }

  /** Memory the unsettled deliveries' messages keep, as the memory alarm counts it. */
  get heldBytes(): number {
    return this.liveBytes;
  }

  /** The oldest unsettled delivery, if any. */
  oldest(): Delivery | undefined {
    for (let index = 0; index < this.deliveries.length; index++) {
      const delivery = this.deliveries.at(index);
      if (delivery !== undefined && !delivery.settled) return delivery;
    }
    return undefined;
  }

  /** Records a delivery (tags must be increasing). */
  add(delivery: Delivery): void {
    this.deliveries.push(delivery);
    this.live++;
    this.liveBytes += delivery.message.footprint;
  }

  /**
   * Settles the delivery with this tag, or with multiple every delivery up
   * to it (tag 0 with multiple: all of them). Returns the settled
   * deliveries, or undefined when the tag is not outstanding, which
   * RabbitMQ answers with 406 "unknown delivery tag".
   */
  take(tag: number, multiple: boolean): Delivery[] | undefined {
    if (multiple && tag === 0) return this.takeAll();
    const index = this.indexOf(tag);
    if (index < 0) return undefined;
    let taken: Delivery[];
    if (!multiple) {
      const delivery = this.deliveries.at(index);
      if (delivery === undefined) return undefined;
      delivery.settled = true;
      taken = [delivery];
    } else {
      taken = [];
      for (let i = 0; i <= index; i++) {
        const delivery = this.deliveries.at(i);
        if (delivery === undefined || delivery.settled) continue;
        delivery.settled = true;
        taken.push(delivery);
      }
    }
    this.live -= taken.length;
    for (const delivery of taken) this.liveBytes -= delivery.message.footprint;
    this.compact();
    return taken;
  }

  /** Settles and returns every outstanding delivery, oldest first. */
  takeAll(): Delivery[] {
    const all = this.deliveries.drain().filter((delivery) => !delivery.settled);
    for (const delivery of all) delivery.settled = true;
    this.live = 0;
    this.liveBytes = 0;
    return all;
  }

  /** Puts settled deliveries back as outstanding (tx.rollback returns buffered acks). */
  restore(returning: Delivery[]): void {
    const merged = [...this.deliveries.drain().filter((delivery) => !delivery.settled), ...returning];
    merged.sort((a, b) => a.tag - b.tag);
    for (const delivery of merged) {
      delivery.settled = false;
      this.deliveries.push(delivery);
    }
    this.live = merged.length;
    this.liveBytes = 0;
    for (const delivery of merged) this.liveBytes += delivery.message.footprint;
  }

  /** Position of the outstanding delivery with this tag, or -1. */
  private indexOf(tag: number): number {
    let low = 0;
    let high = this.deliveries.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const delivery = this.deliveries.at(middle);
      if (delivery === undefined) return -1;
      if (delivery.tag === tag) return delivery.settled ? -1 : middle;
      if (delivery.tag < tag) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  private compact(): void {
    const deliveries = this.deliveries;
    while (deliveries.peek()?.settled) deliveries.shift();
    while (deliveries.peekBack()?.settled) deliveries.pop();
    if (deliveries.length > 64 && deliveries.length > this.live * 4) {
      const keep = deliveries.drain().filter((delivery) => !delivery.settled);
      for (const delivery of keep) deliveries.push(delivery);
    }
  }
}
