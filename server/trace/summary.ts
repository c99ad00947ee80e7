/**
 * A run's totals, counted from its trace: what `npm run scenario -- --json`
 * prints last and what the browser shows when a run ends.
 *
 * Message counts come from the frames the tap saw, so they are the same on
 * the embedded broker and on RabbitMQ. Acknowledgements need a little
 * bookkeeping: a delivery tag belongs to one channel of one actor, an ack
 * with `multiple` settles every outstanding tag up to its own (tag 0: all of
 * them), and deliveries still unacknowledged when their channel or
 * connection closes go back to their queue, which counts as requeued.
 * A close is over only at its close-ok: deliveries the broker sent before it
 * read the close reach the trace after it and go back too, while an ack the
 * client sends after its own close settles nothing (the broker no longer
 * takes it; amqplib can write one there, its channels' frames queue behind
 * the connection's).
 * Deliveries to no-ack consumers are never outstanding: the broker forgot
 * them as it sent them.
 */
import type { FrameEvent, JsonValue, QueueState, RunSummary, TraceEvent } from '../protocol/trace.js';

/** Counts a run's events as they come and answers with the totals so far. */
export interface SummaryCounter {
  /** Takes one more event of the run (in seq order). */
  add(event: TraceEvent): void;
  /** The totals of everything added so far. */
  summary(): RunSummary;
}

/** Acknowledgement bookkeeping for one channel of one actor. */
interface ChannelAcks {
  /** Delivery tags handed to the client and not yet settled, ascending. */
  outstanding: number[];
  /** no-ack flag of each basic.consume and basic.get still waiting for its reply, in order. */
  pendingConsumes: boolean[];
  pendingGets: boolean[];
  /** Consumer tag -> whether that consumer was started with no-ack. */
  noAckConsumers: Map<string, boolean>;
  /** Between a channel.close (or its connection's close) and the close-ok: acks no longer count. */
  closing: boolean;
}

/** Creates an empty counter for one run. */
export function createSummaryCounter(): SummaryCounter {
  let published = 0;
  let acked = 0;
  let nacked = 0;
  let requeued = 0;
  let returned = 0;
  let dropped = 0;
  let deadLettered = 0;
  // Maps, not objects: a queue may well be called "__proto__".
  const routed = new Map<string, number>();
  const delivered = new Map<string, number>();
  let queues: QueueState[] = [];
  // actor -> channel number -> bookkeeping
  const actors = new Map<string, Map<number, ChannelAcks>>();
  // Actors that sent or were sent connection.close and have not seen its close-ok.
  const closingActors = new Set<string>();

  function channelOf(actor: string, channel: number): ChannelAcks {
    let channels = actors.get(actor);
    if (channels === undefined) {
      channels = new Map();
      actors.set(actor, channels);
    }
    let acks = channels.get(channel);
    if (acks === undefined) {
      acks = { outstanding: [], pendingConsumes: [], pendingGets: [], noAckConsumers: new Map(), closing: closingActors.has(actor) };
      channels.set(channel, acks);
    }
    return acks;
  }

  /** Removes the settled tags (one, or all up to tag with multiple) and returns how many there were. */
  function settle(acks: ChannelAcks, tag: number, multiple: boolean): number {
    const { outstanding } = acks;
    if (!multiple) {
      const at = outstanding.indexOf(tag);
      if (at < 0) return 0;
      outstanding.splice(at, 1);
      return 1;
    }
    const firstLater = tag === 0 ? -1 : outstanding.findIndex((pending) => pending > tag);
    const upTo = firstLater < 0 ? outstanding.length : firstLater;
    outstanding.splice(0, upTo);
    return upTo;
  }

  /** The broker requeues what a closing channel still had unacknowledged; `done` once the close is over. */
  function closeChannel(actor: string, channel: number, done: boolean): void {
    const acks = done ? actors.get(actor)?.get(channel) : channelOf(actor, channel);
    if (acks === undefined) return;
    requeued += acks.outstanding.length;
    acks.outstanding.length = 0;
    acks.closing = true;
    if (done) actors.get(actor)?.delete(channel);
  }

  function closeConnection(actor: string, done: boolean): void {
    if (done) closingActors.delete(actor);
    else closingActors.add(actor);
    for (const channel of [...(actors.get(actor)?.keys() ?? [])]) closeChannel(actor, channel, done);
  }

  /** A client's settling frame on a channel that is still open. */
  function settling(actor: string, channel: number, fromClient: boolean): ChannelAcks | undefined {
    const acks = channelOf(actor, channel);
    return fromClient && !acks.closing ? acks : undefined;
  }

  function countFrame(event: FrameEvent): void {
    const { actor, channel, fields } = event;
    const fromClient = event.direction === 'to-broker';
    switch (event.method) {
      case 'basic.publish':
        if (fromClient) published += 1;
        break;
      case 'basic.return':
        if (!fromClient) returned += 1;
        break;
      case 'basic.consume':
        if (fromClient) {
          const acks = channelOf(actor, channel);
          if (fields.nowait === true) acks.noAckConsumers.set(text(fields.consumerTag), fields.noAck === true);
          else acks.pendingConsumes.push(fields.noAck === true);
        }
        break;
      case 'basic.consume-ok':
        if (!fromClient) {
          const acks = channelOf(actor, channel);
          acks.noAckConsumers.set(text(fields.consumerTag), acks.pendingConsumes.shift() ?? false);
        }
        break;
      case 'basic.get':
        if (fromClient) channelOf(actor, channel).pendingGets.push(fields.noAck === true);
        break;
      case 'basic.get-empty':
        if (!fromClient) channelOf(actor, channel).pendingGets.shift();
        break;
      case 'basic.deliver':
      case 'basic.get-ok': {
        if (fromClient) break;
        delivered.set(actor, (delivered.get(actor) ?? 0) + 1);
        const acks = channelOf(actor, channel);
        const noAck =
          event.method === 'basic.get-ok'
            ? (acks.pendingGets.shift() ?? false)
            : (acks.noAckConsumers.get(text(fields.consumerTag)) ?? false);
        if (!noAck) acks.outstanding.push(number(fields.deliveryTag));
        break;
      }
      case 'basic.ack': {
        // Only the client's acks settle deliveries; the broker's are publisher confirms.
        const acks = settling(actor, channel, fromClient);
        if (acks !== undefined) acked += settle(acks, number(fields.deliveryTag), fields.multiple === true);
        break;
      }
      case 'basic.nack':
      case 'basic.reject': {
        const acks = settling(actor, channel, fromClient);
        if (acks !== undefined) {
          const count = settle(acks, number(fields.deliveryTag), fields.multiple === true);
          nacked += count;
          if (fields.requeue === true) requeued += count;
        }
        break;
      }
      case 'basic.recover':
      case 'basic.recover-async': {
        const acks = settling(actor, channel, fromClient);
        if (acks !== undefined && fields.requeue === true) {
          requeued += acks.outstanding.length;
          acks.outstanding.length = 0;
        }
        break;
      }
      case 'channel.close':
      case 'channel.close-ok':
        closeChannel(actor, channel, event.method === 'channel.close-ok');
        break;
      case 'connection.close':
      case 'connection.close-ok':
      case 'connection-lost':
        closeConnection(actor, event.method !== 'connection.close');
        break;
    }
  }

  return {
    add(event) {
      switch (event.kind) {
        case 'frame':
          countFrame(event);
          break;
        case 'broker':
          if (event.decision === 'routed') {
            for (const queue of event.queues) routed.set(queue, (routed.get(queue) ?? 0) + 1);
          } else if (event.decision === 'unroutable' || event.decision === 'dropped') {
            dropped += 1;
          } else if (event.decision === 'dead-lettered') {
            deadLettered += 1;
          }
          break;
        case 'state':
          queues = event.queues;
          break;
      }
    },
    summary() {
      return {
        published,
        routed: Object.fromEntries(routed),
        delivered: Object.fromEntries(delivered),
        acked,
        nacked,
        requeued,
        returned,
        dropped,
        deadLettered,
        queues: queues.map((queue) => ({ ...queue })),
      };
    },
  };
}

function number(value: JsonValue | undefined): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}
