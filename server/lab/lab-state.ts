/**
 * What the lab's vhost holds now, for the broker panel and the picture: the
 * embedded broker says exactly; a RabbitMQ says through its management API
 * (its message counts lag by a few seconds, as its own UI's do).
 */
import type { BrokerTarget } from '../broker-connection.js';
import { embeddedState } from '../runs/embedded-space.js';
import { managementApiFor } from '../runs/management-api.js';
import { managedTopology } from '../runs/rabbitmq-space.js';
import type { BrokerState } from '../runs/run-space.js';

/** Reads the state of `vhost` on `broker`; undefined when the broker cannot be asked (no management API). */
export function labStateReader(broker: BrokerTarget, vhost: string, managementUrl?: string): () => Promise<BrokerState | undefined> {
  const embedded = broker.embedded;
  if (embedded !== undefined) return async () => embeddedState(embedded, vhost);
  const api = managementApiFor(broker.url, managementUrl);
  return async () => {
    try {
      const [queues, exchanges, bindings] = await Promise.all([api.queues(vhost), api.exchanges(vhost), api.bindings(vhost)]);
      return {
        queues: queues.map((queue) => ({
          name: queue.name,
          messagesReady: queue.messages_ready ?? 0,
          messagesUnacknowledged: queue.messages_unacknowledged ?? 0,
          consumers: queue.consumers ?? 0,
          durable: queue.durable,
          exclusive: queue.exclusive === true,
          autoDelete: queue.auto_delete,
        })),
        ...managedTopology(exchanges, bindings),
      };
    } catch {
      // Without the management API the lab shows what passes through it, which is what matters most.
      return undefined;
    }
  };
}
