/**
 * The broker's shared state: virtual hosts, users, tuning limits, open
 * connections, the memory alarm and the event emitter. The TCP listener (server.ts) hands
 * each accepted socket to a Connection that works against this.
 */
import type { AccessRecords } from './access/records.js';
import { UserStore } from './access/user-store.js';
import { LoginCheck } from './auth.js';
import type { Connection } from './connection.js';
import { ReplyCode } from './errors.js';
import { BrokerEvents } from './events.js';
import { MemoryAlarm, type MemoryUse } from './memory-alarm.js';
import { restoreFromStore } from './storage/restore.js';
import type { BrokerStore } from './storage/store.js';
import { VirtualHost } from './vhost.js';

/** Limits the broker proposes in connection.tune. */
export interface Tuning {
  readonly channelMax: number;
  readonly frameMax: number;
  readonly heartbeat: number;
}

/**
 * How long a delivery on a manual-acknowledgement channel may stay unacknowledged (RabbitMQ's consumer_timeout)
 * and how often each channel checks (its channel_tick_interval). A channel reads them when it opens.
 */
export interface ConsumerTimeout {
  /** Milliseconds; undefined for no timeout at all. */
  readonly timeoutMs: number | undefined;
  readonly checkEveryMs: number;
}

/** RabbitMQ 3.10's defaults: 30 minutes, checked once a minute. */
export const DEFAULT_CONSUMER_TIMEOUT: ConsumerTimeout = { timeoutMs: 1_800_000, checkEveryMs: 60_000 };

/** Virtual hosts, users and connections of one broker. */
export class Broker {
  readonly events: BrokerEvents;
  /** The data directory it keeps durable things in; undefined for a broker that keeps nothing. */
  readonly store: BrokerStore | undefined;
  readonly vhosts = new Map<string, VirtualHost>();
  readonly connections = new Set<Connection>();
  /** Users and their permissions in each vhost. */
  readonly users: UserStore;
  /** Who may log in from where. */
  readonly logins: LoginCheck;
  readonly memory: MemoryAlarm;
  /** Frames read from clients and acted on since the broker started (see EmbeddedBroker.framesHandled). */
  framesHandled = 0;
  readonly consumerTimeout: ConsumerTimeout;

  constructor(
    options: {
      access: AccessRecords;
      loopbackUsers: readonly string[];
      vhosts: readonly string[];
      memoryLimit: number;
      store?: BrokerStore;
      events?: BrokerEvents;
      consumerTimeout?: ConsumerTimeout;
    },
    readonly tuning: Tuning,
  ) {
    this.events = options.events ?? new BrokerEvents();
    this.consumerTimeout = options.consumerTimeout ?? DEFAULT_CONSUMER_TIMEOUT;
    this.store = options.store;
    if (this.store !== undefined) restoreFromStore(this, this.store);
    for (const name of options.vhosts) this.addVhost(name);
    this.users = new UserStore((vhost) => this.vhosts.has(vhost), options.access);
    this.logins = new LoginCheck(this.users, options.loopbackUsers);
    this.memory = new MemoryAlarm(
      options.memoryLimit,
      () => this.heldBytes(),
      (use) => this.memoryAlarmChanged(use),
    );
  }

  /** Memory the broker keeps: every queue's ready messages and every connection's share. */
  private heldBytes(): number {
    let bytes = 0;
    for (const vhost of this.vhosts.values()) for (const queue of vhost.queues.values()) bytes += queue.heldBytes;
    for (const connection of this.connections) bytes += connection.heldBytes;
    return bytes;
  }

  private memoryAlarmChanged(use: MemoryUse): void {
    if (this.events.wants('memory-alarm')) this.events.emit('memory-alarm', use);
    for (const connection of this.connections) connection.memoryAlarmChanged();
  }

  /** Creates a virtual host (a no-op if it exists). */
  addVhost(name: string): void {
    if (this.vhosts.has(name)) return;
    const vhost = new VirtualHost(name, this.events);
    this.vhosts.set(name, vhost);
    if (this.store !== undefined) {
      this.store.vhostAdded(name);
      vhost.store = this.store;
    }
  }

  /** Deletes a virtual host with everything in it and every permission to it; its connections are closed. */
  deleteVhost(name: string): void {
    const vhost = this.vhosts.get(name);
    if (!vhost) return;
    for (const connection of this.connections) {
      if (connection.isOn(name)) connection.forceClose(ReplyCode.CONNECTION_FORCED, `vhost '${name}' is deleted`);
    }
    vhost.close();
    this.vhosts.delete(name);
    this.users.vhostDeleted(name);
    this.store?.vhostDeleted(name);
  }

  /** A connection has ended. */
  connectionClosed(connection: Connection): void {
    this.connections.delete(connection);
  }

  /** A bug surfaced while serving a client; the connection is closed, the broker goes on. */
  reportInternalError(error: unknown): void {
    console.error('[warren broker] internal error:', error);
  }
}
