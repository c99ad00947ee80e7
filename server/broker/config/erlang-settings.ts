/**
 * The settings of a classic rabbitmq.config or an advanced.config: one
 * Erlang list of {application, [{key, value}, ...]} tuples, of which the
 * embedded broker reads the `rabbit` application's keys (the ones RabbitMQ
 * keeps under the same names). Other applications' settings are ignored
 * with a warning; an unknown rabbit key is refused.
 */
import { parseMemoryLimit, MemoryLimitError } from '../memory-limit.js';
import type { ErlangTerm } from './erlang-terms.js';
import { ConfigError, portProblem, type BrokerSettings } from './settings.js';

const RABBIT_KEYS = [
  'tcp_listeners',
  'loopback_users',
  'default_user',
  'default_pass',
  'default_vhost',
  'default_user_tags',
  'default_permissions',
  'vm_memory_high_watermark',
  'heartbeat',
  'frame_max',
  'channel_max',
];

/** The settings in a parsed file, and warnings about what was ignored. */
export function settingsFromErlang(term: ErlangTerm, file: string): { settings: BrokerSettings; warnings: string[] } {
  const at = (node: ErlangTerm) => `${file}:${node.line}: `;
  const shape = 'a list of {application, [{key, value}, ...]} tuples, such as [{rabbit, [{loopback_users, []}]}].';
  if (term.kind !== 'list') throw new ConfigError(`${at(term)}the file must hold ${shape}`);
  const settings: BrokerSettings = {};
  const warnings: string[] = [];
  for (const application of term.items) {
    const [name, keys] = pair(application);
    if (name?.kind !== 'atom' || keys?.kind !== 'list') throw new ConfigError(`${at(application)}the file must hold ${shape}`);
    if (name.value !== 'rabbit') {
      warnings.push(`${at(application)}the settings of ${name.value} are ignored: the embedded broker reads only rabbit's`);
      continue;
    }
    for (const entry of keys.items) {
      const [key, value] = pair(entry);
      if (key?.kind !== 'atom' || value === undefined) throw new ConfigError(`${at(entry)}each setting of rabbit is a {key, value} tuple`);
      readRabbitKey(settings, key.value, value, at(value));
    }
  }
  return { settings, warnings };
}

function pair(term: ErlangTerm): [ErlangTerm | undefined, ErlangTerm | undefined] {
  return term.kind === 'tuple' && term.items.length === 2 ? [term.items[0], term.items[1]] : [undefined, undefined];
}

function readRabbitKey(settings: BrokerSettings, key: string, value: ErlangTerm, at: string): void {
  const wrong = (expected: string) => new ConfigError(`${at}${key} must be ${expected}`);
  switch (key) {
    case 'tcp_listeners': {
      const listeners = listOf(value, () => wrong('a list of one port or {"address", port}, such as [5672] or [{"127.0.0.1", 5672}]'));
      const [only, ...more] = listeners;
      if (only === undefined || more.length > 0)
        throw new ConfigError(`${at}the embedded broker listens on exactly one address; tcp_listeners lists ${listeners.length}`);
      settings.listener = listener(only, wrong, at);
      return;
    }
    case 'loopback_users':
      settings.loopbackUsers = listOf(value, () => wrong('a list of user names, such as [<<"guest">>] or []')).map((user) =>
        text(user, () => wrong('a list of user names, such as [<<"guest">>] or []')),
      );
      return;
    case 'default_user':
      settings.defaultUser = text(value, () => wrong('a name, such as <<"guest">>'));
      return;
    case 'default_pass':
      settings.defaultPass = text(value, () => wrong('a password, such as <<"guest">>'));
      return;
    case 'default_vhost':
      settings.defaultVhost = text(value, () => wrong('a vhost name, such as <<"/">>'));
      return;
    case 'default_user_tags':
      settings.defaultUserTags = listOf(value, () => wrong('a list of atoms, such as [administrator]')).map((tag) =>
        text(tag, () => wrong('a list of atoms, such as [administrator]')),
      );
      return;
    case 'default_permissions': {
      const expected = 'three patterns [Configure, Write, Read], such as [<<".*">>, <<".*">>, <<".*">>]';
      const patterns = listOf(value, () => wrong(expected)).map((pattern) => text(pattern, () => wrong(expected)));
      const [configure, write, read] = patterns;
      if (patterns.length !== 3 || configure === undefined || write === undefined || read === undefined) throw wrong(expected);
      settings.defaultPermissions = { configure, write, read };
      return;
    }
    case 'vm_memory_high_watermark':
      settings.memoryLimit = watermark(value, () =>
        wrong('a fraction of the memory, such as 0.4, or {absolute, Bytes}, such as {absolute, "1GB"}'),
      );
      return;
    case 'heartbeat':
      settings.heartbeat = integer(value, () => wrong('a whole number of seconds, such as 60'));
      return;
    case 'frame_max':
      settings.frameMax = integer(value, () => wrong('a whole number of bytes, such as 131072'));
      return;
    case 'channel_max':
      settings.channelMax = integer(value, () => wrong('a whole number, such as 2047'));
      return;
    default:
      throw new ConfigError(`${at}{${key}, ...} is not a setting the embedded broker reads; it reads ${RABBIT_KEYS.join(', ')}`);
  }
}

function listOf(value: ErlangTerm, problem: () => ConfigError): ErlangTerm[] {
  if (value.kind === 'list') return value.items;
  // "" is the empty list in Erlang.
  if (value.kind === 'string' && value.value === '') return [];
  throw problem();
}

/** A binary, a string or an atom, as text. */
function text(value: ErlangTerm, problem: () => ConfigError): string {
  if (value.kind === 'binary' || value.kind === 'string' || value.kind === 'atom') return value.value;
  throw problem();
}

function integer(value: ErlangTerm, problem: () => ConfigError): number {
  if (value.kind === 'integer') return value.value;
  throw problem();
}

function listener(value: ErlangTerm, wrong: (expected: string) => ConfigError, at: string): { host?: string; port: number } {
  const expected = 'a list of one port or {"address", port}, such as [5672] or [{"127.0.0.1", 5672}]';
  const found =
    value.kind === 'integer'
      ? { port: value.value }
      : value.kind === 'tuple' && value.items.length === 2
        ? { host: text(value.items[0] ?? value, () => wrong(expected)), port: integer(value.items[1] ?? value, () => wrong(expected)) }
        : undefined;
  if (found === undefined) throw wrong(expected);
  const problem = portProblem(found.port);
  if (problem !== undefined) throw new ConfigError(`${at}${problem}`);
  return found;
}

function watermark(value: ErlangTerm, problem: () => ConfigError): number {
  try {
    if (value.kind === 'float' || value.kind === 'integer') return parseMemoryLimit(value.value.toFixed(6));
    const [tag, amount] = value.kind === 'tuple' && value.items.length === 2 ? value.items : [];
    if (tag?.kind !== 'atom' || tag.value !== 'absolute' || amount === undefined) throw problem();
    if (amount.kind === 'integer') return amount.value;
    if (amount.kind === 'string' || amount.kind === 'binary') return parseMemoryLimit(amount.value);
  } catch (error) {
    if (!(error instanceof MemoryLimitError)) throw error;
  }
  throw problem();
}
