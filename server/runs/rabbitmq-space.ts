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
import type { ManagementApi, ManagedQueue } from './management-api.js';
import type { BrokerState, RunSpace } from './run-space.js';
import type { RunVhosts } from './run-vhosts.js';
import type { DeclaredQueue, TraceTopology } from './trace-topology.js';

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
  topology: TraceTopology,
  signal?: AbortSignal,
): Promise<RunSpace> {
  await vhosts.open(vhost, signal);
  const direct = directConnection(address, vhost);
  return {
    vhost,
    async snapshot() {
      const [listed, exchanges, bindings] = await Promise.all([api.queues(vhost), api.exchanges(vhost), api.bindings(vhost)]);
      const known = new Map<string, DeclaredQueue & Partial<ManagedQueue>>();
      for (const queue of topology.queues()) known.set(queue.name, queue);
      for (const queue of listed) {
        known.set(queue.name, { ...queue, autoDelete: queue.auto_delete, exclusive: queue.exclusive === true });
      }
      return {
        queues: await countQueues([...known.values()], direct, topology),
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
    },
    async release() {
      await direct.close();
      await vhosts.release(vhost);
    },
  };
}

/** Uses the URL's own vhost, shared with whatever else is there; cleans up by name. */
export function openSharedSpace(address: RabbitAddress, topology: TraceTopology): RunSpace {
  const direct = directConnection(address, address.vhost);
  return {
    vhost: address.vhost,
    async snapshot() {
      return {
        queues: await countQueues(topology.queues(), direct, topology),
        exchanges: topology.exchanges(),
        bindings: topology.bindings(),
      };
    },
    async release() {
      // Connections are closed by now, so exclusive queues are already gone; the rest go here.
      for (const queue of topology.queues()) await direct.use((channel) => channel.deleteQueue(queue.name));
      for (const exchange of topology.exchanges()) {
        if (exchange.name !== '' && !exchange.name.startsWith('amq.')) await direct.use((channel) => channel.deleteExchange(exchange.name));
      }
      await direct.close();
    },
  };
}

async function countQueues(
  queues: (DeclaredQueue & Partial<ManagedQueue>)[],
  direct: DirectConnection,
  topology: TraceTopology,
): Promise<QueueState[]> {
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
      messagesUnacknowledged: topology.unacked(queue.name),
      consumers: check?.consumerCount ?? queue.consumers ?? 0,
      durable: queue.durable,
      exclusive: queue.exclusive,
      autoDelete: queue.autoDelete,
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
