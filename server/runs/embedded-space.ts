/**
 * A run's space on the embedded broker: a vhost of its own, made and
 * deleted in-process, whose state the broker reports exactly.
 */
import type { BrokerTarget } from '../broker-connection.js';
import type { JsonValue } from '../protocol/index.js';
import { toJson } from '../tap/render.js';
import type { BrokerState, RunSpace } from './run-space.js';

/** The in-process broker, as the workbook holds it. */
export type EmbeddedBroker = NonNullable<BrokerTarget['embedded']>;

/** Adds the vhost `vhost` to `broker` for one run. */
export function openEmbeddedSpace(broker: EmbeddedBroker, vhost: string): RunSpace {
  broker.addVhost(vhost);
  return {
    vhost,
    snapshot: async () => embeddedState(broker, vhost),
    release: async () => {
      broker.deleteVhost(vhost);
    },
  };
}

/** What `vhost` of the embedded broker holds now. */
export function embeddedState(broker: EmbeddedBroker, vhost: string): BrokerState {
  const snapshot = broker.snapshot(vhost);
  return {
    queues: snapshot.queues.map(({ name, messagesReady, messagesUnacknowledged, consumers, durable, exclusive, autoDelete }) => ({
      name,
      messagesReady,
      messagesUnacknowledged,
      consumers,
      durable,
      exclusive,
      autoDelete,
    })),
    exchanges: snapshot.exchanges.map(({ name, type, durable, autoDelete, internal }) => ({ name, type, durable, autoDelete, internal })),
    bindings: snapshot.bindings.map((binding) => ({
      source: binding.source,
      destination: binding.destination,
      destinationType: binding.destinationType,
      routingKey: binding.routingKey,
      arguments: toJson(binding.arguments) as Record<string, JsonValue>,
    })),
  };
}
