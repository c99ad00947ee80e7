/**
 * Follows the frames of every tapped connection to keep an ObservedTopology
 * per virtual host up to date, and turns each basic.publish into a routing
 * decision event: 'routed' (which bindings matched, which queues got a copy)
 * or 'unroutable'.
 *
 * Declarations take effect when the broker confirms them (the -ok reply),
 * or at once when sent with nowait, so a declaration the broker refused
 * never enters the model. A channel has at most one such request
 * outstanding, because the client waits for each reply.
 */
import type { DecodedMethod, FieldTable } from '../amqp/index.js';
import type { FrameDirection } from '../protocol/trace.js';
import type { NewTraceEvent } from '../trace/recorder.js';
import { ObservedTopology } from './topology.js';

/** What the observer needs to know about a tapped connection. */
export interface ObservedConnection {
  /** Unique within the tap. */
  readonly id: number;
}

/** The connection-level facts the observer keeps. */
interface ConnectionState {
  vhost: string;
  /** connection.open sent, waiting for open-ok. */
  requestedVhost: string | undefined;
  /** Per channel: the request waiting for its -ok reply. */
  pending: Map<number, DecodedMethod>;
  /** Per channel: consumer tag -> queue. */
  consumers: Map<number, Map<string, string>>;
}

/** Watches frames and answers publishes with routing decisions. */
export interface RoutingObserver {
  /** Takes one frame (or message) as it is forwarded; returns the decision events a publish causes. */
  observe(
    connection: ObservedConnection,
    direction: FrameDirection,
    channel: number,
    method: DecodedMethod,
    headers: FieldTable | undefined,
  ): NewTraceEvent[];
  /** The connection is gone: its consumers and exclusive queues go too. */
  connectionClosed(connection: ObservedConnection): void;
}

/** Creates an observer with empty topologies. */
export function createRoutingObserver(): RoutingObserver {
  const topologies = new Map<string, ObservedTopology>();
  const connections = new Map<number, ConnectionState>();

  function topologyOf(vhost: string): ObservedTopology {
    let topology = topologies.get(vhost);
    if (topology === undefined) {
      topology = new ObservedTopology();
      topologies.set(vhost, topology);
    }
    return topology;
  }

  function stateOf(connection: ObservedConnection): ConnectionState {
    let state = connections.get(connection.id);
    if (state === undefined) {
      state = { vhost: '/', requestedVhost: undefined, pending: new Map(), consumers: new Map() };
      connections.set(connection.id, state);
    }
    return state;
  }

  function consumersOn(state: ConnectionState, channel: number): Map<string, string> {
    let consumers = state.consumers.get(channel);
    if (consumers === undefined) {
      consumers = new Map();
      state.consumers.set(channel, consumers);
    }
    return consumers;
  }

  function closeChannel(state: ConnectionState, channel: number): void {
    state.pending.delete(channel);
    const consumers = state.consumers.get(channel);
    if (consumers === undefined) return;
    state.consumers.delete(channel);
    const topology = topologyOf(state.vhost);
    for (const queue of consumers.values()) topology.consumerRemoved(queue);
  }

  /** Applies a confirmed request; reply is the -ok method when there is one. */
  function apply(
    connection: ObservedConnection,
    state: ConnectionState,
    channel: number,
    request: DecodedMethod,
    reply: DecodedMethod | undefined,
  ): void {
    const topology = topologyOf(state.vhost);
    switch (request.name) {
      case 'exchange.declare': {
        const f = request.fields;
        if (f.passive) topology.exchangeExists(f.exchange);
        else
          topology.declareExchange(f.exchange, f.type, {
            durable: f.durable,
            autoDelete: f.autoDelete,
            internal: f.internal,
            arguments: f.arguments,
          });
        break;
      }
      case 'exchange.delete':
        topology.deleteExchange(request.fields.exchange);
        break;
      case 'exchange.bind':
        topology.bind(request.fields.source, request.fields.destination, 'exchange', request.fields.routingKey, request.fields.arguments);
        break;
      case 'exchange.unbind':
        topology.unbind(request.fields.source, request.fields.destination, 'exchange', request.fields.routingKey, request.fields.arguments);
        break;
      case 'queue.declare': {
        const name = reply?.name === 'queue.declare-ok' ? reply.fields.queue : request.fields.queue;
        if (name === '') break;
        topology.declareQueue(name, {
          exclusiveOwner: request.fields.exclusive ? connection.id : undefined,
          autoDelete: request.fields.autoDelete,
        });
        break;
      }
      case 'queue.delete':
        topology.deleteQueue(request.fields.queue);
        break;
      case 'queue.bind':
        topology.bind(request.fields.exchange, request.fields.queue, 'queue', request.fields.routingKey, request.fields.arguments);
        break;
      case 'queue.unbind':
        topology.unbind(request.fields.exchange, request.fields.queue, 'queue', request.fields.routingKey, request.fields.arguments);
        break;
      case 'basic.consume': {
        const tag = reply?.name === 'basic.consume-ok' ? reply.fields.consumerTag : request.fields.consumerTag;
        consumersOn(state, channel).set(tag, request.fields.queue);
        topology.consumerAdded(request.fields.queue);
        break;
      }
      case 'basic.cancel':
        removeConsumer(state, channel, request.fields.consumerTag);
        break;
    }
  }

  function removeConsumer(state: ConnectionState, channel: number, tag: string): void {
    const consumers = state.consumers.get(channel);
    const queue = consumers?.get(tag);
    if (consumers === undefined || queue === undefined) return;
    consumers.delete(tag);
    topologyOf(state.vhost).consumerRemoved(queue);
  }

  function fromClient(
    connection: ObservedConnection,
    state: ConnectionState,
    channel: number,
    method: DecodedMethod,
    headers: FieldTable | undefined,
  ): NewTraceEvent[] {
    switch (method.name) {
      case 'connection.open':
        state.requestedVhost = method.fields.virtualHost;
        return [];
      case 'basic.publish':
        return decide(state, method.fields.exchange, method.fields.routingKey, headers);
      case 'channel.close':
      case 'channel.close-ok':
        closeChannel(state, channel);
        return [];
      case 'exchange.declare':
      case 'exchange.delete':
      case 'exchange.bind':
      case 'exchange.unbind':
      case 'queue.declare':
      case 'queue.delete':
      case 'queue.bind':
      case 'basic.consume':
      case 'basic.cancel':
        // Most requests may skip their reply (nowait); queue.unbind always gets one.
        if (method.fields.nowait) apply(connection, state, channel, method, undefined);
        else state.pending.set(channel, method);
        return [];
      case 'queue.unbind':
        state.pending.set(channel, method);
        return [];
      default:
        return [];
    }
  }

  function fromBroker(connection: ObservedConnection, state: ConnectionState, channel: number, method: DecodedMethod): void {
    switch (method.name) {
      case 'connection.open-ok':
        state.vhost = state.requestedVhost ?? '/';
        return;
      case 'channel.close':
      case 'channel.close-ok':
        closeChannel(state, channel);
        return;
      case 'basic.cancel':
        // The broker cancels a consumer whose queue was deleted.
        removeConsumer(state, channel, method.fields.consumerTag);
        return;
      case 'exchange.declare-ok':
      case 'exchange.delete-ok':
      case 'exchange.bind-ok':
      case 'exchange.unbind-ok':
      case 'queue.declare-ok':
      case 'queue.delete-ok':
      case 'queue.bind-ok':
      case 'queue.unbind-ok':
      case 'basic.consume-ok':
      case 'basic.cancel-ok': {
        const request = state.pending.get(channel);
        if (request === undefined) return;
        state.pending.delete(channel);
        apply(connection, state, channel, request, method);
        return;
      }
    }
  }

  function decide(state: ConnectionState, exchange: string, routingKey: string, headers: FieldTable | undefined): NewTraceEvent[] {
    const result = topologyOf(state.vhost).route(exchange, routingKey, headers);
    if (result === undefined) return [];
    if (result.queues.length > 0) {
      return [{ kind: 'broker', decision: 'routed', exchange, routingKey, matchedBindings: result.matchedBindings, queues: result.queues }];
    }
    const where =
      exchange === ''
        ? `there is no queue named "${routingKey}"`
        : `no binding of exchange "${exchange}" matches routing key "${routingKey}"`;
    return [
      {
        kind: 'broker',
        decision: 'unroutable',
        exchange,
        routingKey,
        matchedBindings: result.matchedBindings,
        queues: [],
        reason: `${where}, so the message is dropped (or returned, if it was published as mandatory)`,
      },
    ];
  }

  function connectionClosed(connection: ObservedConnection): void {
    const state = connections.get(connection.id);
    if (state === undefined) return;
    connections.delete(connection.id);
    for (const channel of [...state.consumers.keys()]) closeChannel(state, channel);
    topologyOf(state.vhost).connectionClosed(connection.id);
  }

  return {
    observe(connection, direction, channel, method, headers) {
      // The close handshake is over: the broker drops the connection's consumers and exclusive queues.
      if (method.name === 'connection.close-ok') {
        connectionClosed(connection);
        return [];
      }
      const state = stateOf(connection);
      if (direction === 'to-broker') return fromClient(connection, state, channel, method, headers);
      fromBroker(connection, state, channel, method);
      return [];
    },
    connectionClosed,
  };
}
