/**
 * Bookkeeping for the channels of a run, so frames can be read in context:
 * which request a -ok answers, which queue a delivery came from, which
 * deliveries are still unacknowledged. A delivery tag belongs to one channel
 * of one actor; an ack with `multiple` settles every outstanding tag up to
 * its own (tag 0: all of them). A closing channel (from its close to its
 * close-ok) settles nothing more, and what reaches it before the close-ok
 * goes back to the queue as well: the run's summary counts the same way.
 */
import type { FrameEvent } from '../../../server/protocol/index.js';
import type { MessageCopy } from './message-moves.js';
import { forgetOldest } from './forget-oldest.js';

/** A delivery not yet acknowledged, and where it came from. */
export interface HeldDelivery {
  queue: string;
  copy: MessageCopy;
}

/** One channel of one actor. */
export interface ChannelRecord {
  /** Requests sent and not yet answered, oldest first. */
  pending: FrameEvent[];
  /** Unacknowledged deliveries by delivery tag, in the order they came. */
  outstanding: Map<number, HeldDelivery>;
  /** Consumer tags started on this channel. */
  consumerTags: Set<string>;
  /** In confirm mode: the highest publish sequence number confirmed so far. */
  confirmedUpTo: number;
  /** Between a close and its close-ok: acks no longer settle anything. */
  closing: boolean;
}

/**
 * Unacknowledged deliveries remembered per channel. Beyond this the oldest are
 * forgotten, so a consumer that never acks cannot grow memory without end;
 * acks for forgotten tags then count nothing (the run's summary still does).
 */
const MAX_OUTSTANDING = 50_000;

/** Every actor's channels. */
export class ChannelBook {
  private readonly actors = new Map<string, Map<number, ChannelRecord>>();
  /** Actors whose connection.close has not had its close-ok yet. */
  private readonly closingActors = new Set<string>();

  /** The record of one channel, created on first use. */
  channel(actor: string, channel: number): ChannelRecord {
    let channels = this.actors.get(actor);
    if (channels === undefined) {
      channels = new Map();
      this.actors.set(actor, channels);
    }
    let record = channels.get(channel);
    if (record === undefined) {
      record = { pending: [], outstanding: new Map(), consumerTags: new Set(), confirmedUpTo: 0, closing: this.closingActors.has(actor) };
      channels.set(channel, record);
    }
    return record;
  }

  /** Remembers a delivery until it is settled. */
  hold(actor: string, channel: number, tag: number, held: HeldDelivery): void {
    const { outstanding } = this.channel(actor, channel);
    outstanding.set(tag, held);
    if (outstanding.size > MAX_OUTSTANDING) forgetOldest(outstanding);
  }

  /** Takes the oldest pending request named `method` on a channel, if there is one. */
  takeRequest(actor: string, channel: number, method: string): FrameEvent | undefined {
    const { pending } = this.channel(actor, channel);
    const at = pending.findIndex((request) => request.method === method);
    return at < 0 ? undefined : pending.splice(at, 1)[0];
  }

  /** Settles deliveries: one tag, or with `multiple` every tag up to it (0: all). A closing channel settles none. */
  settle(actor: string, channel: number, tag: number, multiple: boolean): HeldDelivery[] {
    const { outstanding, closing } = this.channel(actor, channel);
    if (closing) return [];
    if (!multiple) {
      const held = outstanding.get(tag);
      if (held === undefined) return [];
      outstanding.delete(tag);
      return [held];
    }
    const settled: HeldDelivery[] = [];
    for (const [outstandingTag, held] of outstanding) {
      if (tag !== 0 && outstandingTag > tag) break;
      settled.push(held);
      outstanding.delete(outstandingTag);
    }
    return settled;
  }

  /**
   * A channel closes (`done` at its close-ok, when it is forgotten): returns
   * what it still held, which the broker requeues, and its consumers, which end.
   */
  close(actor: string, channel: number, done: boolean): { held: HeldDelivery[]; consumerTags: string[] } {
    const record = done ? this.actors.get(actor)?.get(channel) : this.channel(actor, channel);
    if (record === undefined) return { held: [], consumerTags: [] };
    const closed = { held: [...record.outstanding.values()], consumerTags: [...record.consumerTags] };
    record.outstanding.clear();
    record.consumerTags.clear();
    record.closing = true;
    if (done) this.actors.get(actor)?.delete(channel);
    return closed;
  }

  /** An actor's connection closes (`done` at its close-ok or when it is lost): every channel closes with it. */
  closeConnection(actor: string, done: boolean): { held: HeldDelivery[]; consumerTags: { channel: number; tag: string }[] } {
    if (done) this.closingActors.delete(actor);
    else this.closingActors.add(actor);
    const held: HeldDelivery[] = [];
    const consumerTags: { channel: number; tag: string }[] = [];
    for (const channel of this.channelsOf(actor)) {
      const closed = this.close(actor, channel, done);
      held.push(...closed.held);
      for (const tag of closed.consumerTags) consumerTags.push({ channel, tag });
    }
    return { held, consumerTags };
  }

  /** The channel numbers an actor has open. */
  channelsOf(actor: string): number[] {
    return [...(this.actors.get(actor)?.keys() ?? [])];
  }

  /** Forgets everything. */
  clear(): void {
    this.actors.clear();
    this.closingActors.clear();
  }
}
