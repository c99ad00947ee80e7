// What each setting of rabbitmq.conf and of an Erlang-terms file sets in the
// embedded broker, and what values each refuses.
import { describe, expect, test } from 'vitest';
import { settingsFromConf } from '../../server/broker/config/conf-settings.js';
import { parseErlangTerm } from '../../server/broker/config/erlang-terms.js';
import { settingsFromErlang } from '../../server/broker/config/erlang-settings.js';
import { brokerOptionsFrom } from '../../server/broker/config/settings.js';
import { parseConf } from '../../server/broker/config/sysctl-format.js';

const fromConf = (text: string) => settingsFromConf(parseConf(text), 'rabbitmq.conf');
const fromErlang = (text: string) => settingsFromErlang(parseErlangTerm(text), 'advanced.config');

describe('rabbitmq.conf settings', () => {
  test.each([
    ['listeners.tcp.default = 5673', { listener: { port: 5673 } }],
    ['listeners.tcp.local = 127.0.0.1:5673', { listener: { host: '127.0.0.1', port: 5673 } }],
    ['listeners.tcp.v6 = ::1:5673', { listener: { host: '::1', port: 5673 } }],
    ['loopback_users = none', { loopbackUsers: [] }],
    ['loopback_users.guest = false', { loopbackUsers: [] }],
    ['loopback_users.guest = false\nloopback_users.admin = true', { loopbackUsers: ['admin'] }],
    ['default_user_tags.administrator = false\ndefault_user_tags.monitoring = true', { defaultUserTags: ['monitoring'] }],
    ['default_permissions.read = ^reports', { defaultPermissions: { read: '^reports' } }],
    ['vm_memory_high_watermark.absolute = 1GB', { memoryLimit: 1_000_000_000 }],
    ['vm_memory_high_watermark.absolute = 2048', { memoryLimit: 2048 }],
    ['frame_max = 64KB', { frameMax: 65536 }],
  ])('%j', (text, settings) => {
    expect(fromConf(text)).toEqual(settings);
  });

  test.each([
    [
      'listeners.tcp.a = 5673\nlisteners.tcp.b = 5674',
      'rabbitmq.conf:2: the embedded broker listens on one address: listeners.tcp.a is set already',
    ],
    ['listeners.tcp.default = 99999', 'rabbitmq.conf:1: 99999 is not a port: use a whole number from 0 to 65535'],
    ['default_user_tags.administrator = yes', '"yes" is not a valid enum value, acceptable values are: true, false'],
    ['vm_memory_high_watermark.absolute = lots', 'rabbitmq.conf:1: Unable to parse vm_memory_high_watermark value "lots"'],
    ['frame_max = big', '"big" cannot be converted to a(n) bytesize'],
  ])('refuses %j', (text, message) => {
    expect(() => fromConf(text)).toThrow(message);
  });

  test('the default user, vhost and permissions become the first user and its permissions', () => {
    const options = brokerOptionsFrom(
      fromConf('default_user = ann\ndefault_pass = pw\ndefault_vhost = lab\ndefault_permissions.configure = ^$'),
    );
    expect(options).toMatchObject({
      users: [{ username: 'ann', password: 'pw', tags: ['administrator'] }],
      vhosts: ['lab'],
      permissions: [{ user: 'ann', vhost: 'lab', configure: '^$', write: '.*', read: '.*' }],
    });
  });
});

describe('Erlang-terms settings', () => {
  test('reads the rabbit application and warns about the others', () => {
    const { settings, warnings } = fromErlang(
      `[{rabbit, [{tcp_listeners, [{"127.0.0.1", 5680}]}, {loopback_users, []}, {default_user, <<"bob">>},
        {default_permissions, [<<"^bob-">>, <<".*">>, <<"">>]}, {default_user_tags, [management]},
        {vm_memory_high_watermark, {absolute, "256MiB"}}, {heartbeat, 15}, {channel_max, 64}]},
       {rabbitmq_management, [{listener, [{port, 15672}]}]}].`,
    );
    expect(settings).toEqual({
      listener: { host: '127.0.0.1', port: 5680 },
      loopbackUsers: [],
      defaultUser: 'bob',
      defaultPermissions: { configure: '^bob-', write: '.*', read: '' },
      defaultUserTags: ['management'],
      memoryLimit: 256 * 1024 ** 2,
      heartbeat: 15,
      channelMax: 64,
    });
    expect(warnings).toEqual([
      "advanced.config:4: the settings of rabbitmq_management are ignored: the embedded broker reads only rabbit's",
    ]);
  });

  test.each([
    ['{rabbit, []}.', 'advanced.config:1: the file must hold a list of {application, [{key, value}, ...]} tuples'],
    ['[{rabbit, [{heartbeat, "60"}]}].', 'advanced.config:1: heartbeat must be a whole number of seconds, such as 60'],
    ['[{rabbit, [{tcp_listeners, [5672, 5673]}]}].', 'the embedded broker listens on exactly one address; tcp_listeners lists 2'],
    ['[{rabbit, [{default_permissions, [<<".*">>]}]}].', 'default_permissions must be three patterns [Configure, Write, Read]'],
    ['[{rabbit, [\n{vm_memory_high_watermark, lots}]}].', 'advanced.config:2: vm_memory_high_watermark must be a fraction of the memory'],
  ])('refuses %j', (text, message) => {
    expect(() => fromErlang(text)).toThrow(message);
  });
});
