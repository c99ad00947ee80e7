/**
 * The state of a run as `rabbitmqctl` would have listed it at that moment:
 * list_queues, list_exchanges, list_bindings, list_consumers and
 * list_connections, with RabbitMQ's column names. The broker panel shows
 * these; the runner cleans up and counts unacknowledged messages from them.
 */
import type { JsonTable } from '../protocol/trace.js';
import type { RunState } from './state.js';

/** `rabbitmqctl list_queues name durable auto_delete exclusive messages_ready messages_unacknowledged consumers arguments` */
export interface QueueRow {
  name: string;
  durable: boolean;
  auto_delete: boolean;
  exclusive: boolean;
  messages_ready: number;
  messages_unacknowledged: number;
  consumers: number;
  arguments: JsonTable;
}

/** `rabbitmqctl list_exchanges name type durable auto_delete internal arguments` */
export interface ExchangeRow {
  name: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  internal: boolean;
  arguments: JsonTable;
}

/** `rabbitmqctl list_bindings source_name source_kind destination_name destination_kind routing_key arguments` */
export interface BindingRow {
  source_name: string;
  source_kind: 'exchange';
  destination_name: string;
  destination_kind: 'queue' | 'exchange';
  routing_key: string;
  arguments: JsonTable;
}

/** `rabbitmqctl list_consumers queue_name channel_pid consumer_tag ack_required prefetch_count active arguments` */
export interface ConsumerRow {
  queue_name: string;
  /** The channel, by its program and number (RabbitMQ prints an Erlang pid here). */
  channel: string;
  consumer_tag: string;
  ack_required: boolean;
  prefetch_count: number;
  active: boolean;
  arguments: JsonTable;
}

/** `rabbitmqctl list_connections name user vhost state client_properties channels` */
export interface ConnectionRow {
  /** Its connection name (the program it belongs to). */
  name: string;
  user: string;
  vhost: string;
  state: string;
  /** The client library, as it described itself. */
  client: string;
  channels: number;
}

/** The queues that exist, by name; direct reply-to's pseudo-queue is not one (RabbitMQ does not list it). */
export function listQueues(state: RunState): QueueRow[] {
  const rows: QueueRow[] = [];
  for (const queue of state.queues.values()) {
    if (!queue.exists || queue.pseudo) continue;
    rows.push({
      name: queue.name,
      durable: queue.durable,
      auto_delete: queue.autoDelete,
      exclusive: queue.exclusive,
      messages_ready: queue.ready.length,
      messages_unacknowledged: queue.unacked,
      consumers: queue.consumers,
      arguments: queue.arguments,
    });
  }
  return rows.sort((a, b) => compare(a.name, b.name));
}

/** The exchanges that exist, the broker's own included, by name. */
export function listExchanges(state: RunState): ExchangeRow[] {
  const rows: ExchangeRow[] = [];
  for (const exchange of state.exchanges.values()) {
    if (!exchange.exists) continue;
    rows.push({
      name: exchange.name,
      type: exchange.type,
      durable: exchange.durable,
      auto_delete: exchange.autoDelete,
      internal: exchange.internal,
      arguments: exchange.arguments,
    });
  }
  return rows.sort((a, b) => compare(a.name, b.name));
}

/** The bindings that exist, the default exchange's included (as rabbitmqctl lists them), by source. */
export function listBindings(state: RunState): BindingRow[] {
  const rows: BindingRow[] = [];
  for (const binding of state.bindings.values()) {
    if (!binding.exists) continue;
    rows.push({
      source_name: binding.source,
      source_kind: 'exchange',
      destination_name: binding.destination,
      destination_kind: binding.destinationType,
      routing_key: binding.routingKey,
      arguments: binding.arguments,
    });
  }
  return rows.sort(
    (a, b) =>
      compare(a.source_name, b.source_name) || compare(a.destination_name, b.destination_name) || compare(a.routing_key, b.routing_key),
  );
}

/** The consumers that are active, direct reply-to's included. */
export function listConsumers(state: RunState): ConsumerRow[] {
  const rows: ConsumerRow[] = [];
  for (const connection of state.connections.values()) {
    for (const channel of connection.channels.values()) {
      for (const consumer of channel.consumers.values()) {
        if (!consumer.active) continue;
        rows.push({
          queue_name: consumer.queue,
          channel: `${connection.actor} (channel ${channel.number})`,
          consumer_tag: consumer.tag,
          ack_required: !consumer.noAck,
          prefetch_count: channel.prefetch,
          active: true,
          arguments: consumer.arguments,
        });
      }
    }
  }
  return rows;
}

/** The connections that are open (or opening, or closing), in the order they connected. */
export function listConnections(state: RunState): ConnectionRow[] {
  const rows: ConnectionRow[] = [];
  for (const connection of state.connections.values()) {
    if (connection.endedAt !== undefined) continue;
    let channels = 0;
    for (const channel of connection.channels.values()) if (channel.state !== 'closed' && channel.number !== 0) channels += 1;
    rows.push({
      name: connection.actor,
      user: connection.user,
      vhost: connection.vhost,
      state: connection.blocked ? 'blocked' : connection.state === 'open' ? 'running' : connection.state,
      client: connection.client,
      channels,
    });
  }
  return rows;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
