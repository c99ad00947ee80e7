/**
 * What a run declared, read from its trace: queues, exchanges and bindings
 * (with the names the broker chose for server-named queues), and which
 * deliveries each queue still has out unacknowledged. On RabbitMQ this is
 * how a run knows what to clean up when it shares a vhost, and how its
 * snapshots count unacknowledged messages without the management API's
 * statistics delay.
 */
import type { BindingState, ExchangeState, FrameEvent, JsonValue, TraceEvent } from '../protocol/index.js';

/** A queue the run declared, with the flags it was declared with. */
export interface DeclaredQueue {
  name: string;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
}

/** Follows a run's frames and answers what exists because of it. */
export interface TraceTopology {
  add(event: TraceEvent): void;
  queues(): DeclaredQueue[];
  exchanges(): ExchangeState[];
  bindings(): BindingState[];
  /** Deliveries from `queue` that a client holds and has not settled yet. */
  unacked(queue: string): number;
}

/** A request waiting for its reply on one channel; applied only if the broker agrees. */
interface Pending {
  /** The method that answers it, e.g. 'queue.declare-ok'. */
  reply: string;
  apply: (reply: FrameEvent) => void;
}

interface ChannelState {
  pending: Pending[];
  /** consumer tag -> the queue it consumes from, or undefined for no-ack consumers. */
  consumers: Map<string, string | undefined>;
  /** delivery tag -> the queue the delivery came from. */
  outstanding: Map<number, string>;
}

/** Creates an empty topology for one run. */
export function createTraceTopology(): TraceTopology {
  const queues = new Map<string, DeclaredQueue>();
  const exchanges = new Map<string, ExchangeState>();
  const bindings = new Map<string, BindingState>();
  const channels = new Map<string, ChannelState>();

  function channelOf(event: FrameEvent): ChannelState {
    const key = `${event.actor}\u0000${event.channel}`;
    let state = channels.get(key);
    if (state === undefined) {
      state = { pending: [], consumers: new Map(), outstanding: new Map() };
      channels.set(key, state);
    }
    return state;
  }

  /** Runs `apply` when the request's -ok comes, or at once for nowait methods, which get none. */
  function onReply(event: FrameEvent, apply: Pending['apply']): void {
    if (event.fields.nowait === true) apply(event);
    else channelOf(event).pending.push({ reply: `${event.method}-ok`, apply });
  }

  function addBinding(binding: BindingState): void {
    bindings.set(bindingKey(binding), binding);
  }

  function removeBinding(binding: BindingState): void {
    bindings.delete(bindingKey(binding));
  }

  function forgetQueue(name: string): void {
    queues.delete(name);
    for (const [key, binding] of bindings) {
      if (binding.destinationType === 'queue' && binding.destination === name) bindings.delete(key);
    }
  }

  function settle(state: ChannelState, tag: number, multiple: boolean): void {
    if (!multiple) {
      state.outstanding.delete(tag);
      return;
    }
    for (const outstandingTag of [...state.outstanding.keys()]) {
      if (tag === 0 || outstandingTag <= tag) state.outstanding.delete(outstandingTag);
    }
  }

  function fromClient(event: FrameEvent): void {
    const { fields } = event;
    switch (event.method) {
      case 'queue.declare':
        onReply(event, (reply) => {
          if (fields.passive === true) return;
          const name = text(reply.method === 'queue.declare-ok' ? reply.fields.queue : fields.queue);
          queues.set(name, {
            name,
            durable: fields.durable === true,
            exclusive: fields.exclusive === true,
            autoDelete: fields.autoDelete === true,
          });
        });
        break;
      case 'queue.delete':
        onReply(event, () => forgetQueue(text(fields.queue)));
        break;
      case 'exchange.declare':
        onReply(event, () => {
          if (fields.passive === true) return;
          const name = text(fields.exchange);
          exchanges.set(name, {
            name,
            type: text(fields.type),
            durable: fields.durable === true,
            autoDelete: fields.autoDelete === true,
            internal: fields.internal === true,
          });
        });
        break;
      case 'exchange.delete':
        onReply(event, () => exchanges.delete(text(fields.exchange)));
        break;
      case 'queue.bind':
      case 'queue.unbind': {
        const binding = bindingOf(text(fields.exchange), text(fields.queue), 'queue', fields);
        onReply(event, () => (event.method === 'queue.bind' ? addBinding(binding) : removeBinding(binding)));
        break;
      }
      case 'exchange.bind':
      case 'exchange.unbind': {
        const binding = bindingOf(text(fields.source), text(fields.destination), 'exchange', fields);
        onReply(event, () => (event.method === 'exchange.bind' ? addBinding(binding) : removeBinding(binding)));
        break;
      }
      case 'basic.consume':
        onReply(event, (reply) => {
          const tag = text(reply.method === 'basic.consume-ok' ? reply.fields.consumerTag : fields.consumerTag);
          channelOf(event).consumers.set(tag, fields.noAck === true ? undefined : text(fields.queue));
        });
        break;
      case 'basic.get':
        channelOf(event).pending.push({
          reply: 'basic.get-ok',
          apply: (reply) => {
            if (fields.noAck !== true) channelOf(event).outstanding.set(number(reply.fields.deliveryTag), text(fields.queue));
          },
        });
        break;
      case 'basic.ack':
      case 'basic.nack':
      case 'basic.reject':
        settle(channelOf(event), number(fields.deliveryTag), fields.multiple === true);
        break;
      case 'basic.recover':
      case 'basic.recover-async':
        channelOf(event).outstanding.clear();
        break;
    }
  }

  function fromBroker(event: FrameEvent): void {
    switch (event.method) {
      case 'basic.deliver': {
        const queue = channelOf(event).consumers.get(text(event.fields.consumerTag));
        if (queue !== undefined) channelOf(event).outstanding.set(number(event.fields.deliveryTag), queue);
        break;
      }
      case 'basic.cancel':
        channelOf(event).consumers.delete(text(event.fields.consumerTag));
        break;
      default: {
        // A reply answers the oldest request of its kind on its channel; get-empty answers a get.
        const answers = event.method === 'basic.get-empty' ? 'basic.get-ok' : event.method;
        const pending = channelOf(event).pending;
        const at = pending.findIndex((request) => request.reply === answers);
        if (at < 0) return;
        const [request] = pending.splice(at, 1);
        if (event.method !== 'basic.get-empty') request?.apply(event);
      }
    }
  }

  return {
    add(event) {
      if (event.kind !== 'frame') return;
      if (event.method === 'channel.close' || event.method === 'channel.close-ok') {
        channels.delete(`${event.actor}\u0000${event.channel}`);
        return;
      }
      if (event.method === 'connection.close' || event.method === 'connection-lost') {
        for (const key of [...channels.keys()]) if (key.startsWith(`${event.actor}\u0000`)) channels.delete(key);
        return;
      }
      if (event.direction === 'to-broker') fromClient(event);
      else fromBroker(event);
    },
    queues: () => [...queues.values()],
    exchanges: () => [...exchanges.values()],
    bindings: () => [...bindings.values()],
    unacked(queue) {
      let count = 0;
      for (const state of channels.values()) for (const from of state.outstanding.values()) if (from === queue) count += 1;
      return count;
    },
  };
}

function bindingOf(source: string, destination: string, destinationType: 'queue' | 'exchange', fields: FrameEvent['fields']): BindingState {
  const args = fields.arguments;
  return {
    source,
    destination,
    destinationType,
    routingKey: text(fields.routingKey),
    arguments: args !== null && typeof args === 'object' && !Array.isArray(args) ? args : {},
  };
}

function bindingKey(binding: BindingState): string {
  return JSON.stringify([binding.source, binding.destinationType, binding.destination, binding.routingKey, binding.arguments]);
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

function number(value: JsonValue | undefined): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}
