/**
 * Builds a starting broker's virtual hosts from what its data directory
 * kept: durable exchanges and queues, their bindings, and the persistent
 * messages of each queue in their order.
 *
 * The redelivered flag follows RabbitMQ 3.10. A classic queue marks a
 * message delivered when it is first handed out; after a clean stop the
 * messages handed out before come back redelivered and the others do not,
 * and after a crash every message comes back redelivered (the queue cannot
 * know which deliveries were lost). A quorum queue counts returns: each
 * hand-out that was never settled counts once, so a message handed out
 * before the restart comes back with x-delivery-count at least 1.
 */
import type { Broker } from '../broker.js';
import { createExchange, isExchangeType } from '../exchanges/index.js';
import { tableKey } from '../field-values.js';
import { validateQueueArguments } from '../queue-arguments.js';
import { Queue } from '../queue.js';
import type { BrokerStore, StoredBinding } from './store.js';

/** Reads the store back into the broker, then lets its virtual hosts write to it. */
export function restoreFromStore(broker: Broker, store: BrokerStore): void {
  const state = store.takeRecovered();
  for (const name of state.vhosts) broker.addVhost(name);
  for (const stored of state.exchanges) {
    const vhost = broker.vhosts.get(stored.vhost);
    if (vhost === undefined || !isExchangeType(stored.type) || vhost.exchanges.has(stored.name)) continue;
    const { autoDelete, internal } = stored;
    vhost.exchanges.set(
      stored.name,
      createExchange(stored.name, stored.type, { durable: true, autoDelete, internal, arguments: stored.arguments }),
    );
  }
  const queuesById = new Map<number, Queue>();
  for (const stored of state.queues) {
    const vhost = broker.vhosts.get(stored.vhost);
    if (vhost === undefined) continue;
    const flags = { durable: true, exclusive: false, autoDelete: stored.autoDelete };
    const settings = validateQueueArguments(stored.name, stored.vhost, stored.arguments, flags);
    const declaration = { durable: true, autoDelete: stored.autoDelete, exclusiveOwner: undefined, arguments: stored.arguments };
    const queue = new Queue(stored.name, vhost, declaration, settings);
    queue.storeQueueId = stored.id;
    vhost.queues.set(stored.name, queue);
    queuesById.set(stored.id, queue);
  }
  for (const binding of state.bindings) restoreBinding(broker, binding);
  for (const { queueId, message } of state.messages) {
    const queue = queuesById.get(queueId);
    if (queue === undefined) {
      store.messageRemoved(message);
      continue;
    }
    message.deliveryCount = queue.settings.type === 'quorum' ? message.handedOut : message.handedOut > 0 || !state.stoppedCleanly ? 1 : 0;
    queue.restore(message);
  }
  for (const queue of queuesById.values()) queue.restored();
  for (const vhost of broker.vhosts.values()) vhost.store = store;
}

function restoreBinding(broker: Broker, stored: StoredBinding): void {
  const vhost = broker.vhosts.get(stored.vhost);
  const source = vhost?.exchanges.get(stored.source);
  const destination = stored.destinationType === 'queue' ? vhost?.queues.get(stored.destination) : vhost?.exchanges.get(stored.destination);
  if (source === undefined || destination === undefined) return;
  const { routingKey, arguments: args } = stored;
  source.addBinding({ source: source.name, destination, routingKey, arguments: args, argumentsKey: tableKey(args) });
}
