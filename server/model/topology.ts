/**
 * Exchanges, queues and bindings as the broker confirmed them: a request
 * takes effect at its -ok reply (or at once when sent with nowait), so a
 * declaration the broker refused never enters the state. Deleting a queue
 * drops its ready messages and its bindings; an exclusive queue goes with
 * its connection, an auto-delete queue with its last consumer, an
 * auto-delete exchange with its last binding. Used by the fold.
 */
import type { BindingState, ExchangeState, FrameFields, JsonTable } from '../protocol/trace.js';
import type { Fold } from './messages.js';
import { step } from './messages.js';
import { ReadyMessages } from './ready-messages.js';
import { DIRECT_REPLY_TO } from './routing.js';
import { bindingKey } from './state.js';
import type { QueueState, RunState } from './state.js';

/** A queue as it is before anything happened to it. */
export function newQueue(
  name: string,
  details: Partial<Pick<QueueState, 'durable' | 'exclusive' | 'autoDelete' | 'arguments' | 'owner'>>,
): QueueState {
  return {
    name,
    durable: details.durable ?? false,
    exclusive: details.exclusive ?? false,
    autoDelete: details.autoDelete ?? false,
    arguments: details.arguments ?? {},
    owner: details.owner,
    pseudo: name === DIRECT_REPLY_TO,
    exists: true,
    ready: new ReadyMessages(),
    unacked: 0,
    consumers: 0,
    hadConsumer: false,
    received: 0,
    delivered: 0,
    acked: 0,
    requeued: 0,
    deadLettered: 0,
    expired: 0,
    dropped: 0,
    lost: 0,
    recent: [],
    nextOrder: 1,
  };
}

/** exchange.declare-ok. */
export function exchangeDeclared(state: RunState, fields: FrameFields['exchange.declare']): void {
  const existing = state.exchanges.get(fields.exchange);
  if (fields.passive) {
    // A passive declare only asks whether it exists; the -ok says it does.
    if (existing !== undefined) existing.exists = true;
    else
      state.exchanges.set(
        fields.exchange,
        newExchange(fields.exchange, '', { durable: false, autoDelete: false, internal: false, arguments: {} }),
      );
    return;
  }
  if (existing?.exists === true) return;
  state.exchanges.set(
    fields.exchange,
    newExchange(fields.exchange, fields.type, {
      durable: fields.durable,
      autoDelete: fields.autoDelete,
      internal: fields.internal,
      arguments: fields.arguments,
    }),
  );
}

/**
 * An exchange a broker snapshot lists that the trace never showed being made: there before the run, or made outside it
 * (a definitions file loaded into the lab). Its arguments are not in a snapshot.
 */
export function exchangeFound(state: RunState, seen: ExchangeState): void {
  if (state.exchanges.get(seen.name)?.exists === true) return;
  const { durable, autoDelete, internal } = seen;
  state.exchanges.set(seen.name, newExchange(seen.name, seen.type, { durable, autoDelete, internal, arguments: {} }));
}

/** A binding a broker snapshot lists that the trace never showed being made; the default exchange's are implicit. */
export function bindingFound(state: RunState, seen: BindingState): void {
  const key = bindingKey(seen.source, seen.destination, seen.destinationType, seen.routingKey, seen.arguments);
  const existing = state.bindings.get(key);
  if (existing?.exists === true) return;
  state.bindings.set(key, { ...seen, implicit: seen.source === '', exists: true, matched: existing?.matched ?? 0 });
}

function newExchange(
  name: string,
  type: string,
  flags: { durable: boolean; autoDelete: boolean; internal: boolean; arguments: JsonTable },
) {
  return { name, type, ...flags, predeclared: false, exists: true, received: 0, unroutable: 0, recentUnroutable: [] };
}

/** exchange.delete-ok: the exchange and every binding from or to it are gone. */
export function exchangeDeleted(state: RunState, name: string): void {
  const exchange = state.exchanges.get(name);
  if (exchange?.exists !== true) return;
  exchange.exists = false;
  for (const binding of state.bindings.values()) {
    if (!binding.exists) continue;
    if (binding.source === name || (binding.destinationType === 'exchange' && binding.destination === name)) {
      binding.exists = false;
      if (binding.source !== name) autoDeleteExchange(state, binding.source);
    }
  }
}

/** queue.declare-ok: the queue exists under the name the broker gave it; the reply tells how many messages it holds. */
export function queueDeclared(
  fold: Fold,
  request: FrameFields['queue.declare'],
  reply: FrameFields['queue.declare-ok'] | undefined,
  connection: number,
): void {
  const { state } = fold;
  const name = reply?.queue ?? request.queue;
  if (name === '') return;
  let queue = state.queues.get(name);
  if (queue?.exists !== true) {
    queue = newQueue(name, {
      durable: request.durable,
      exclusive: request.exclusive,
      autoDelete: request.autoDelete,
      arguments: request.arguments,
      owner: request.exclusive ? connection : undefined,
    });
    if (request.passive) queue.durable = false;
    state.queues.set(name, queue);
  }
  const key = bindingKey('', name, 'queue', name, {});
  const implicit = state.bindings.get(key);
  if (implicit === undefined) {
    state.bindings.set(key, {
      source: '',
      destination: name,
      destinationType: 'queue',
      routingKey: name,
      arguments: {},
      implicit: true,
      exists: true,
      matched: 0,
    });
  } else implicit.exists = true;
  // Messages the run did not see arrive (left by an earlier program): the broker counts them, so the state does too.
  if (reply !== undefined) {
    for (let missing = reply.messageCount - queue.ready.length; missing > 0; missing -= 1) {
      queue.ready.push({ message: 0, body: '', order: queue.nextOrder, redelivered: false, persistent: false });
      queue.nextOrder += 1;
    }
  }
}

/** queue.delete-ok, or an exclusive or auto-delete queue going away: its ready messages are dropped, its bindings go. */
export function queueDeleted(fold: Fold, name: string, reason: string): void {
  const { state } = fold;
  const queue = state.queues.get(name);
  if (queue?.exists !== true) return;
  queue.exists = false;
  for (const copy of queue.ready) {
    if (copy.message !== 0) step(fold, copy.message, { kind: 'dropped', queue: name, reason });
  }
  queue.dropped += queue.ready.length;
  // The run's count of dropped messages includes them, as the queue's own count in the picture does.
  state.counts.dropped += queue.ready.length;
  queue.ready.clear();
  queue.consumers = 0;
  // Its unacknowledged messages went with it: acks for them no longer matter.
  queue.unacked = 0;
  for (const binding of state.bindings.values()) {
    if (binding.exists && binding.destinationType === 'queue' && binding.destination === name) {
      binding.exists = false;
      if (!binding.implicit) autoDeleteExchange(state, binding.source);
    }
  }
  // The broker cancels the consumers of a deleted queue.
  for (const connection of state.connections.values()) {
    for (const channel of connection.channels.values()) {
      for (const consumer of channel.consumers.values()) if (consumer.queue === name) consumer.active = false;
    }
  }
}

/** queue.purge-ok: the ready messages are gone (unacknowledged ones stay with their channels). */
export function queuePurged(fold: Fold, name: string): void {
  const queue = fold.state.queues.get(name);
  if (queue === undefined) return;
  for (const copy of queue.ready) {
    if (copy.message !== 0) step(fold, copy.message, { kind: 'dropped', queue: name, reason: `${name} was purged` });
  }
  queue.dropped += queue.ready.length;
  // The run's count of dropped messages includes them, as the queue's own count in the picture does.
  fold.state.counts.dropped += queue.ready.length;
  queue.ready.clear();
}

/** queue.bind-ok / exchange.bind-ok. */
export function bound(
  state: RunState,
  binding: { source: string; destination: string; destinationType: 'queue' | 'exchange'; routingKey: string; arguments: JsonTable },
): void {
  const key = bindingKey(binding.source, binding.destination, binding.destinationType, binding.routingKey, binding.arguments);
  const existing = state.bindings.get(key);
  if (existing !== undefined) existing.exists = true;
  else state.bindings.set(key, { ...binding, implicit: false, exists: true, matched: 0 });
}

/** queue.unbind-ok / exchange.unbind-ok. */
export function unbound(
  state: RunState,
  binding: { source: string; destination: string; destinationType: 'queue' | 'exchange'; routingKey: string; arguments: JsonTable },
): void {
  const found = state.bindings.get(
    bindingKey(binding.source, binding.destination, binding.destinationType, binding.routingKey, binding.arguments),
  );
  if (found?.exists !== true) return;
  found.exists = false;
  autoDeleteExchange(state, binding.source);
}

/** An auto-delete exchange goes when its last binding does. */
function autoDeleteExchange(state: RunState, name: string): void {
  const exchange = state.exchanges.get(name);
  if (exchange?.exists !== true || !exchange.autoDelete) return;
  for (const binding of state.bindings.values()) if (binding.exists && binding.source === name) return;
  exchangeDeleted(state, name);
}

/** A consumer of a queue went away: an auto-delete queue goes with its last one. */
export function consumerGone(fold: Fold, name: string): void {
  const queue = fold.state.queues.get(name);
  if (queue?.exists !== true) return;
  queue.consumers = Math.max(0, queue.consumers - 1);
  if (queue.pseudo) {
    if (queue.consumers === 0) queue.exists = false;
    return;
  }
  if (queue.autoDelete && queue.hadConsumer && queue.consumers === 0)
    queueDeleted(fold, name, `${name} was deleted with its last consumer (auto-delete)`);
}

/** A connection ended: the exclusive queues it declared go with it. */
export function connectionGone(fold: Fold, connection: number): void {
  for (const queue of fold.state.queues.values()) {
    if (queue.exists && queue.owner === connection)
      queueDeleted(fold, queue.name, `${queue.name} was exclusive to a connection that closed`);
  }
}
