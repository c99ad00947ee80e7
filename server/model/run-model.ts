/**
 * The run model: folds a run's trace, event by event, into the state of the
 * run (state.ts) and each message's journey (journeys.ts). It is the one
 * interpreter of the trace: the run's totals, the runner's clean-up, the
 * routing decisions of runs on RabbitMQ and every view in the browser read
 * it. Pure: no Node, no DOM.
 *
 * How frames count, on either broker:
 * - A request takes effect at its -ok reply (or at once with nowait).
 * - A delivery is unacknowledged on its channel until the client settles
 *   it; an ack or nack with `multiple` settles every tag up to its own (tag
 *   0: all of them). A no-ack delivery is forgotten by the broker at once:
 *   it is in the program's hands.
 * - A close is over only at its close-ok. From the close on, what the
 *   channel holds goes back to its queues (counted as requeued), including
 *   deliveries that reach the trace after the close (the broker sent them
 *   before it read it); a client's ack after its own close settles nothing.
 * - The broker's word (the embedded broker's decisions, or the model's own
 *   routing on RabbitMQ) says where a publish went; requeues and
 *   dead-lettering caused by a client's frames are worked out from the frames,
 *   the rest (expiry, length limits) comes from the broker's decisions.
 */
import { METHODS } from '../amqp/spec.js';
import type {
  ActorLogEvent,
  BrokerStateEvent,
  BrokerDecisionEvent,
  FrameEvent,
  JsonLongString,
  JsonTable,
  MethodFrameEvent,
  TraceEvent,
} from '../protocol/trace.js';
import { Journeys, messageLabel, type JourneyLog } from './journeys.js';
import type { Fold } from './messages.js';
import {
  enqueue,
  newMessage,
  published,
  queueName,
  requeue,
  returned,
  routed,
  settledTags,
  step,
  takeForDelivery,
  unroutable,
} from './messages.js';
import type { ReadyMessages } from './ready-messages.js';
import { DIRECT_REPLY_TO, route, type Route } from './routing.js';
import { brokerRestarted } from './restart.js';
import { RECENT_LOST, cloneState, emptyState } from './state.js';
import type { ChannelState, ConnectionState, HeldDelivery, RunState } from './state.js';
import {
  bindingFound,
  bound,
  connectionGone,
  consumerGone,
  exchangeDeclared,
  exchangeDeleted,
  exchangeFound,
  newQueue,
  queueDeclared,
  queueDeleted,
  queuePurged,
  unbound,
} from './topology.js';

/** A channel number opened again: a new channel, with the old one's ended consumers kept for the picture. */
function reopen(connection: ConnectionState, old: ChannelState): ChannelState {
  connection.channels.delete(old.number);
  const channel = channelOf(connection, old.number);
  for (const [tag, consumer] of old.consumers) channel.consumers.set(tag, { ...consumer, active: false });
  return channel;
}

/** Requests whose effect waits for the broker's reply. */
const REQUESTS: ReadonlySet<string> = new Set([
  'exchange.declare',
  'exchange.delete',
  'exchange.bind',
  'exchange.unbind',
  'queue.declare',
  'queue.bind',
  'queue.unbind',
  'queue.purge',
  'queue.delete',
  'basic.consume',
  'basic.cancel',
  'basic.get',
  'basic.qos',
  'confirm.select',
]);

/** Why a message left a queue, in a learner's words, by the broker's reason. */
const DEAD_LETTER_REASONS: Record<string, string> = {
  rejected: 'a consumer rejected it without requeueing',
  expired: 'its time to live ran out',
  maxlen: 'the queue was over its length limit',
  delivery_limit: 'it came back more often than the quorum queue’s delivery limit allows',
};

/** The state of a run, kept up to date event by event. */
export class RunModel {
  state: RunState;
  private readonly journeyLog: JourneyLog;

  /**
   * A model from an empty run (or from a state to carry on from). Journeys are
   * written to `journeys`; pass NO_JOURNEYS to fold events whose journeys are
   * already written.
   */
  constructor(options: { state?: RunState; journeys?: JourneyLog } = {}) {
    this.state = options.state ?? emptyState();
    this.journeyLog = options.journeys ?? new Journeys();
  }

  /** The journeys this model writes, when it keeps them itself. */
  get journeys(): Journeys | undefined {
    return this.journeyLog instanceof Journeys ? this.journeyLog : undefined;
  }

  /** A copy of the state now, which later events leave as it is. */
  snapshot(): RunState {
    return cloneState(this.state);
  }

  /** Where a message published now would go (undefined when the state cannot tell). */
  route(exchange: string, routingKey: string, headers: JsonTable | undefined): Route | undefined {
    return route(this.state, exchange, routingKey, headers);
  }

  /** Folds one more event of the run in (events come in seq order). */
  apply(event: TraceEvent): void {
    const fold: Fold = { state: this.state, journeys: this.journeyLog, seq: event.seq };
    this.state.seq = event.seq;
    this.state.time = event.time;
    switch (event.kind) {
      case 'frame':
        frame(fold, event);
        break;
      case 'broker':
        decision(fold, event);
        break;
      case 'log':
        if (event.lost !== undefined) lostInProgram(fold, event);
        break;
      case 'state':
        this.state.snapshot = event;
        reconcile(fold, event);
        break;
      case 'restart':
        this.state.restarting = event.phase === 'stopping';
        if (event.phase === 'started') {
          brokerRestarted(fold, (id) => {
            const connection = this.state.connections.get(id);
            if (connection !== undefined) closeConnection(fold, connection, true);
          });
        }
        break;
      case 'gap':
        this.state.missedEvents += event.dropped;
        this.state.counts.published += event.counts['basic.publish'] ?? 0;
        this.state.counts.unseenDeliveries += (event.counts['basic.deliver'] ?? 0) + (event.counts['basic.get-ok'] ?? 0);
        this.state.counts.returned += event.counts['basic.return'] ?? 0;
        this.state.counts.dropped += (event.counts.unroutable ?? 0) + (event.counts.dropped ?? 0);
        this.state.counts.deadLettered += event.counts['dead-lettered'] ?? 0;
        break;
    }
  }
}

function connectionOf(fold: Fold, event: FrameEvent): ConnectionState {
  let connection = fold.state.connections.get(event.connection);
  if (connection === undefined) {
    connection = {
      id: event.connection,
      actor: event.actor,
      state: 'opening',
      vhost: '/',
      user: '',
      client: '',
      blocked: false,
      channels: new Map(),
      error: undefined,
      published: 0,
      delivered: 0,
      acked: 0,
      gaveBack: 0,
      lost: 0,
      recentLost: [],
      publishedTo: new Map(),
      consumes: false,
      prefetch: undefined,
      openedAt: event.seq,
      endedAt: undefined,
    };
    fold.state.connections.set(event.connection, connection);
  }
  // A connection is "connection 3" until its connection.start-ok names it.
  connection.actor = event.actor;
  return connection;
}

function channelOf(connection: ConnectionState, number: number): ChannelState {
  let channel = connection.channels.get(number);
  if (channel === undefined) {
    channel = {
      number,
      state: connection.state === 'closing' ? 'closing' : 'open',
      prefetch: 0,
      confirming: false,
      nextPublishTag: 1,
      unconfirmed: new Map(),
      pending: [],
      consumers: new Map(),
      unacked: new Map(),
      inHand: new Map(),
      error: undefined,
    };
    connection.channels.set(number, channel);
  }
  return channel;
}

function frame(fold: Fold, event: FrameEvent): void {
  const connection = connectionOf(fold, event);
  const fromClient = event.direction === 'to-broker';
  switch (event.method) {
    case 'connection.start-ok':
      connection.client = clientOf(event.fields.clientProperties);
      connection.user = userOf(event.fields.response);
      return;
    case 'connection.open':
      connection.vhost = event.fields.virtualHost;
      return;
    case 'connection.open-ok':
      connection.state = 'open';
      return;
    case 'connection.blocked':
      connection.blocked = true;
      return;
    case 'connection.unblocked':
      connection.blocked = false;
      return;
    case 'connection.close': {
      // A broker going down for a restart closes every connection with 320: the restart is in the trace, not an error.
      const byRestart = fold.state.restarting && event.fields.replyCode === 320;
      if (!fromClient && event.fields.replyCode !== 200 && !byRestart) {
        connection.error = {
          code: event.fields.replyCode,
          text: event.fields.replyText,
          method: methodName(event.fields.classId, event.fields.methodId),
          seq: event.seq,
        };
      }
      closeConnection(fold, connection, false);
      return;
    }
    case 'connection.close-ok':
    case 'connection-lost':
      closeConnection(fold, connection, true);
      if (event.method === 'connection-lost' && connection.state !== 'closed') connection.state = 'lost';
      return;
    case 'broker-unreachable':
      connection.state = 'unreachable';
      connection.endedAt = event.seq;
      return;
    case 'protocol-header':
    case 'heartbeat':
    case 'undecodable':
      return;
  }
  let channel = channelOf(connection, event.channel);
  // A closed channel's number used again (its channel.open may not be in the trace): a new channel.
  if (channel.state === 'closed' && event.method !== 'channel.close' && event.method !== 'channel.close-ok')
    channel = reopen(connection, channel);
  if (fromClient && REQUESTS.has(event.method)) {
    if ('nowait' in event.fields && event.fields.nowait) applyRequest(fold, connection, channel, event, undefined);
    else channel.pending.push(event);
    return;
  }
  if (!fromClient && (event.method.endsWith('-ok') || event.method === 'basic.get-empty') && event.method !== 'channel.open-ok') {
    if (event.method === 'channel.close-ok') {
      closeChannel(fold, connection, channel, true);
      return;
    }
    const wanted = requestOf(event.method);
    const at = channel.pending.findIndex((request) => request.method === wanted);
    if (at < 0) return;
    const [request] = channel.pending.splice(at, 1);
    if (request !== undefined) applyRequest(fold, connection, channel, request, event);
    return;
  }
  switch (event.method) {
    case 'channel.open':
      return;
    case 'channel.close':
      if (!fromClient && event.fields.replyCode !== 200) {
        channel.error = {
          code: event.fields.replyCode,
          text: event.fields.replyText,
          method: methodName(event.fields.classId, event.fields.methodId),
          seq: event.seq,
        };
      }
      closeChannel(fold, connection, channel, false);
      return;
    case 'channel.close-ok':
      closeChannel(fold, connection, channel, true);
      return;
    case 'basic.publish':
      if (fromClient) {
        published(fold, connection.actor, channel, {
          exchange: event.fields.exchange,
          routingKey: event.fields.routingKey,
          mandatory: event.fields.mandatory,
          message: event.message,
        });
        connection.published += 1;
        publishedTo(connection, event.fields.exchange).published += 1;
      }
      return;
    case 'basic.return':
      returned(
        fold,
        connection.actor,
        event.fields.exchange,
        event.fields.routingKey,
        `${event.fields.replyCode} ${event.fields.replyText}`,
        event.message,
      );
      publishedTo(connection, event.fields.exchange).returned += 1;
      return;
    case 'basic.deliver': {
      const consumer = channel.consumers.get(event.fields.consumerTag);
      const queue = consumer?.queue ?? '';
      delivered(fold, connection, channel, event, queue, consumer?.noAck ?? false);
      if (consumer !== undefined) consumer.delivered += 1;
      return;
    }
    case 'basic.ack':
      if (fromClient) settle(fold, connection, channel, event.fields.deliveryTag, event.fields.multiple, 'ack');
      else confirm(fold, connection, channel, event.fields.deliveryTag, event.fields.multiple, true);
      return;
    case 'basic.nack':
      if (fromClient)
        settle(fold, connection, channel, event.fields.deliveryTag, event.fields.multiple, event.fields.requeue ? 'requeue' : 'discard');
      else confirm(fold, connection, channel, event.fields.deliveryTag, event.fields.multiple, false);
      return;
    case 'basic.reject':
      if (fromClient) settle(fold, connection, channel, event.fields.deliveryTag, false, event.fields.requeue ? 'requeue' : 'discard');
      return;
    case 'basic.recover':
    case 'basic.recover-async':
      if (fromClient && channel.state === 'open') {
        for (const held of takeHeld(channel, 0, true))
          giveBack(fold, held, 'the channel asked for its unacknowledged messages again (basic.recover)');
      }
      return;
    case 'basic.cancel':
      // The broker cancels a consumer whose queue went away.
      if (!fromClient) endConsumer(fold, channel, event.fields.consumerTag);
      return;
    default:
      return;
  }
}

/** The request a reply answers: queue.declare-ok answers queue.declare, get-ok and get-empty answer basic.get. */
function requestOf(reply: string): string {
  if (reply === 'basic.get-ok' || reply === 'basic.get-empty') return 'basic.get';
  return reply.slice(0, -'-ok'.length);
}

function applyRequest(
  fold: Fold,
  connection: ConnectionState,
  channel: ChannelState,
  request: MethodFrameEvent,
  reply: MethodFrameEvent | undefined,
): void {
  const { state } = fold;
  switch (request.method) {
    case 'exchange.declare':
      exchangeDeclared(state, request.fields);
      return;
    case 'exchange.delete':
      exchangeDeleted(state, request.fields.exchange);
      return;
    case 'exchange.bind':
    case 'exchange.unbind': {
      const binding = {
        source: request.fields.source,
        destination: request.fields.destination,
        destinationType: 'exchange' as const,
        routingKey: request.fields.routingKey,
        arguments: request.fields.arguments,
      };
      if (request.method === 'exchange.bind') bound(state, binding);
      else unbound(state, binding);
      return;
    }
    case 'queue.declare':
      queueDeclared(fold, request.fields, reply?.method === 'queue.declare-ok' ? reply.fields : undefined, connection.id);
      return;
    case 'queue.bind':
    case 'queue.unbind': {
      const binding = {
        source: request.fields.exchange,
        destination: request.fields.queue,
        destinationType: 'queue' as const,
        routingKey: request.fields.routingKey,
        arguments: request.fields.arguments,
      };
      if (request.method === 'queue.bind') bound(state, binding);
      else unbound(state, binding);
      return;
    }
    case 'queue.purge':
      queuePurged(fold, request.fields.queue);
      return;
    case 'queue.delete':
      queueDeleted(fold, request.fields.queue, `${request.fields.queue} was deleted`);
      return;
    case 'basic.qos':
      channel.prefetch = request.fields.prefetchCount;
      connection.prefetch = request.fields.prefetchCount;
      return;
    case 'confirm.select':
      channel.confirming = true;
      return;
    case 'basic.consume': {
      const tag = reply?.method === 'basic.consume-ok' ? reply.fields.consumerTag : request.fields.consumerTag;
      const name = queueName(request.fields.queue);
      let queue = state.queues.get(name);
      if (queue?.exists !== true) {
        // The broker said consume-ok: the queue exists, though the run did not declare it (it was there before).
        queue =
          name === DIRECT_REPLY_TO
            ? newQueue(DIRECT_REPLY_TO, { exclusive: true, autoDelete: true, owner: connection.id })
            : newQueue(name, {});
        state.queues.set(name, queue);
      }
      connection.consumes = true;
      channel.consumers.set(tag, {
        tag,
        queue: name,
        noAck: request.fields.noAck,
        exclusive: request.fields.exclusive,
        arguments: request.fields.arguments,
        active: true,
        delivered: 0,
      });
      queue.consumers += 1;
      queue.hadConsumer = true;
      return;
    }
    case 'basic.cancel':
      endConsumer(fold, channel, request.fields.consumerTag);
      return;
    case 'basic.get':
      connection.consumes = true;
      if (reply?.method === 'basic.get-ok') delivered(fold, connection, channel, reply, request.fields.queue, request.fields.noAck);
      return;
    default:
      return;
  }
}

/** A message reached a client (basic.deliver or basic.get-ok). */
function delivered(
  fold: Fold,
  connection: ConnectionState,
  channel: ChannelState,
  event: Extract<MethodFrameEvent, { method: 'basic.deliver' | 'basic.get-ok' }>,
  name: string,
  noAck: boolean,
): void {
  const { state } = fold;
  state.counts.delivered.set(connection.actor, (state.counts.delivered.get(connection.actor) ?? 0) + 1);
  connection.delivered += 1;
  const queue = state.queues.get(name);
  const copy =
    queue === undefined
      ? {
          message: newMessage(fold, {
            exchange: event.fields.exchange,
            routingKey: event.fields.routingKey,
            message: event.message,
            publishedBy: undefined,
          }),
          body: '',
          order: 0,
          redelivered: false,
          persistent: false,
        }
      : takeForDelivery(fold, queue, { exchange: event.fields.exchange, routingKey: event.fields.routingKey, message: event.message });
  if (queue !== undefined) queue.delivered += 1;
  step(fold, copy.message, { kind: 'delivered', actor: connection.actor, queue: name, redelivered: event.fields.redelivered, noAck });
  const held: HeldDelivery = {
    message: copy.message,
    body: copy.body,
    queue: name,
    order: copy.order,
    persistent: copy.persistent,
  };
  if (noAck) {
    channel.inHand.set(event.fields.deliveryTag, held);
    if (channel.inHand.size > MAX_IN_HAND) channel.inHand.delete(channel.inHand.keys().next().value ?? 0);
    return;
  }
  if (queue !== undefined) queue.unacked += 1;
  channel.unacked.set(event.fields.deliveryTag, held);
  // The channel is closing: the broker sent this before it read the close, and takes it back.
  if (channel.state !== 'open') {
    for (const back of takeHeld(channel, event.fields.deliveryTag, false)) {
      connection.gaveBack += 1;
      giveBack(fold, back, 'the channel or connection holding it unacknowledged closed');
    }
  }
}

/** No-ack deliveries remembered per channel, so a program can say which it lost. */
const MAX_IN_HAND = 10_000;

/** Removes and returns the deliveries a settle covers. */
function takeHeld(channel: ChannelState, deliveryTag: number, multiple: boolean): HeldDelivery[] {
  const held: HeldDelivery[] = [];
  for (const tag of settledTags(channel, deliveryTag, multiple)) {
    const delivery = channel.unacked.get(tag);
    if (delivery === undefined) continue;
    channel.unacked.delete(tag);
    held.push(delivery);
  }
  return held;
}

function unheld(fold: Fold, held: HeldDelivery): void {
  const queue = fold.state.queues.get(held.queue);
  if (queue !== undefined) queue.unacked = Math.max(0, queue.unacked - 1);
}

/** A delivery handed back: the broker requeues it. */
function giveBack(fold: Fold, held: HeldDelivery, reason: string): void {
  unheld(fold, held);
  requeue(fold, held, reason);
}

/** basic.ack, basic.nack or basic.reject from the client. */
function settle(
  fold: Fold,
  connection: ConnectionState,
  channel: ChannelState,
  deliveryTag: number,
  multiple: boolean,
  how: 'ack' | 'requeue' | 'discard',
): void {
  // After a close the broker no longer takes acks on the channel.
  if (channel.state !== 'open' || connection.state === 'closing') return;
  const { state } = fold;
  for (const held of takeHeld(channel, deliveryTag, multiple)) {
    if (how === 'ack') {
      state.counts.acked += 1;
      connection.acked += 1;
      unheld(fold, held);
      const queue = state.queues.get(held.queue);
      if (queue !== undefined) queue.acked += 1;
      step(fold, held.message, { kind: 'acked', actor: connection.actor, queue: held.queue });
      continue;
    }
    state.counts.nacked += 1;
    step(fold, held.message, { kind: 'nacked', actor: connection.actor, queue: held.queue, requeue: how === 'requeue' });
    if (how === 'requeue') {
      connection.gaveBack += 1;
      giveBack(fold, held, `${connection.actor} gave it back (requeue)`);
      continue;
    }
    unheld(fold, held);
    discard(fold, held.queue, held, 'rejected');
  }
}

/**
 * A message leaves its queue for good: dead-lettered through the queue's
 * dead-letter exchange if it has one, dropped otherwise.
 */
function discard(fold: Fold, name: string, leaving: LeavingCopy, cause: string): void {
  const { state } = fold;
  const queue = state.queues.get(name);
  const deadLetterExchange = queue?.arguments['x-dead-letter-exchange'];
  const reason = DEAD_LETTER_REASONS[cause] ?? cause;
  if (queue === undefined || typeof deadLetterExchange !== 'string') {
    if (queue !== undefined) queue.dropped += 1;
    state.counts.dropped += 1;
    step(fold, leaving.message, { kind: 'dropped', queue: name, reason });
    return;
  }
  const key = queue.arguments['x-dead-letter-routing-key'];
  const result = route(state, deadLetterExchange, typeof key === 'string' ? key : '', undefined);
  deadLettered(fold, queue.name, leaving, deadLetterExchange, result?.queues ?? [], reason);
}

/** A message leaving its queue: which it is, its body, and whether it was published persistent. */
interface LeavingCopy {
  message: number;
  body: string;
  persistent?: boolean;
}

function deadLettered(fold: Fold, from: string, leaving: LeavingCopy, exchange: string, queues: string[], reason: string): void {
  const { message, body } = leaving;
  const { state } = fold;
  state.counts.deadLettered += 1;
  const queue = state.queues.get(from);
  if (queue !== undefined) queue.deadLettered += 1;
  const target = state.exchanges.get(exchange);
  if (target !== undefined) target.received += 1;
  step(fold, message, { kind: 'dead-lettered', queue: from, exchange, queues, reason });
  for (const name of queues)
    enqueue(
      fold,
      name,
      message,
      body,
      messageLabel(exchange, '', { properties: {}, bodySize: body.length, bodyPreview: body }),
      leaving.persistent === true,
    );
}

/** Publisher confirms: the broker acked (or nacked) publishes up to a tag. */
function confirm(
  fold: Fold,
  connection: ConnectionState,
  channel: ChannelState,
  deliveryTag: number,
  multiple: boolean,
  ok: boolean,
): void {
  const tags = multiple ? [...channel.unconfirmed.keys()].filter((tag) => tag <= deliveryTag) : [deliveryTag];
  for (const tag of tags) {
    const message = channel.unconfirmed.get(tag);
    if (message === undefined) continue;
    channel.unconfirmed.delete(tag);
    if (ok) fold.state.counts.confirmed += 1;
    else fold.state.counts.refused += 1;
    step(fold, message, { kind: ok ? 'confirmed' : 'refused', actor: connection.actor });
  }
}

function endConsumer(fold: Fold, channel: ChannelState, tag: string): void {
  const consumer = channel.consumers.get(tag);
  if (consumer?.active !== true) return;
  consumer.active = false;
  consumerGone(fold, consumer.queue);
}

/** channel.close (done: false) or its close-ok (done: true). */
function closeChannel(fold: Fold, connection: ConnectionState, channel: ChannelState, done: boolean): void {
  for (const held of takeHeld(channel, 0, true)) {
    connection.gaveBack += 1;
    giveBack(fold, held, 'the channel or connection holding it unacknowledged closed');
  }
  channel.pending = [];
  if (!done) {
    if (channel.state === 'open') channel.state = 'closing';
    return;
  }
  channel.state = 'closed';
  for (const tag of channel.consumers.keys()) endConsumer(fold, channel, tag);
}

/** connection.close (done: false), or its close-ok or the connection breaking (done: true). */
function closeConnection(fold: Fold, connection: ConnectionState, done: boolean): void {
  for (const channel of connection.channels.values()) {
    for (const held of takeHeld(channel, 0, true)) {
      connection.gaveBack += 1;
      giveBack(fold, held, 'the channel or connection holding it unacknowledged closed');
    }
    if (channel.state === 'open') channel.state = 'closing';
  }
  if (!done) {
    if (connection.state === 'open' || connection.state === 'opening') connection.state = 'closing';
    return;
  }
  if (connection.endedAt !== undefined) return;
  connection.state = 'closed';
  connection.endedAt = fold.seq;
  for (const channel of connection.channels.values()) {
    channel.state = 'closed';
    channel.pending = [];
    for (const tag of channel.consumers.keys()) endConsumer(fold, channel, tag);
  }
  connectionGone(fold, connection.id);
}

/** A program said which no-ack deliveries it lost (it stopped before it was done with them). */
function lostInProgram(fold: Fold, event: ActorLogEvent): void {
  const connection = [...fold.state.connections.values()].reverse().find((candidate) => candidate.actor === event.actor);
  if (connection === undefined) return;
  for (const { channel: number, deliveryTag } of event.lost ?? []) {
    const channel = connection.channels.get(number);
    const held = channel?.inHand.get(deliveryTag);
    if (channel === undefined || held === undefined) continue;
    channel.inHand.delete(deliveryTag);
    fold.state.counts.lost += 1;
    connection.lost += 1;
    connection.recentLost = [...connection.recentLost, held.body].slice(-RECENT_LOST);
    const queue = fold.state.queues.get(held.queue);
    if (queue !== undefined) queue.lost += 1;
    step(fold, held.message, {
      kind: 'lost',
      actor: event.actor,
      queue: held.queue,
      reason: `${event.actor} stopped before it was done with it, and with automatic acknowledgement the broker had already forgotten it`,
    });
  }
}

/** A decision the broker reported (the embedded broker), or the model's routing made (RabbitMQ). */
function decision(fold: Fold, event: BrokerDecisionEvent): void {
  const { state } = fold;
  switch (event.decision) {
    case 'routed':
      routed(fold, event.exchange, event.routingKey, event.queues, undefined);
      return;
    case 'unroutable':
      unroutable(fold, event.exchange, event.routingKey, event.reason ?? 'no binding matched');
      return;
    case 'requeued':
      // Worked out from the client's frames (nack, reject, a closed channel): the broker's word adds nothing.
      return;
    case 'expired': {
      const queue = state.queues.get(event.queues[0] ?? '');
      const copy = queue?.ready.shift();
      if (queue === undefined || copy === undefined) return;
      queue.expired += 1;
      state.counts.expired += 1;
      step(fold, copy.message, { kind: 'expired', queue: queue.name });
      leaving(state, queue.name).push(copy.message);
      return;
    }
    case 'dead-lettered':
    case 'dropped': {
      // Caused by a client's reject: already worked out from its frame.
      if (event.cause === 'rejected' || event.cause === 'nack' || event.cause === 'reject') return;
      const name = event.decision === 'dead-lettered' ? (event.from ?? '') : (event.queues[0] ?? '');
      const queue = state.queues.get(name);
      const left = leaving(state, name).shift();
      const copy: LeavingCopy | undefined = left === undefined ? leaveHead(queue, event.cause) : { message: left, body: '' };
      if (copy === undefined) {
        if (event.decision === 'dropped') state.counts.dropped += 1;
        else state.counts.deadLettered += 1;
        return;
      }
      const reason = event.reason ?? DEAD_LETTER_REASONS[event.cause ?? ''] ?? 'the broker dropped it';
      if (event.decision === 'dead-lettered') {
        deadLettered(fold, name, copy, event.to ?? '', event.queues, reason);
        return;
      }
      if (queue !== undefined) queue.dropped += 1;
      state.counts.dropped += 1;
      step(fold, copy.message, { kind: 'dropped', queue: name, reason });
      return;
    }
  }
}

/**
 * The broker's own snapshot is the truth at its moment: a queue it no longer
 * has is gone (deleted in a way the trace did not show), and its ready
 * counts stand where the trace could not follow (an expiry RabbitMQ does
 * not announce, messages left from before the run). Exchanges and bindings
 * it lists that the trace never showed being made are there too.
 */
function reconcile(fold: Fold, snapshot: BrokerStateEvent): void {
  for (const seen of snapshot.exchanges) exchangeFound(fold.state, seen);
  const listed = new Map(snapshot.queues.map((queue) => [queue.name, queue]));
  for (const seen of snapshot.queues) {
    if (fold.state.queues.get(seen.name)?.exists === true) continue;
    // A queue the trace never showed being made: there before the run, or made outside it.
    const queue = newQueue(seen.name, { durable: seen.durable, exclusive: seen.exclusive, autoDelete: seen.autoDelete });
    queue.unacked = seen.messagesUnacknowledged;
    queue.consumers = seen.consumers;
    fold.state.queues.set(seen.name, queue);
  }
  for (const queue of fold.state.queues.values()) {
    if (!queue.exists || queue.pseudo) continue;
    const seen = listed.get(queue.name);
    if (seen === undefined) {
      queueDeleted(fold, queue.name, `the broker no longer has ${queue.name}`);
      continue;
    }
    while (queue.ready.length > seen.messagesReady) {
      const copy = queue.ready.shift();
      if (copy !== undefined && copy.message !== 0)
        step(fold, copy.message, { kind: 'dropped', queue: queue.name, reason: `the broker no longer has it in ${queue.name}` });
      queue.dropped += 1;
    }
    while (queue.ready.length < seen.messagesReady) {
      queue.ready.push({ message: 0, body: '', order: queue.nextOrder, redelivered: false, persistent: false });
      queue.nextOrder += 1;
    }
  }
  // After the queues, so a binding's queue is there.
  for (const seen of snapshot.bindings) bindingFound(fold.state, seen);
}

/** The message that leaves a queue for a reason of its own: the newest for a refused publish, else the oldest. */
function leaveHead(queue: { ready: ReadyMessages } | undefined, cause: string | undefined) {
  if (queue === undefined) return undefined;
  return cause === 'reject-publish' ? queue.ready.pop() : queue.ready.shift();
}

function leaving(state: RunState, queue: string): number[] {
  let ids = state.leaving.get(queue);
  if (ids === undefined) {
    ids = [];
    state.leaving.set(queue, ids);
  }
  return ids;
}

function publishedTo(connection: ConnectionState, exchange: string): { published: number; returned: number } {
  let counts = connection.publishedTo.get(exchange);
  if (counts === undefined) {
    counts = { published: 0, returned: 0 };
    connection.publishedTo.set(exchange, counts);
  }
  return counts;
}

/** The client library, from connection.start-ok's client properties. */
function clientOf(properties: JsonTable): string {
  const product = properties.product;
  const version = properties.version;
  const name = typeof product === 'string' ? product : '';
  return typeof version === 'string' && name !== '' ? `${name} ${version}` : name;
}

/** The user name the tap left visible in a PLAIN login's hidden response. */
function userOf(response: JsonLongString): string {
  const match = typeof response === 'string' ? /user "(.*)"\)$/.exec(response) : null;
  if (match?.[1] === undefined) return '';
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return match[1];
  }
}

const METHOD_NAMES = new Map<number, string>(METHODS.map((method) => [method.classId * 0x10000 + method.methodId, method.name]));

/** The method a close names as the one refused ('basic.publish' for class 60, method 40); undefined for none. */
export function methodName(classId: number, methodId: number): string | undefined {
  return classId === 0 ? undefined : METHOD_NAMES.get(classId * 0x10000 + methodId);
}
