/**
 * What a configuration file may set in the embedded broker, whichever
 * format it is written in, and how the settings become startBroker's
 * options: the default user, vhost and permissions make the broker's first
 * user, as RabbitMQ makes them on its first start.
 */
import type { BrokerOptions } from '../index.js';

export interface BrokerSettings {
  /** listeners.tcp.* / tcp_listeners: a port, or an address and a port. */
  listener?: { host?: string; port: number };
  /** loopback_users: who may only log in from this machine. */
  loopbackUsers?: string[];
  defaultUser?: string;
  defaultPass?: string;
  defaultVhost?: string;
  defaultUserTags?: string[];
  defaultPermissions?: { configure?: string; write?: string; read?: string };
  /** vm_memory_high_watermark, in bytes. */
  memoryLimit?: number;
  heartbeat?: number;
  frameMax?: number;
  channelMax?: number;
}

/** A configuration file that cannot be used; the message names the file, the line and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The settings read by each format, for messages that list them. */
export const CONF_KEYS = [
  'listeners.tcp.<name>',
  'loopback_users',
  'loopback_users.<user>',
  'default_user',
  'default_pass',
  'default_vhost',
  'default_user_tags.<tag>',
  'default_permissions.configure',
  'default_permissions.write',
  'default_permissions.read',
  'vm_memory_high_watermark.absolute',
  'vm_memory_high_watermark.relative',
  'heartbeat',
  'frame_max',
  'channel_max',
];

/** Options for startBroker; anything the settings leave out keeps startBroker's default. */
export function brokerOptionsFrom(settings: BrokerSettings): BrokerOptions {
  const username = settings.defaultUser ?? 'guest';
  const vhost = settings.defaultVhost ?? '/';
  const everything = '.*';
  const options: BrokerOptions = {
    users: [{ username, password: settings.defaultPass ?? 'guest', tags: settings.defaultUserTags ?? ['administrator'] }],
    vhosts: [vhost],
    permissions: [
      {
        user: username,
        vhost,
        configure: settings.defaultPermissions?.configure ?? everything,
        write: settings.defaultPermissions?.write ?? everything,
        read: settings.defaultPermissions?.read ?? everything,
      },
    ],
  };
  if (settings.listener?.host !== undefined) options.host = settings.listener.host;
  if (settings.listener !== undefined) options.port = settings.listener.port;
  if (settings.loopbackUsers !== undefined) options.loopbackUsers = settings.loopbackUsers;
  if (settings.memoryLimit !== undefined) options.memoryLimit = settings.memoryLimit;
  if (settings.heartbeat !== undefined) options.heartbeat = settings.heartbeat;
  if (settings.frameMax !== undefined) options.frameMax = settings.frameMax;
  if (settings.channelMax !== undefined) options.channelMax = settings.channelMax;
  return options;
}

/** A port number, or why it is not one. */
export function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? undefined : `${port} is not a port: use a whole number from 0 to 65535`;
}

/** Checks the values AMQP itself bounds; returns the first problem, naming the setting. */
export function tuningProblem(settings: BrokerSettings): string | undefined {
  const bounded = (name: string, value: number | undefined, low: number, high: number) =>
    value === undefined || (Number.isInteger(value) && value >= low && value <= high)
      ? undefined
      : `${name} must be a whole number from ${low} to ${high}, got ${value}`;
  const frameMax = settings.frameMax;
  // 0 means no limit, for frame_max and channel_max alike.
  const frameMaxProblem =
    frameMax === undefined || frameMax === 0 ? undefined : bounded('frame_max (0 for no limit, or)', frameMax, 4096, 0xffffffff);
  return bounded('heartbeat', settings.heartbeat, 0, 65535) ?? frameMaxProblem ?? bounded('channel_max', settings.channelMax, 0, 65535);
}
