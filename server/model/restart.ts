/**
 * What a broker keeps across a restart, as the model folds it: every
 * connection is gone (what its channels held unacknowledged went back to
 * its queues first), transient queues and exchanges are gone with their
 * bindings, and a durable queue keeps only its persistent messages. The
 * broker's own snapshot taken once it is back then says what it really has.
 */
import type { Fold } from './messages.js';
import { step } from './messages.js';
import { ReadyMessages } from './ready-messages.js';
import { exchangeDeleted, queueDeleted } from './topology.js';

/** Why a message or a queue is gone, in a learner's words. */
const TRANSIENT_QUEUE = 'the queue was not durable: it did not survive the broker restart';
const TRANSIENT_MESSAGE = 'the message was not persistent: it did not survive the broker restart';

/**
 * The broker is back from a restart. `closeConnection` ends a connection as
 * its close does, giving back what it held.
 */
export function brokerRestarted(fold: Fold, closeConnection: (id: number) => void): void {
  const { state } = fold;
  state.restarts += 1;
  for (const connection of state.connections.values()) {
    if (connection.endedAt === undefined) closeConnection(connection.id);
  }
  for (const queue of state.queues.values()) {
    if (!queue.exists || queue.pseudo) continue;
    if (!queue.durable) {
      queueDeleted(fold, queue.name, TRANSIENT_QUEUE);
      continue;
    }
    dropTransientMessages(fold, queue.name);
    queue.consumers = 0;
    queue.unacked = 0;
  }
  for (const exchange of state.exchanges.values()) {
    if (exchange.exists && !exchange.durable && !isPredeclared(exchange.name)) exchangeDeleted(state, exchange.name);
  }
}

/** The default exchange and the amq.* exchanges are declared by the broker itself, and come back with it. */
function isPredeclared(name: string): boolean {
  return name === '' || name.startsWith('amq.');
}

function dropTransientMessages(fold: Fold, name: string): void {
  const queue = fold.state.queues.get(name);
  if (queue === undefined) return;
  const kept = new ReadyMessages();
  for (const copy of queue.ready) {
    if (copy.persistent) {
      kept.push(copy);
      continue;
    }
    if (copy.message !== 0) step(fold, copy.message, { kind: 'dropped', queue: name, reason: TRANSIENT_MESSAGE });
    queue.dropped += 1;
    fold.state.counts.dropped += 1;
  }
  queue.ready = kept;
}
