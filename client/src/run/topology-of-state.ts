/**
 * The picture's view of a run at one moment, read off the run model's state:
 * the actors by role, the exchanges, queues, bindings and consumers, each with
 * what went through it so far, and the totals. The views draw this; they
 * never read frames themselves.
 */
import { DIRECT_REPLY_TO } from '../../../server/model/routing.js';
import { RECENT_LOST, type ConnectionState, type RunState } from '../../../server/model/state.js';
import type { ActorError, ActorInfo, BindingInfo, ConsumerInfo, PublishInfo, RunCounters, Topology } from './topology-types.js';

/** The actors, exchanges, queues, bindings, consumers and publishers of a run at the moment `state` is of. */
export function topologyOf(state: RunState): Topology {
  const actors = new Map<string, ActorInfo>();
  const consumers: ConsumerInfo[] = [];
  const publishes = new Map<string, PublishInfo>();
  for (const connection of state.connections.values()) {
    // An actor may reconnect, or name itself only at connection.start-ok: one actor per name.
    const actor = actors.get(connection.actor) ?? {
      name: connection.actor,
      publishes: false,
      consumes: false,
      published: 0,
      delivered: 0,
      acked: 0,
      prefetch: undefined,
      connection: 'open',
      gaveBack: 0,
      holding: 0,
      lost: 0,
      recentLost: [],
      error: undefined,
    };
    actor.publishes ||= connection.published > 0;
    actor.consumes ||= connection.consumes;
    actor.published += connection.published;
    actor.delivered += connection.delivered;
    actor.acked += connection.acked;
    actor.gaveBack += connection.gaveBack;
    actor.lost += connection.lost;
    actor.recentLost = [...actor.recentLost, ...connection.recentLost].slice(-RECENT_LOST);
    actor.error = errorOf(connection) ?? actor.error;
    actor.prefetch = connection.prefetch ?? actor.prefetch;
    actor.connection =
      connection.state === 'lost' || connection.state === 'unreachable' ? 'lost' : connection.state === 'closed' ? 'closed' : 'open';
    actors.set(connection.actor, actor);
    for (const [exchange, counts] of connection.publishedTo) {
      const key = `${connection.actor}\u0000${exchange}`;
      const publish = publishes.get(key) ?? { actor: connection.actor, exchange, published: 0, returned: 0 };
      publish.published += counts.published;
      publish.returned += counts.returned;
      publishes.set(key, publish);
    }
    for (const channel of connection.channels.values()) {
      actor.holding += channel.unacked.size;
      for (const consumer of channel.consumers.values()) {
        consumers.push({
          tag: consumer.tag,
          actor: connection.actor,
          channel: channel.number,
          queue: consumer.queue,
          noAck: consumer.noAck,
          active: consumer.active,
          delivered: consumer.delivered,
        });
      }
    }
  }
  const deadLetterExchanges = new Set<string>();
  for (const queue of state.queues.values()) {
    const exchange = queue.arguments['x-dead-letter-exchange'];
    if (typeof exchange === 'string') deadLetterExchanges.add(exchange);
  }
  const boundExchanges = new Set<string>();
  for (const binding of state.bindings.values()) {
    if (binding.implicit) continue;
    boundExchanges.add(binding.source);
    if (binding.destinationType === 'exchange') boundExchanges.add(binding.destination);
  }
  return {
    actors: [...actors.values()],
    exchanges: [...state.exchanges.values()]
      .map((exchange) => ({
        name: exchange.name,
        type: exchange.type,
        used: !exchange.predeclared || exchange.received > 0 || boundExchanges.has(exchange.name) || deadLetterExchanges.has(exchange.name),
        exists: exchange.exists,
        durable: exchange.durable,
        autoDelete: exchange.autoDelete,
        internal: exchange.internal,
        received: exchange.received,
        unroutable: exchange.unroutable,
        recentUnroutable: exchange.recentUnroutable,
      }))
      // The run's own exchanges first, in the order it declared them; then the broker's own that it used.
      .sort((a, b) => Number(state.exchanges.get(a.name)?.predeclared) - Number(state.exchanges.get(b.name)?.predeclared)),
    queues: [...state.queues.values()].map((queue) => {
      const deadLetterExchange = queue.arguments['x-dead-letter-exchange'];
      return {
        name: queue.name,
        exists: queue.exists,
        durable: queue.durable,
        exclusive: queue.exclusive,
        autoDelete: queue.autoDelete,
        pseudo: queue.pseudo,
        ready: queue.ready.length,
        unacked: queue.unacked,
        consumers: queue.consumers,
        received: queue.received,
        requeued: queue.requeued,
        deadLettered: queue.deadLettered,
        expired: queue.expired,
        dropped: queue.dropped,
        lost: queue.lost,
        deadLetterExchange: typeof deadLetterExchange === 'string' ? deadLetterExchange : undefined,
        recent: queue.recent,
      };
    }),
    bindings: [...[...state.bindings.values()].map((binding) => ({ ...binding })), ...replyRoute(state)],
    consumers,
    publishes: [...publishes.values()],
  };
}

/**
 * The way replies take to direct reply-to: the default exchange hands a reply
 * published to amq.rabbitmq.reply-to.<token> to the pseudo-queue (no binding
 * RabbitMQ lists, like a queue's default binding), drawn once a reply took it.
 */
function replyRoute(state: RunState): BindingInfo[] {
  const replyTo = state.queues.get(DIRECT_REPLY_TO);
  if (replyTo === undefined || replyTo.received === 0) return [];
  return [
    {
      source: '',
      destination: DIRECT_REPLY_TO,
      destinationType: 'queue',
      routingKey: DIRECT_REPLY_TO,
      arguments: {},
      implicit: true,
      exists: replyTo.exists,
      matched: replyTo.received,
    },
  ];
}

/** The run's totals at the moment `state` is of. */
export function countersOf(state: RunState): RunCounters {
  const { counts } = state;
  let delivered = counts.unseenDeliveries;
  for (const count of counts.delivered.values()) delivered += count;
  return {
    published: counts.published,
    delivered,
    acked: counts.acked,
    nacked: counts.nacked,
    requeued: counts.requeued,
    returned: counts.returned,
    dropped: counts.dropped,
    deadLettered: counts.deadLettered,
    confirmed: counts.confirmed,
    lost: counts.lost,
  };
}

/** The error the broker closed a connection, or the first of its channels, with. */
function errorOf(connection: ConnectionState): ActorError | undefined {
  if (connection.error !== undefined) return { where: 'connection', ...connection.error };
  for (const channel of connection.channels.values()) {
    if (channel.error !== undefined) return { where: `channel ${channel.number}`, ...channel.error };
  }
  return undefined;
}
