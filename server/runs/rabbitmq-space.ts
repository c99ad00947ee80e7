/**
 * A run's space on RabbitMQ. With the management API, a vhost of its own,
 * made and deleted over HTTP (run-vhosts.ts). Without it, the AMQP URL's own vhost, shared
 * (the runner then runs one run at a time) and cleared by deleting what the
 * trace shows the run declared.
 *
 * Snapshots list names from the management API when there is one, from the
 * trace otherwise. Counts come from passive declares, which are exact at
 * once, where the management API's statistics lag by up to five seconds;
 * unacknowledged counts come from the trace for the same reason. Exclusive
 * queues refuse passive declares from other connections, so theirs are the
 * management API's (or zero without it).
 */
import amqp from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';
import { connect as openSocket } from 'node:net';
import type { QueueState } from '../protocol/index.js';
import type { ManagedBinding, ManagedExchange, ManagementApi } from './management-api.js';
import type { BrokerState, RunSpace } from './run-space.js';
import type { RunVhosts } from './run-vhosts.js';
import { listBindings, listExchanges, listQueues, type QueueRow } from '../model/rabbitmqctl.js';
import type { RunModel } from '../model/run-model.js';

/** Where a RabbitMQ is and who the runs log in as, from its AMQP URL. */
export interface RabbitAddress {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The URL's own vhost ('/' when it names none). */
  vhost: string;
  protocol: 'amqp:' | 'amqps:';
}

/** Reads the parts of an AMQP URL a run needs. */
export function rabbitAddress(amqpUrl: string): RabbitAddress {
  const url = new URL(amqpUrl);
  const protocol = url.protocol === 'amqps:' ? 'amqps:' : 'amqp:';
  return {
    host: url.hostname,
    port: Number(url.port || (protocol === 'amqps:' ? 5671 : 5672)),
    user: decodeURIComponent(url.username || 'guest'),
    password: decodeURIComponent(url.password || 'guest'),
    vhost: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : '/',
    protocol,
  };
}

/** An AMQP URL for `address` in `vhost` at another host and port (a tap's) when given. */
export function amqpUrlFor(address: RabbitAddress, vhost: string, at?: { host: string; port: number }): string {
  const credentials = `${encodeURIComponent(address.user)}:${encodeURIComponent(address.password)}`;
  const protocol = at === undefined ? address.protocol : 'amqp:';
  return `${protocol}//${credentials}@${at?.host ?? address.host}:${at?.port ?? address.port}/${encodeURIComponent(vhost)}`;
}

/** Resolves when a TCP connection to host:port opens; rejects with the socket's error (code ECONNREFUSED, ...). */
export function checkReachable(host: string, port: number, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = openSocket({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: 'ETIMEDOUT' }));
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Makes the vhost `vhost` for one run (see run-vhosts.ts); looks into it through the management API. */
export async function openManagedSpace(
  api: ManagementApi,
  vhosts: RunVhosts,
  address: RabbitAddress,
  vhost: string,
  model: RunModel,
  signal?: AbortSignal,
): Promise<RunSpace> {
  await vhosts.open(vhost, signal);
  const direct = directConnection(address, vhost);
  return {
    vhost,
    async snapshot() {
      const [listed, exchanges, bindings] = await Promise.all([api.queues(vhost), api.exchanges(vhost), api.bindings(vhost)]);
      const known = new Map<string, KnownQueue>();
      for (const queue of listQueues(model.state)) known.set(queue.name, queue);
      for (const queue of listed) known.set(queue.name, { ...queue, exclusive: queue.exclusive === true });
      return {
        queues: await countQueues([...known.values()], direct, model),
        ...managedTopology(exchanges, bindings),
      };
    },
    async release() {
      await direct.close();
      await vhosts.release(vhost);
    },
  };
}

/** Exchanges and bindings as the management API lists them, as a 'state' event has them. */
export function managedTopology(exchanges: ManagedExchange[], bindings: ManagedBinding[]): Pick<BrokerState, 'exchanges' | 'bindings'> {
  return {
    exchanges: exchanges.map((exchange) => ({
      name: exchange.name,
      type: exchange.type,
      durable: exchange.durable,
      autoDelete: exchange.auto_delete,
      internal: exchange.internal,
    })),
    bindings: bindings.map((binding) => ({
      source: binding.source,
      destination: binding.destination,
      destinationType: binding.destination_type,
      routingKey: binding.routing_key,
      arguments: binding.arguments as BrokerState['bindings'][number]['arguments'],
    })),
  };
}

/** Uses the URL's own vhost, shared with whatever else is there; cleans up by name. */
export function openSharedSpace(address: RabbitAddress, model: RunModel): RunSpace {
  const direct = directConnection(address, address.vhost);
  return {
    vhost: address.vhost,
    async snapshot() {
      return {
        queues: await countQueues(listQueues(model.state), direct, model),
        exchanges: listExchanges(model.state)
          .filter((exchange) => !model.state.exchanges.get(exchange.name)?.predeclared)
          .map((exchange) => ({
            name: exchange.name,
            type: exchange.type,
            durable: exchange.durable,
            autoDelete: exchange.auto_delete,
            internal: exchange.internal,
          })),
        bindings: listBindings(model.state)
          .filter((binding) => binding.source_name !== '')
          .map((binding) => ({
            source: binding.source_name,
            destination: binding.destination_name,
            destinationType: binding.destination_kind,
            routingKey: binding.routing_key,
            arguments: binding.arguments,
          })),
      };
    },
    async release() {
      // Connections are closed by now, so exclusive queues are already gone; the rest go here.
      for (const queue of listQueues(model.state)) await direct.use((channel) => channel.deleteQueue(queue.name));
      for (const exchange of model.state.exchanges.values()) {
        if (exchange.exists && !exchange.predeclared && !exchange.name.startsWith('amq.')) {
          await direct.use((channel) => channel.deleteExchange(exchange.name));
        }
      }
      await direct.close();
    },
  };
}

/** A queue the run declared (as the model lists it) or the management API lists. */
type KnownQueue = Pick<QueueRow, 'name' | 'durable' | 'auto_delete' | 'exclusive'> & { messages_ready?: number; consumers?: number };

async function countQueues(queues: KnownQueue[], direct: DirectConnection, model: RunModel): Promise<QueueState[]> {
  const checked = new Map<string, { messageCount: number; consumerCount: number } | undefined>();
  for (const queue of queues) {
    if (!queue.exclusive) checked.set(queue.name, await direct.use((channel) => channel.checkQueue(queue.name)));
  }
  // Unacknowledged counts come from the trace, read after the last wait: the snapshot takes its place in the
  // trace right after this, so they count exactly the deliveries and acks before it.
  const counted: QueueState[] = [];
  for (const queue of queues) {
    const check = checked.get(queue.name);
    // Gone since it was declared (auto-delete, deleted): not part of the picture any more.
    if (checked.has(queue.name) && check === undefined) continue;
    counted.push({
      name: queue.name,
      messagesReady: check?.messageCount ?? queue.messages_ready ?? 0,
      messagesUnacknowledged: model.state.queues.get(queue.name)?.unacked ?? 0,
      consumers: check?.consumerCount ?? queue.consumers ?? 0,
      durable: queue.durable,
      exclusive: queue.exclusive,
      autoDelete: queue.auto_delete,
    });
  }
  return counted.sort((a, b) => a.name.localeCompare(b.name));
}

/** A connection of the runner's own, outside the tap (so it stays out of the trace), for looking and cleaning up. */
interface DirectConnection {
  /** Runs `work` on a channel; undefined if the broker closed the channel over it (a 404 for a queue that is gone). */
  use<T>(work: (channel: Channel) => Promise<T>): Promise<T | undefined>;
  close(): Promise<void>;
}

function directConnection(address: RabbitAddress, vhost: string): DirectConnection {
  let connection: Promise<ChannelModel> | undefined;
  let channel: Promise<Channel> | undefined;

  async function openChannel(): Promise<Channel> {
    connection ??= amqp
      .connect(amqpUrlFor(address, vhost), { clientProperties: { connection_name: 'warren runner' }, timeout: 5000 })
      .then((model) => {
        model.on('error', () => {});
        return model;
      });
    const opened = await (await connection).createChannel();
    // A refused passive declare closes the channel (use() then opens another); nobody else listens.
    opened.on('error', () => {});
    return opened;
  }

  return {
    async use(work) {
      channel ??= openChannel();
      const open = await channel;
      try {
        return await work(open);
      } catch (error) {
        channel = undefined;
        if (typeof (error as { code?: unknown }).code === 'number') return undefined;
        connection = undefined;
        throw error;
      }
    },
    async close() {
      const opened = connection;
      connection = undefined;
      channel = undefined;
      if (opened !== undefined) await (await opened).close().catch(() => {});
    },
  };
}
