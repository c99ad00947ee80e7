/**
 * Warren's embedded AMQP 0-9-1 broker: start one, point any AMQP client at
 * its URL, look inside it with snapshot(), and listen to what it does
 * through events.
 *
 *   const broker = await startBroker({ port: 0 });
 *   const connection = await amqp.connect(broker.url);
 */
import { Broker } from './broker.js';
import type { BrokerEvents } from './events.js';
import { plainTable } from './field-values.js';
import type { MemoryUse } from './memory-alarm.js';
export { describeMemoryAlarm } from './memory-alarm.js';
export { DEFAULT_MEMORY_LIMIT, MemoryLimitError, formatBytes, parseMemoryLimit } from './memory-limit.js';
import { DEFAULT_MEMORY_LIMIT } from './memory-limit.js';
import { listen } from './server.js';
import type { BrokerSnapshot } from './vhost.js';

export type { BrokerEventMap, BindingInfo, DeadLetterReason } from './events.js';
export type { BrokerEvents } from './events.js';
export type { BrokerSnapshot, ExchangeSnapshot, QueueSnapshot } from './vhost.js';
export type { MemoryUse } from './memory-alarm.js';

/** How to run the broker; everything is optional. */
export interface BrokerOptions {
  /** Address to listen on; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port; default 5673 so it never collides with a RabbitMQ on 5672. 0 picks any free port. */
  port?: number;
  /** Users who may log in; default guest/guest. */
  users?: { username: string; password: string }[];
  /** Virtual hosts; default ['/']. */
  vhosts?: string[];
  /** Heartbeat interval in seconds proposed in connection.tune; default 60. */
  heartbeat?: number;
  /** Largest frame proposed in connection.tune; default 131072. */
  frameMax?: number;
  /** Most channels per connection proposed in connection.tune; default 2047. */
  channelMax?: number;
  /** Users who may only log in from a loopback address; default ['guest'], as in RabbitMQ. */
  loopbackUsers?: string[];
  /** Memory high watermark in bytes: above it, publishing connections are blocked; default 512 MiB. */
  memoryLimit?: number;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  readonly host: string;
  readonly port: number;
  /** amqp://guest:guest@host:port (the first user's credentials). */
  readonly url: string;
  /** Creates a virtual host (no-op if it exists). */
  addVhost(name: string): void;
  /** Deletes a virtual host and everything in it; connections to it are closed. */
  deleteVhost(name: string): void;
  /** Queues, exchanges and bindings of a virtual host (default '/') as plain data. */
  snapshot(vhost?: string): BrokerSnapshot;
  /** What only the broker knows: routing decisions, drops, dead-lettering, requeues, the memory alarm. */
  readonly events: BrokerEvents;
  /** The memory the broker holds against its limit, measured now. */
  memory(): MemoryUse;
  /** Changes the memory limit (bytes) and checks at once, like rabbitmqctl set_vm_memory_high_watermark. */
  setMemoryLimit(bytes: number): MemoryUse;
  /**
   * How many frames it has read from clients and acted on: applied, answered,
   * or refused with an error. Bytes after a frame that ended its connection
   * are never read as frames, and do not count.
   */
  framesHandled(): number;
  /** Bytes read (and handled) so far from the client connected from `port` on this machine; undefined if none is. */
  bytesReadFrom(port: number): number | undefined;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts an embedded broker and resolves once it listens. */
export async function startBroker(options: BrokerOptions = {}): Promise<EmbeddedBroker> {
  const users = options.users ?? [{ username: 'guest', password: 'guest' }];
  const broker = new Broker(
    {
      users,
      loopbackUsers: options.loopbackUsers ?? ['guest'],
      vhosts: options.vhosts ?? ['/'],
      memoryLimit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
    },
    { heartbeat: options.heartbeat ?? 60, frameMax: options.frameMax ?? 131072, channelMax: options.channelMax ?? 2047 },
  );
  const host = options.host ?? '127.0.0.1';
  const server = await listen(broker, host, options.port ?? 5673);
  const first = users[0];
  const credentials = first === undefined ? '' : `${encodeURIComponent(first.username)}:${encodeURIComponent(first.password)}@`;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port: server.port,
    url: `amqp://${credentials}${urlHost}:${server.port}`,
    events: broker.events,
    addVhost: (name) => broker.addVhost(name),
    deleteVhost: (name) => broker.deleteVhost(name),
    memory: () => broker.memory.check(),
    setMemoryLimit: (bytes) => broker.memory.setLimit(bytes),
    framesHandled: () => broker.framesHandled,
    bytesReadFrom: (port) => [...broker.connections].find((connection) => connection.clientPort === port)?.bytesRead,
    snapshot: (vhost = '/') => {
      const found = broker.vhosts.get(vhost);
      if (!found) throw new Error(`no vhost '${vhost}'; vhosts are: ${[...broker.vhosts.keys()].join(', ')}`);
      const snapshot = found.snapshot();
      for (const queue of snapshot.queues) queue.arguments = plainTable(queue.arguments) as typeof queue.arguments;
      return snapshot;
    },
    close: async () => {
      broker.memory.stop();
      await server.close();
      for (const name of [...broker.vhosts.keys()]) broker.vhosts.get(name)?.close();
    },
  };
}
