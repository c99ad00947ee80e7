/**
 * What a run's topology holds: its actors, exchanges, queues, bindings,
 * consumers and publishing routes, each created on first mention and kept in
 * the order it first appeared, and set right by the broker's snapshots.
 */
import type { BrokerStateEvent, JsonValue } from '../../../server/protocol/index.js';
import type { ActorInfo, BindingInfo, ConsumerInfo, ExchangeInfo, PublishInfo, QueueInfo, Topology } from './topology-types.js';

/** What the trace calls the default exchange in matched bindings. */
const DEFAULT_EXCHANGE_LABEL = '(AMQP default)';

/** Everything a run declared or used, by name. */
export class TopologyStore {
  readonly actors = new Map<string, ActorInfo>();
  readonly exchanges = new Map<string, ExchangeInfo>();
  readonly queues = new Map<string, QueueInfo>();
  readonly bindings = new Map<string, BindingInfo>();
  /** Consumers, keyed by actor, channel and consumer tag. */
  readonly consumers = new Map<string, ConsumerInfo>();
  readonly publishes = new Map<string, PublishInfo>();
  /** Bindings by how matchedBindings describes them ("source -> destination (key)"). */
  private readonly bindingsByDescription = new Map<string, BindingInfo[]>();

  /** The whole picture, in the order things first appeared. */
  topology(): Topology {
    return {
      actors: [...this.actors.values()],
      exchanges: [...this.exchanges.values()],
      queues: [...this.queues.values()],
      bindings: [...this.bindings.values()],
      consumers: [...this.consumers.values()],
      publishes: [...this.publishes.values()],
    };
  }

  /** The bindings a matchedBindings entry names (headers bindings are described with their arguments; found without them). */
  bindingsDescribed(description: string): BindingInfo[] {
    const withoutArguments =
      description.endsWith(']') && description.includes(' [') ? description.slice(0, description.lastIndexOf(' [')) : description;
    return this.bindingsByDescription.get(withoutArguments) ?? [];
  }

  /** Takes a broker snapshot: the counts and what exists are as it says. */
  snapshot(event: BrokerStateEvent): void {
    const seenQueues = new Set<string>();
    for (const state of event.queues) {
      seenQueues.add(state.name);
      const queue = this.queue(state.name);
      Object.assign(queue, {
        exists: true,
        durable: state.durable,
        exclusive: state.exclusive,
        autoDelete: state.autoDelete,
        ready: state.messagesReady,
        unacked: state.messagesUnacknowledged,
        consumers: state.consumers,
      });
    }
    // A deleted queue holds nothing: its messages went with it.
    for (const queue of this.queues.values()) {
      if (!seenQueues.has(queue.name)) Object.assign(queue, { exists: false, ready: 0, unacked: 0, consumers: 0 });
    }

    const seenExchanges = new Set<string>();
    for (const state of event.exchanges) {
      seenExchanges.add(state.name);
      const exchange = this.exchange(state.name);
      Object.assign(exchange, {
        exists: true,
        type: state.type,
        durable: state.durable,
        autoDelete: state.autoDelete,
        internal: state.internal,
      });
      // The broker's own exchanges are drawn once used; any other one is the run's.
      if (state.name !== '' && !state.name.startsWith('amq.')) exchange.used = true;
    }
    // The default exchange cannot be deleted.
    for (const exchange of this.exchanges.values()) if (!seenExchanges.has(exchange.name) && exchange.name !== '') exchange.exists = false;

    const seenBindings = new Set<string>();
    for (const state of event.bindings) {
      const binding = this.binding(state.source, state.destination, state.destinationType, state.routingKey, state.arguments);
      binding.exists = true;
      seenBindings.add(bindingKey(state.source, state.destination, state.destinationType, state.routingKey));
    }
    for (const [key, binding] of this.bindings) if (!seenBindings.has(key)) binding.exists = false;
  }

  /** The actor named so, created on first mention. */
  actor(name: string): ActorInfo {
    let actor = this.actors.get(name);
    if (actor === undefined) {
      actor = {
        name,
        publishes: false,
        consumes: false,
        published: 0,
        delivered: 0,
        acked: 0,
        prefetch: undefined,
        connection: 'open',
        gaveBack: 0,
      };
      this.actors.set(name, actor);
    }
    return actor;
  }

  /** The exchange named so, created on first mention. */
  exchange(name: string): ExchangeInfo {
    let exchange = this.exchanges.get(name);
    if (exchange === undefined) {
      // The default exchange is always there, and always direct.
      const isDefault = name === '';
      exchange = {
        name,
        type: isDefault ? 'direct' : '',
        used: false,
        exists: isDefault,
        durable: isDefault,
        autoDelete: false,
        internal: false,
        received: 0,
        unroutable: 0,
        recentUnroutable: [],
      };
      this.exchanges.set(name, exchange);
    }
    return exchange;
  }

  /** The queue named so, created on first mention. */
  queue(name: string): QueueInfo {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = {
        name,
        exists: true,
        durable: false,
        exclusive: false,
        autoDelete: false,
        ready: 0,
        unacked: 0,
        consumers: 0,
        received: 0,
        requeued: 0,
        deadLettered: 0,
        expired: 0,
        dropped: 0,
        deadLetterExchange: undefined,
        recent: [],
      };
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** The binding, created on first mention. */
  binding(
    source: string,
    destination: string,
    destinationType: 'queue' | 'exchange',
    routingKey: string,
    args: Record<string, JsonValue>,
  ): BindingInfo {
    const key = bindingKey(source, destination, destinationType, routingKey);
    let binding = this.bindings.get(key);
    if (binding === undefined) {
      binding = { source, destination, destinationType, routingKey, arguments: args, implicit: source === '', exists: true, matched: 0 };
      this.bindings.set(key, binding);
      const description = describeBinding(source, destination, routingKey);
      this.bindingsByDescription.set(description, [...(this.bindingsByDescription.get(description) ?? []), binding]);
    }
    return binding;
  }

  /** What an actor published to an exchange, created on first mention. */
  publishInfo(actor: string, exchange: string): PublishInfo {
    const key = `${actor}\u0000${exchange}`;
    let info = this.publishes.get(key);
    if (info === undefined) {
      info = { actor, exchange, published: 0, returned: 0 };
      this.publishes.set(key, info);
    }
    return info;
  }
}

/** How the trace describes a binding in matchedBindings, without its arguments. */
function describeBinding(source: string, destination: string, routingKey: string): string {
  const from = source === '' ? DEFAULT_EXCHANGE_LABEL : source;
  return routingKey === '' ? `${from} -> ${destination}` : `${from} -> ${destination} (${routingKey})`;
}

/** The key of a binding in the bindings map. */
export function bindingKey(source: string, destination: string, destinationType: string, routingKey: string): string {
  return `${source}\u0000${destinationType}\u0000${destination}\u0000${routingKey}`;
}
