/**
 * Reads a run's trace into its topology (kept in a TopologyStore): the actors
 * by role, the exchanges, queues, bindings and consumers (from the frames that
 * declare them, confirmed by their -ok replies), live queue counts (from
 * deliveries, acks and broker decisions, set right by every broker snapshot),
 * the totals, and each message's moves for the animation.
 *
 * Counts follow the frames the way the run's summary does, so the numbers on
 * screen end where the summary ends: unacknowledged deliveries of a channel
 * that closes count as requeued (those that reach it before its close-ok
 * too), and no-ack deliveries are never outstanding. A queue's requeued count
 * is the same count, by the queue the deliveries came from, on either broker.
 */
import type {
  BrokerDecisionEvent,
  BrokerStateEvent,
  FrameEvent,
  JsonValue,
  MessageView,
  TraceGapEvent,
} from '../../../server/protocol/index.js';
import { ChannelBook, type HeldDelivery } from './channel-book.js';
import { KeyedFifo } from './keyed-fifo.js';
import { MoveLog, type MessageCopy, type MessageMove, type NodeRef } from './message-moves.js';
import { bindingKey, TopologyStore } from './topology-store.js';
import { RECENT_ARRIVALS, RECENT_UNROUTABLE, zeroCounters, type ConsumerInfo, type RunCounters, type Topology } from './topology-types.js';
import { forgetOldest } from './forget-oldest.js';

/** Requests whose effect waits for their -ok (a refused request changes nothing). */
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
  'confirm.select',
]);

/** Journeys whose labels are remembered; an older one that moves again is shown without its label. */
const MAX_JOURNEYS = 4096;

/** Where each queue's waiting messages came from, as far as the trace tells (bounded per queue). */
const MAX_WAITING_PER_QUEUE = 512;

/** The topology, counts and message moves of one run. */
export class TopologyTracker {
  readonly moves = new MoveLog();
  counters: RunCounters = zeroCounters();

  private readonly store = new TopologyStore();
  private readonly channels = new ChannelBook();

  /** Journey -> what to call its message. */
  private readonly labels = new Map<number, string>();
  private nextJourney = 1;
  /** Published messages waiting for the broker's decision, by exchange and routing key. */
  private readonly awaitingDecision = new KeyedFifo<string, MessageCopy>();
  /** Unroutable messages that may still come back with basic.return, by exchange and routing key. */
  private readonly awaitingReturn = new KeyedFifo<string, MessageCopy>(256, 64);
  /** Ready messages of each queue, oldest first. */
  private readonly waiting = new KeyedFifo<string, MessageCopy>(1024, MAX_WAITING_PER_QUEUE);
  /** Deliveries given back (nack/reject with requeue, closed channel), by queue, awaiting the broker's requeue. */
  private readonly awaitingRequeue = new KeyedFifo<string, { actor: string; copy: MessageCopy }>();
  /** Messages rejected without requeue or expired with a dead-letter exchange, by queue, awaiting their fate. */
  private readonly awaitingDiscard = new KeyedFifo<string, MessageCopy>();

  /** The whole picture, in the order things first appeared. */
  topology(): Topology {
    return this.store.topology();
  }

  /** Takes a broker snapshot: the counts and what exists are as it says. */
  snapshot(event: BrokerStateEvent): void {
    this.store.snapshot(event);
    for (const state of event.queues) this.waiting.keepNewest(state.name, state.messagesReady);
    for (const queue of this.store.queues.values()) if (!queue.exists) this.waiting.delete(queue.name);
  }

  /** Takes one frame. */
  frame(event: FrameEvent): void {
    const { actor, channel, method, fields } = event;
    const fromClient = event.direction === 'to-broker';
    // Either side may close; the close is over at the close-ok, whoever sends it.
    if (method === 'channel.close-ok') {
      this.closeChannel(actor, channel, true);
      return;
    }
    if (method === 'connection.close-ok') {
      this.closeConnection(actor, true);
      return;
    }
    if (fromClient && REQUESTS.has(method)) {
      if (fields.nowait === true) this.applyRequest(event, undefined);
      else this.channels.channel(actor, channel).pending.push(event);
      return;
    }
    if (!fromClient && (method.endsWith('-ok') || method === 'basic.get-empty')) {
      const request = this.channels.takeRequest(actor, channel, requestOf(method));
      if (request !== undefined) this.applyRequest(request, event);
      return;
    }
    switch (method) {
      case 'basic.publish':
        if (fromClient) this.published(event);
        break;
      case 'basic.deliver':
        if (!fromClient) this.delivered(event, this.store.consumers.get(consumerKey(actor, channel, text(fields.consumerTag))));
        break;
      case 'basic.return':
        if (!fromClient) this.returned(event);
        break;
      case 'basic.qos':
        if (fromClient) this.store.actor(actor).prefetch = number(fields.prefetchCount);
        break;
      case 'basic.ack':
        if (fromClient) this.acked(actor, channel, fields);
        else this.confirmed(actor, channel, fields);
        break;
      case 'basic.nack':
      case 'basic.reject':
        if (fromClient) this.nacked(actor, channel, fields);
        break;
      case 'basic.recover':
      case 'basic.recover-async':
        if (fromClient && fields.requeue === true) this.giveBack(actor, this.channels.settle(actor, channel, 0, true));
        break;
      case 'basic.cancel':
        // The broker cancels a consumer whose queue went away.
        if (!fromClient) this.endConsumer(consumerKey(actor, channel, text(fields.consumerTag)));
        break;
      case 'channel.close':
        this.closeChannel(actor, channel, false);
        break;
      case 'connection.close':
      case 'connection-lost':
      case 'broker-unreachable':
        this.closeConnection(actor, method !== 'connection.close');
        if (this.store.actors.has(actor)) this.store.actor(actor).connection = method === 'connection.close' ? 'closed' : 'lost';
        break;
    }
  }

  /** Takes one broker decision. */
  decision(event: BrokerDecisionEvent): void {
    switch (event.decision) {
      case 'routed':
        this.routed(event);
        break;
      case 'unroutable':
        this.unroutable(event);
        break;
      case 'requeued':
        this.requeued(event);
        break;
      case 'dead-lettered':
        this.deadLettered(event);
        break;
      case 'expired':
        this.expired(event);
        break;
      case 'dropped':
        this.droppedFromQueue(event);
        break;
    }
  }

  /** Takes a gap: events summarised away still count in the totals. */
  gap(event: TraceGapEvent): void {
    const count = (what: string): number => event.counts[what] ?? 0;
    this.counters.published += count('basic.publish');
    this.counters.delivered += count('basic.deliver') + count('basic.get-ok');
    this.counters.returned += count('basic.return');
    this.counters.dropped += count('unroutable') + count('dropped');
    this.counters.deadLettered += count('dead-lettered');
  }

  /** A consumer's queue, for the sequence view's labels. */
  consumerQueue(actor: string, channel: number, tag: string): string | undefined {
    return this.store.consumers.get(consumerKey(actor, channel, tag))?.queue;
  }

  private applyRequest(request: FrameEvent, reply: FrameEvent | undefined): void {
    const { actor, channel, fields } = request;
    switch (request.method) {
      case 'exchange.declare': {
        const exchange = this.store.exchange(text(fields.exchange));
        exchange.used = true;
        exchange.exists = true;
        if (fields.passive !== true) {
          Object.assign(exchange, {
            type: text(fields.type),
            durable: fields.durable === true,
            autoDelete: fields.autoDelete === true,
            internal: fields.internal === true,
          });
        }
        break;
      }
      case 'exchange.delete': {
        const name = text(fields.exchange);
        this.store.exchange(name).exists = false;
        for (const binding of this.store.bindings.values()) {
          if (binding.source === name || (binding.destinationType === 'exchange' && binding.destination === name)) binding.exists = false;
        }
        break;
      }
      case 'exchange.bind':
      case 'queue.bind': {
        const toExchange = request.method === 'exchange.bind';
        const source = text(fields.source ?? fields.exchange);
        const destination = text(toExchange ? fields.destination : fields.queue);
        this.store.exchange(source).used = true;
        if (toExchange) this.store.exchange(destination).used = true;
        const binding = this.store.binding(
          source,
          destination,
          toExchange ? 'exchange' : 'queue',
          text(fields.routingKey),
          objectOf(fields.arguments),
        );
        binding.exists = true;
        break;
      }
      case 'exchange.unbind':
      case 'queue.unbind': {
        const toExchange = request.method === 'exchange.unbind';
        const key = bindingKey(
          text(fields.source ?? fields.exchange),
          text(toExchange ? fields.destination : fields.queue),
          toExchange ? 'exchange' : 'queue',
          text(fields.routingKey),
        );
        const binding = this.store.bindings.get(key);
        if (binding !== undefined) binding.exists = false;
        break;
      }
      case 'queue.declare':
        this.declaredQueue(request, reply);
        break;
      case 'queue.purge': {
        const queue = this.store.queue(text(fields.queue));
        queue.ready = Math.max(0, queue.ready - number(reply?.fields.messageCount));
        this.waiting.keepNewest(queue.name, queue.ready);
        break;
      }
      case 'queue.delete': {
        const name = text(fields.queue);
        const queue = this.store.queue(name);
        Object.assign(queue, { exists: false, ready: 0, unacked: 0, consumers: 0 });
        this.waiting.delete(name);
        for (const binding of this.store.bindings.values()) {
          if (binding.destinationType === 'queue' && binding.destination === name) binding.exists = false;
        }
        for (const [key, consumer] of this.store.consumers) if (consumer.queue === name) this.endConsumer(key);
        break;
      }
      case 'basic.consume': {
        const tag = text(reply?.fields.consumerTag ?? fields.consumerTag);
        const queue = this.store.queue(text(fields.queue));
        const key = consumerKey(actor, channel, tag);
        this.store.consumers.set(key, { tag, actor, channel, queue: queue.name, noAck: fields.noAck === true, active: true, delivered: 0 });
        this.channels.channel(actor, channel).consumerTags.add(tag);
        queue.consumers += 1;
        this.store.actor(actor).consumes = true;
        break;
      }
      case 'basic.cancel':
        this.endConsumer(consumerKey(actor, channel, text(fields.consumerTag)));
        break;
      case 'basic.get':
        this.store.actor(actor).consumes = true;
        if (reply?.method === 'basic.get-ok') this.delivered(reply, undefined, { queue: text(fields.queue), noAck: fields.noAck === true });
        break;
      case 'confirm.select':
        this.channels.channel(actor, channel).confirmedUpTo = 0;
        break;
    }
  }

  private declaredQueue(request: FrameEvent, reply: FrameEvent | undefined): void {
    const { fields } = request;
    const name = text(reply?.fields.queue ?? fields.queue);
    if (name === '') return;
    const queue = this.store.queue(name);
    queue.exists = true;
    if (fields.passive !== true) {
      const args = objectOf(fields.arguments);
      Object.assign(queue, {
        durable: fields.durable === true,
        exclusive: fields.exclusive === true,
        autoDelete: fields.autoDelete === true,
      });
      const deadLetterExchange = args['x-dead-letter-exchange'];
      if (typeof deadLetterExchange === 'string') {
        queue.deadLetterExchange = deadLetterExchange;
        this.store.exchange(deadLetterExchange).used = true;
      }
    }
    if (reply !== undefined) {
      // declare-ok tells the queue's counts at that moment.
      queue.ready = number(reply.fields.messageCount);
      queue.consumers = number(reply.fields.consumerCount);
    }
    this.store.binding('', name, 'queue', name, {}).exists = true;
  }

  private published(event: FrameEvent): void {
    const exchangeName = text(event.fields.exchange);
    const routingKey = text(event.fields.routingKey);
    const actor = this.store.actor(event.actor);
    actor.publishes = true;
    actor.published += 1;
    this.counters.published += 1;
    const exchange = this.store.exchange(exchangeName);
    exchange.used = true;
    exchange.received += 1;
    this.store.publishInfo(event.actor, exchangeName).published += 1;
    const copy = this.move(
      this.newCopy(labelFor(exchangeName, routingKey, event.message)),
      'publish',
      actorRef(event.actor),
      exchangeRef(exchangeName),
    );
    this.awaitingDecision.push(routeKey(exchangeName, routingKey), copy);
  }

  private delivered(event: FrameEvent, consumer: ConsumerInfo | undefined, got?: { queue: string; noAck: boolean }): void {
    const { actor, channel, fields } = event;
    this.counters.delivered += 1;
    this.store.actor(actor).delivered += 1;
    const queueName = consumer?.queue ?? got?.queue;
    if (queueName === undefined) return;
    const noAck = consumer?.noAck ?? got?.noAck ?? false;
    if (consumer !== undefined) consumer.delivered += 1;
    const queue = this.store.queue(queueName);
    queue.ready = Math.max(0, queue.ready - 1);
    // Deliveries to different connections reach the trace in their own order, not the queue's: match by label.
    const label = labelFor(text(fields.exchange), text(fields.routingKey), event.message);
    const waited =
      this.waiting.take(queueName, (copy) => this.labels.get(copy.journey) === label) ??
      (fields.redelivered === true ? this.requeuedUnannounced(queueName, label) : undefined) ??
      this.newCopy(label);
    const copy = this.move(waited, 'deliver', queueRef(queueName), actorRef(actor), { redelivered: fields.redelivered === true });
    if (!noAck) {
      queue.unacked += 1;
      this.channels.hold(actor, channel, number(fields.deliveryTag), { queue: queueName, copy });
    }
  }

  private returned(event: FrameEvent): void {
    const exchangeName = text(event.fields.exchange);
    const routingKey = text(event.fields.routingKey);
    this.counters.returned += 1;
    this.store.publishInfo(event.actor, exchangeName).returned += 1;
    const copy =
      this.awaitingReturn.shift(routeKey(exchangeName, routingKey)) ?? this.newCopy(labelFor(exchangeName, routingKey, event.message));
    this.move(copy, 'return', exchangeRef(exchangeName), actorRef(event.actor));
  }

  private acked(actor: string, channel: number, fields: Record<string, JsonValue>): void {
    const settled = this.channels.settle(actor, channel, number(fields.deliveryTag), fields.multiple === true);
    for (const held of settled) this.unheld(held);
    this.counters.acked += settled.length;
    this.store.actor(actor).acked += settled.length;
  }

  private confirmed(actor: string, channel: number, fields: Record<string, JsonValue>): void {
    const record = this.channels.channel(actor, channel);
    const tag = number(fields.deliveryTag);
    if (fields.multiple === true) this.counters.confirmed += Math.max(0, tag - record.confirmedUpTo);
    else this.counters.confirmed += 1;
    record.confirmedUpTo = Math.max(record.confirmedUpTo, tag);
  }

  private nacked(actor: string, channel: number, fields: Record<string, JsonValue>): void {
    const settled = this.channels.settle(actor, channel, number(fields.deliveryTag), fields.multiple === true);
    this.counters.nacked += settled.length;
    if (fields.requeue !== false) {
      // requeue defaults to true for both basic.nack and basic.reject.
      this.giveBack(actor, settled);
      return;
    }
    for (const held of settled) {
      this.unheld(held);
      this.awaitingDiscard.push(held.queue, held.copy);
    }
  }

  /** Deliveries handed back to the broker, which requeues them. */
  private giveBack(actor: string, held: HeldDelivery[]): void {
    if (held.length === 0) return;
    this.counters.requeued += held.length;
    this.store.actor(actor).gaveBack += held.length;
    for (const delivery of held) {
      this.unheld(delivery);
      this.store.queue(delivery.queue).requeued += 1;
      this.awaitingRequeue.push(delivery.queue, { actor, copy: delivery.copy });
    }
  }

  private unheld(held: HeldDelivery): void {
    const queue = this.store.queues.get(held.queue);
    if (queue !== undefined) queue.unacked = Math.max(0, queue.unacked - 1);
  }

  private closeChannel(actor: string, channel: number, done: boolean): void {
    const { held, consumerTags } = this.channels.close(actor, channel, done);
    this.giveBack(actor, held);
    for (const tag of consumerTags) this.endConsumer(consumerKey(actor, channel, tag));
  }

  private closeConnection(actor: string, done: boolean): void {
    const { held, consumerTags } = this.channels.closeConnection(actor, done);
    this.giveBack(actor, held);
    for (const { channel, tag } of consumerTags) this.endConsumer(consumerKey(actor, channel, tag));
  }

  private endConsumer(key: string): void {
    const consumer = this.store.consumers.get(key);
    if (!consumer?.active) return;
    consumer.active = false;
    const queue = this.store.queues.get(consumer.queue);
    if (queue !== undefined) queue.consumers = Math.max(0, queue.consumers - 1);
  }

  private routed(event: BrokerDecisionEvent): void {
    const published = this.takeDecided(event);
    const base = published.stage + 1;
    // Hops away from the exchange it was published to: exchange-to-exchange bindings route in steps.
    const depth = new Map<string, number>([[event.exchange, 0]]);
    const matched = event.matchedBindings.flatMap((description) => this.store.bindingsDescribed(description));
    for (let changed = true; changed;) {
      changed = false;
      for (const binding of matched) {
        const from = depth.get(binding.source);
        if (from === undefined || binding.destinationType !== 'exchange' || depth.has(binding.destination)) continue;
        depth.set(binding.destination, from + 1);
        changed = true;
      }
    }
    const arrivals = new Map<string, MessageCopy>();
    for (const binding of matched) {
      binding.matched += 1;
      const stage = base + (depth.get(binding.source) ?? 0);
      const hop = { journey: published.journey, stage: stage - 1 };
      if (binding.destinationType === 'exchange') {
        this.store.exchange(binding.destination).received += 1;
        this.move(hop, 'route', exchangeRef(binding.source), exchangeRef(binding.destination), { bindingKey: binding.routingKey });
      } else {
        const copy = this.move(hop, 'route', exchangeRef(binding.source), queueRef(binding.destination), {
          bindingKey: binding.routingKey,
        });
        if (!arrivals.has(binding.destination)) arrivals.set(binding.destination, copy);
      }
    }
    for (const queueName of event.queues) {
      const copy = arrivals.get(queueName) ?? this.move(published, 'route', exchangeRef(event.exchange), queueRef(queueName));
      this.arrived(queueName, copy);
    }
  }

  private unroutable(event: BrokerDecisionEvent): void {
    const published = this.takeDecided(event);
    const exchange = this.store.exchange(event.exchange);
    exchange.unroutable += 1;
    exchange.recentUnroutable = [...exchange.recentUnroutable.filter((key) => key !== event.routingKey), event.routingKey].slice(
      -RECENT_UNROUTABLE,
    );
    this.counters.dropped += 1;
    const copy = this.move(published, 'unroutable', exchangeRef(event.exchange));
    this.awaitingReturn.push(routeKey(event.exchange, event.routingKey), copy);
  }

  private requeued(event: BrokerDecisionEvent): void {
    const queueName = event.queues[0];
    if (queueName === undefined) return;
    // Counted when the delivery was given back; the broker's word moves it and makes it ready again.
    this.store.queue(queueName).ready += 1;
    const source = this.awaitingRequeue.shift(queueName);
    const from = source === undefined ? queueRef(queueName) : actorRef(source.actor);
    const copy = this.move(source?.copy ?? this.newCopy(''), 'requeue', from, queueRef(queueName));
    this.waiting.unshift(queueName, copy);
  }

  /**
   * RabbitMQ does not announce requeues (only the embedded broker does): a
   * redelivery of a message given back is where the trace shows it went back.
   */
  private requeuedUnannounced(queueName: string, label: string): MessageCopy | undefined {
    const source = this.awaitingRequeue.take(queueName, (given) => this.labels.get(given.copy.journey) === label);
    if (source === undefined) return undefined;
    return this.move(source.copy, 'requeue', actorRef(source.actor), queueRef(queueName));
  }

  private deadLettered(event: BrokerDecisionEvent): void {
    const deadLetterExchange = event.to ?? '';
    this.counters.deadLettered += 1;
    // The event names where the message went; where it came from is the queue that had one waiting for this fate.
    const fromDiscarded = this.awaitingDiscard.findKey((name) => this.store.queues.get(name)?.deadLetterExchange === deadLetterExchange);
    const sourceName =
      fromDiscarded ?? [...this.store.queues.values()].find((queue) => queue.deadLetterExchange === deadLetterExchange)?.name;
    let leaving: MessageCopy | undefined;
    if (fromDiscarded !== undefined) leaving = this.awaitingDiscard.shift(fromDiscarded);
    else if (sourceName !== undefined) leaving = this.leftReady(sourceName);
    leaving ??= this.newCopy('');
    const exchange = this.store.exchange(deadLetterExchange);
    exchange.used = true;
    exchange.received += 1;
    if (sourceName !== undefined) {
      this.store.queue(sourceName).deadLettered += 1;
      leaving = this.move(leaving, 'dead-letter', queueRef(sourceName), exchangeRef(deadLetterExchange));
    }
    for (const queueName of event.queues) {
      const binding = [...this.store.bindings.values()].find(
        (candidate) => candidate.source === deadLetterExchange && candidate.destination === queueName,
      );
      if (binding !== undefined) binding.matched += 1;
      const copy = this.move(leaving, 'route', exchangeRef(deadLetterExchange), queueRef(queueName), { bindingKey: binding?.routingKey });
      this.arrived(queueName, copy);
    }
  }

  private expired(event: BrokerDecisionEvent): void {
    const queueName = event.queues[0];
    if (queueName === undefined) return;
    const queue = this.store.queue(queueName);
    queue.expired += 1;
    const copy = this.move(this.leftReady(queueName) ?? this.newCopy(''), 'expire', queueRef(queueName));
    if (queue.deadLetterExchange !== undefined) this.awaitingDiscard.push(queueName, copy);
  }

  private droppedFromQueue(event: BrokerDecisionEvent): void {
    const queueName = event.queues[0];
    if (queueName === undefined) return;
    const queue = this.store.queue(queueName);
    queue.dropped += 1;
    this.counters.dropped += 1;
    // A rejected delivery was already counted out of unacked; anything else leaves the ready messages.
    const copy = this.awaitingDiscard.shift(queueName) ?? this.leftReady(queueName) ?? this.newCopy('');
    this.move(copy, 'drop', queueRef(queueName));
  }

  /** A ready message leaves a queue without being delivered; returns its copy if known. */
  private leftReady(queueName: string): MessageCopy | undefined {
    const queue = this.store.queue(queueName);
    queue.ready = Math.max(0, queue.ready - 1);
    return this.waiting.shift(queueName);
  }

  private arrived(queueName: string, copy: MessageCopy): void {
    const queue = this.store.queue(queueName);
    queue.received += 1;
    queue.ready += 1;
    const label = this.labels.get(copy.journey);
    if (label !== undefined && label !== '') {
      queue.recent.push(label);
      if (queue.recent.length > RECENT_ARRIVALS) queue.recent.shift();
    }
    this.waiting.push(queueName, copy);
  }

  /** The publish this decision is about (decisions come in publish order per exchange and key). */
  private takeDecided(event: BrokerDecisionEvent): MessageCopy {
    return (
      this.awaitingDecision.shift(routeKey(event.exchange, event.routingKey)) ??
      this.newCopy(labelFor(event.exchange, event.routingKey, undefined))
    );
  }

  /** Records the next move of a copy and returns the copy as it is after the move. */
  private move(
    copy: MessageCopy,
    kind: MessageMove['kind'],
    from: NodeRef,
    to?: NodeRef,
    extra: { bindingKey?: string | undefined; redelivered?: boolean } = {},
  ): MessageCopy {
    const stage = copy.stage + 1;
    const move: Omit<MessageMove, 'id'> = { journey: copy.journey, stage, kind, from, label: this.labels.get(copy.journey) ?? '' };
    if (to !== undefined) move.to = to;
    if (extra.bindingKey !== undefined) move.bindingKey = extra.bindingKey;
    if (extra.redelivered === true) move.redelivered = true;
    this.moves.add(move);
    return { journey: copy.journey, stage };
  }

  /** A message the trace has not shown before: a new journey. */
  private newCopy(label: string): MessageCopy {
    const journey = this.nextJourney;
    this.nextJourney += 1;
    if (this.labels.size >= MAX_JOURNEYS) forgetOldest(this.labels);
    this.labels.set(journey, label);
    return { journey, stage: -1 };
  }
}

/** The request a reply answers: queue.declare-ok answers queue.declare, get-ok and get-empty answer basic.get. */
function requestOf(reply: string): string {
  if (reply === 'basic.get-ok' || reply === 'basic.get-empty') return 'basic.get';
  return reply.slice(0, -'-ok'.length);
}

/** What to call a message on screen: its routing key, or on the default exchange (where the key is a queue name) its body. */
function labelFor(exchange: string, routingKey: string, message: MessageView | undefined): string {
  const body = message?.bodyPreview.trim() ?? '';
  if ((exchange === '' || routingKey === '') && body !== '') return body.length > 24 ? `${body.slice(0, 23)}…` : body;
  return routingKey;
}

function consumerKey(actor: string, channel: number, tag: string): string {
  return `${actor}\u0000${channel}\u0000${tag}`;
}

function routeKey(exchange: string, routingKey: string): string {
  return `${exchange}\u0000${routingKey}`;
}

function actorRef(name: string): NodeRef {
  return { type: 'actor', name };
}

function exchangeRef(name: string): NodeRef {
  return { type: 'exchange', name };
}

function queueRef(name: string): NodeRef {
  return { type: 'queue', name };
}

function number(value: JsonValue | undefined): number {
  return typeof value === 'number' ? value : Number(value ?? 0) || 0;
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

function objectOf(value: JsonValue | undefined): Record<string, JsonValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
