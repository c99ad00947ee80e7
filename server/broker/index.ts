/**
 * Warren's embedded AMQP 0-9-1 broker: start one, point any AMQP client at
 * its URL, look inside it with snapshot(), and listen to what it does
 * through events.
 *
 *   const broker = await startBroker({ port: 0 });
 *   const connection = await amqp.connect(broker.url);
 */
import { buildAccessRecords, type PermissionOption, type UserOption } from './access/initial-records.js';
import type { AccessRecords } from './access/records.js';
import type { UserStore } from './access/user-store.js';
import { DEFAULT_LOOPBACK_USERS } from './auth.js';
import { Broker, DEFAULT_CONSUMER_TIMEOUT } from './broker.js';
import { BrokerEvents } from './events.js';
import { plainTable } from './field-values.js';
import type { MemoryUse } from './memory-alarm.js';
export { describeMemoryAlarm } from './memory-alarm.js';
export { DEFAULT_MEMORY_LIMIT, MemoryLimitError, formatBytes, parseMemoryLimit } from './memory-limit.js';
import { DEFAULT_MEMORY_LIMIT, parseMemoryLimit } from './memory-limit.js';
import { listen } from './server.js';
import { BrokerStore } from './storage/store.js';
export { DataDirectoryLockedError } from './storage/lock.js';
export { DataDirError, defaultDataDir, checkDataDir } from './data-dir.js';
import type { BrokerSnapshot } from './vhost.js';

export { AccessError } from './access/user-store.js';
export type { UserListing, PermissionListing } from './access/user-store.js';
export type { AccessRecords, PermissionRecord, UserRecord } from './access/records.js';
export type { PermissionOption, UserOption } from './access/initial-records.js';
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
  /**
   * Users who may log in; default guest/guest tagged administrator. The first is the one in `url`.
   * With a data directory, only where a new one begins (see dataDir).
   */
  users?: UserOption[];
  /** Virtual hosts; default ['/']. With a data directory, only where a new one begins (see dataDir). */
  vhosts?: string[];
  /** What each user may do in each vhost; default: every user may configure, write and read everything in every vhost. */
  permissions?: PermissionOption[];
  /** Users and permissions as records() gave them (saved before); they replace `users` and `permissions`. */
  access?: AccessRecords;
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
  /**
   * RabbitMQ's consumer_timeout in milliseconds: a delivery on a manual-acknowledgement channel left unacknowledged
   * longer closes its channel (406 PRECONDITION_FAILED); default 1,800,000 (30 minutes). Read by a channel as it opens.
   */
  consumerTimeoutMs?: number;
  /** RabbitMQ's channel_tick_interval in milliseconds: how often each channel checks consumer_timeout; default 60,000. */
  consumerTimeoutCheckMs?: number;
  /**
   * Directory to keep vhosts, users and permissions, durable exchanges and
   * queues, bindings and persistent messages in, so they survive a
   * restart; created if missing. Without it the broker keeps everything in
   * memory only. As on RabbitMQ, `vhosts`, `users`, `permissions` and
   * `access` only make a new directory's first records: once it holds
   * users, the broker has those and the vhosts it holds.
   */
  dataDir?: string;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  readonly host: string;
  readonly port: number;
  /** amqp://guest:guest@host:port (the first user's credentials). */
  readonly url: string;
  /**
   * Creates a virtual host (no-op if it exists) and lets the first user (the
   * one in `url`) configure, write and read everything in it, as RabbitMQ's
   * management API does for the user who creates a vhost.
   */
  addVhost(name: string): void;
  /** Names of the virtual hosts (rabbitmqctl list_vhosts). */
  listVhosts(): string[];
  /**
   * Users and permissions, changed and listed like rabbitmqctl does
   * (addUser, deleteUser, changePassword, setUserTags, listUsers,
   * setPermissions, clearPermissions, listPermissions, listUserPermissions);
   * records() gives them all as plain JSON to save. Refusals throw AccessError.
   */
  readonly users: UserAdministration;
  /** Deletes a virtual host and everything in it; connections to it are closed. */
  deleteVhost(name: string): void;
  /** Queues, exchanges and bindings of a virtual host (default '/') as plain data. */
  snapshot(vhost?: string): BrokerSnapshot;
  /** What only the broker knows: routing decisions, drops, dead-lettering, requeues, the memory alarm. */
  readonly events: BrokerEvents;
  /** The memory the broker holds against its limit, measured now. */
  memory(): MemoryUse;
  /**
   * Changes the memory limit and checks at once, like rabbitmqctl
   * set_vm_memory_high_watermark: bytes, or text such as '64MiB' or '0.4' (a
   * fraction of this machine's memory). A bad limit throws MemoryLimitError
   * naming what is allowed, and leaves the limit as it was.
   */
  setMemoryLimit(limit: number | string): MemoryUse;
  /**
   * How many frames it has read from clients and acted on: applied, answered,
   * or refused with an error. Bytes after a frame that ended its connection
   * are never read as frames, and do not count.
   */
  framesHandled(): number;
  /** Bytes read (and handled) so far from the client connected from `port` on this machine; undefined if none is. */
  bytesReadFrom(port: number): number | undefined;
  /** Where it keeps what survives a restart; undefined when it keeps everything in memory. */
  readonly dataDir: string | undefined;
  /**
   * Restarts the broker in place, as rabbitmqctl stop_app and start_app
   * do: every connection is closed (320 CONNECTION_FORCED, "broker forced
   * connection closure with reason 'shutdown'"), then the broker starts
   * again on the same port from its data directory. Vhosts, users and
   * permissions, durable exchanges and queues, their bindings and
   * persistent messages come back; the rest is gone. A broker without a
   * data directory comes back empty, with only its vhosts, users and
   * permissions. Clients that connect meanwhile wait until it is back.
   * The memory limit set last is kept.
   */
  restart(): Promise<void>;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/** What EmbeddedBroker.users offers: the store's public changes and lists. */
export type UserAdministration = Pick<
  UserStore,
  | 'addUser'
  | 'deleteUser'
  | 'changePassword'
  | 'setUserTags'
  | 'listUsers'
  | 'setPermissions'
  | 'clearPermissions'
  | 'listPermissions'
  | 'listUserPermissions'
  | 'records'
>;

/** Starts an embedded broker and resolves once it listens. */
export async function startBroker(options: BrokerOptions = {}): Promise<EmbeddedBroker> {
  const users = options.users ?? [{ username: 'guest', password: 'guest', tags: ['administrator'] }];
  const dataDir = options.dataDir;
  const events = new BrokerEvents();
  const memoryLimit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
  const tuning = { heartbeat: options.heartbeat ?? 60, frameMax: options.frameMax ?? 131072, channelMax: options.channelMax ?? 2047 };
  const loopbackUsers = options.loopbackUsers ?? DEFAULT_LOOPBACK_USERS;
  const consumerTimeout = {
    timeoutMs: options.consumerTimeoutMs ?? DEFAULT_CONSUMER_TIMEOUT.timeoutMs,
    checkEveryMs: options.consumerTimeoutCheckMs ?? DEFAULT_CONSUMER_TIMEOUT.checkEveryMs,
  };
  const makeBroker = (
    limit: number,
    initialVhosts: readonly string[],
    initialAccess: (vhosts: readonly string[]) => AccessRecords,
  ): Broker => {
    const store = dataDir === undefined ? undefined : new BrokerStore(dataDir);
    try {
      return new Broker({ initialAccess, loopbackUsers, initialVhosts, memoryLimit: limit, store, events, consumerTimeout }, tuning);
    } catch (error) {
      void store?.close();
      throw error;
    }
  };
  const vhosts = options.vhosts ?? ['/'];
  const given = options.access;
  let broker = makeBroker(memoryLimit, vhosts, (vhostsThen) => given ?? buildAccessRecords(users, vhostsThen, options.permissions));
  const first = given === undefined ? users[0] : undefined;
  // As RabbitMQ's management API does for whoever creates a vhost.
  const letFirstUserIn = (name: string): void => {
    if (first !== undefined && broker.users.hasUser(first.username)) {
      broker.users.setPermissions({ user: first.username, vhost: name, configure: '.*', write: '.*', read: '.*' });
    }
  };
  const host = options.host ?? '127.0.0.1';
  let server;
  try {
    server = await listen(broker, host, options.port ?? 5673);
  } catch (error) {
    broker.memory.stop();
    await broker.store?.close();
    throw error;
  }
  const stop = async (): Promise<void> => {
    broker.memory.stop();
    for (const name of [...broker.vhosts.keys()]) broker.vhosts.get(name)?.close();
    await broker.store?.close();
  };
  let restarting: Promise<void> | undefined;
  const credentials = first === undefined ? '' : `${encodeURIComponent(first.username)}:${encodeURIComponent(first.password)}@`;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port: server.port,
    url: `amqp://${credentials}${urlHost}:${server.port}`,
    events,
    dataDir,
    addVhost: (name) => {
      broker.addVhost(name);
      letFirstUserIn(name);
    },
    listVhosts: () => [...broker.vhosts.keys()],
    get users() {
      return broker.users;
    },
    deleteVhost: (name) => broker.deleteVhost(name),
    memory: () => broker.memory.check(),
    setMemoryLimit: (limit) => broker.memory.setLimit(typeof limit === 'string' ? parseMemoryLimit(limit) : limit),
    framesHandled: () => broker.framesHandled,
    bytesReadFrom: (port) => [...broker.connections].find((connection) => connection.clientPort === port)?.bytesRead,
    snapshot: (vhost = '/') => {
      const found = broker.vhosts.get(vhost);
      if (!found) throw new Error(`no vhost '${vhost}'; vhosts are: ${[...broker.vhosts.keys()].join(', ')}`);
      const snapshot = found.snapshot();
      for (const queue of snapshot.queues) queue.arguments = plainTable(queue.arguments) as typeof queue.arguments;
      return snapshot;
    },
    restart: () => {
      restarting ??= (async () => {
        try {
          server.pause();
          await server.closeConnections();
          const limit = broker.memory.limit;
          // Vhosts, users and permissions outlive a restart as on RabbitMQ; a data directory keeps them itself.
          const vhostsNow = [...broker.vhosts.keys()];
          const access = broker.users.records();
          await stop();
          broker = makeBroker(limit, vhostsNow, () => access);
          server.resume(broker);
        } finally {
          restarting = undefined;
        }
      })();
      return restarting;
    },
    close: async () => {
      await restarting?.catch(() => undefined);
      await server.close();
      await stop();
    },
  };
}
