/**
 * The settings of a rabbitmq.conf, each typed as RabbitMQ's schema types it
 * (rabbit.schema), refused with cuttlefish's words when a key is unknown or
 * a value is not of its type.
 */
import { totalmem } from 'node:os';
import { parseMemoryLimit, MemoryLimitError } from '../memory-limit.js';
import type { ConfSetting } from './sysctl-format.js';
import { CONF_KEYS, ConfigError, portProblem, type BrokerSettings } from './settings.js';

/** The settings in a parsed rabbitmq.conf; `file` names it in errors. */
export function settingsFromConf(lines: readonly ConfSetting[], file: string): BrokerSettings {
  const settings: BrokerSettings = {};
  const loopbackFlags: string[] = [];
  let loopbackNone = false;
  let listenerKey: string | undefined;
  let relativeWatermark: number | undefined;
  for (const { key, value, line } of lines) {
    const at = `${file}:${line}: `;
    const cannotConvert = (...types: string[]) =>
      new ConfigError(
        `${at}Error transforming datatype for: ${key}\n${types.map((type) => `  - "${value}" cannot be converted to a(n) ${type}`).join('\n')}`,
      );
    const integer = (): number => {
      if (!/^-?\d+$/.test(value)) throw cannotConvert('integer');
      return Number(value);
    };
    const enumValue = <T extends string>(allowed: readonly T[]): T => {
      const found = allowed.find((candidate) => candidate === value);
      if (found === undefined) {
        throw new ConfigError(
          `${at}Error transforming datatype for: ${key}\n  - "${value}" is not a valid enum value, acceptable values are: ${allowed.join(', ')}`,
        );
      }
      return found;
    };
    const [head, ...rest] = key.split('.');
    const tail = rest.join('.');
    if (head === 'listeners' && rest[0] === 'tcp' && rest.length === 2) {
      if (listenerKey !== undefined) {
        throw new ConfigError(`${at}the embedded broker listens on one address: ${listenerKey} is set already, so ${key} cannot be`);
      }
      listenerKey = key;
      settings.listener = listenerFrom(value, cannotConvert, at);
    } else if (key === 'listeners.tcp') {
      throw new ConfigError(`${at}the embedded broker needs its AMQP listener: listeners.tcp = ${value} is not supported`);
    } else if (key === 'loopback_users') {
      enumValue(['none']);
      loopbackNone = true;
    } else if (head === 'loopback_users' && rest.length === 1) {
      if (value === 'true') loopbackFlags.push(tail);
    } else if (key === 'default_user') {
      settings.defaultUser = value;
    } else if (key === 'default_pass') {
      settings.defaultPass = value;
    } else if (key === 'default_vhost') {
      settings.defaultVhost = value;
    } else if (head === 'default_user_tags' && rest.length === 1) {
      const tags = (settings.defaultUserTags ??= []);
      if (enumValue(['true', 'false']) === 'true') tags.push(tail);
    } else if (key === 'default_permissions.configure' || key === 'default_permissions.write' || key === 'default_permissions.read') {
      // RabbitMQ 3.10's schema hands read and write over in each other's place; here each means what its name says.
      (settings.defaultPermissions ??= {})[tail as 'configure' | 'write' | 'read'] = value;
    } else if (key === 'vm_memory_high_watermark.absolute') {
      settings.memoryLimit = absoluteWatermark(value, at);
    } else if (key === 'vm_memory_high_watermark.relative') {
      if (!/^\d+(\.\d+)?$/.test(value)) throw cannotConvert('float');
      relativeWatermark = Number(value);
    } else if (key === 'heartbeat') {
      settings.heartbeat = integer();
    } else if (key === 'frame_max') {
      settings.frameMax = byteSize(value, () => cannotConvert('bytesize'));
    } else if (key === 'channel_max') {
      settings.channelMax = integer();
    } else {
      throw new ConfigError(
        `${at}Conf file attempted to set unknown variable: ${key}\n  the embedded broker reads ${CONF_KEYS.join(', ')}`,
      );
    }
  }
  if (loopbackNone) settings.loopbackUsers = [];
  else if (lines.some(({ key }) => key.startsWith('loopback_users.'))) settings.loopbackUsers = loopbackFlags;
  // As in RabbitMQ, a relative watermark wins over an absolute one.
  if (relativeWatermark !== undefined) settings.memoryLimit = Math.floor(relativeWatermark * totalmem());
  return settings;
}

/** An integer port, or ip:port (the last colon splits them, so IPv6 addresses work as ::1:5672 or [::1]:5672). */
function listenerFrom(value: string, cannotConvert: (...types: string[]) => ConfigError, at: string): { host?: string; port: number } {
  let listener: { host?: string; port: number } | undefined;
  if (/^\d+$/.test(value)) listener = { port: Number(value) };
  const split = /^\[?([^\]]+?)\]?:(\d+)$/.exec(value);
  if (listener === undefined && split !== null) listener = { host: split[1] ?? '', port: Number(split[2]) };
  if (listener === undefined) throw cannotConvert('integer', 'IP');
  const problem = portProblem(listener.port);
  if (problem !== undefined) throw new ConfigError(`${at}${problem}`);
  return listener;
}

/** vm_memory_high_watermark.absolute: bytes, or a size with a unit. */
function absoluteWatermark(value: string, at: string): number {
  try {
    if (/^\d+\.\d*$/.test(value)) throw new MemoryLimitError('a fraction');
    return parseMemoryLimit(value);
  } catch (error) {
    if (!(error instanceof MemoryLimitError)) throw error;
    throw new ConfigError(
      `${at}Unable to parse vm_memory_high_watermark value "${value}": use a number of bytes or a size such as 512MB or 1GiB ` +
        '(KB, MB, GB are powers of 1000, KiB, MiB, GiB powers of 1024)',
    );
  }
}

/** cuttlefish's bytesize: a number of bytes, or one with KB, MB or GB (powers of 1024). */
function byteSize(value: string, problem: () => ConfigError): number {
  const match = /^(\d+)(kb|mb|gb)?$/i.exec(value);
  if (match === null) throw problem();
  const units: Record<string, number> = { '': 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
  return Number(match[1]) * (units[(match[2] ?? '').toLowerCase()] ?? 1);
}
