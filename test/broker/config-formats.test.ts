// The two formats RabbitMQ's configuration files are written in, read as
// RabbitMQ reads them: rabbitmq.conf (key = value lines) and Erlang terms
// (rabbitmq.config, advanced.config), with mistakes reported at their line
// in the words RabbitMQ (cuttlefish, erl_parse) uses. The Erlang messages
// below are what `erl_parse` printed for each file on this machine.
import { describe, expect, test } from 'vitest';
import { ErlangSyntaxError, parseErlangTerm } from '../../server/broker/config/erlang-terms.js';
import { ConfSyntaxError, parseConf } from '../../server/broker/config/sysctl-format.js';

function erlangError(text: string): string {
  try {
    parseErlangTerm(text);
  } catch (error) {
    if (error instanceof ErlangSyntaxError) return error.message;
    throw error;
  }
  throw new Error(`expected a syntax error in ${JSON.stringify(text)}`);
}

describe('Erlang terms', () => {
  test('reads lists, tuples, atoms, quoted atoms, binaries, strings, integers and floats, skipping % comments', () => {
    const term = parseErlangTerm(
      `%% the classic file\n[{rabbit, [{loopback_users, []}, % none\n  {default_user, <<"bob">>}, {name, "str"}, {quoted, 'An atom'},\n  {n, -3}, {hex, 16#ff}, {ch, $a}, {f, 0.4}, {e, 1.5e3}]}].\n`,
    );
    const values = term.kind === 'list' && term.items[0]?.kind === 'tuple' ? term.items[0].items[1] : undefined;
    expect(values?.kind === 'list' ? values.items.map((item) => (item.kind === 'tuple' ? item.items[1] : item)) : []).toEqual([
      { kind: 'list', items: [], line: 2 },
      { kind: 'binary', value: 'bob', line: 3 },
      { kind: 'string', value: 'str', line: 3 },
      { kind: 'atom', value: 'An atom', line: 3 },
      { kind: 'integer', value: -3, line: 4 },
      { kind: 'integer', value: 255, line: 4 },
      { kind: 'integer', value: 97, line: 4 },
      { kind: 'float', value: 0.4, line: 4 },
      { kind: 'float', value: 1500, line: 4 },
    ]);
  });

  test.each([
    ['a trailing comma', '[{rabbit, [{loopback_users, []},]}].\n', "1: syntax error before: ']'"],
    ['no final dot', '[{rabbit, [{loopback_users, []}]}]\n', '1: syntax error before: '],
    [
      'a missing comma, two lines down',
      '[{rabbit,\n  [{loopback_users, []}\n   {default_user, <<"bob">>}]}].\n',
      "3: syntax error before: '{'",
    ],
    ['an unterminated string', '[{rabbit, [{default_user, <<"bob>>}]}].\n', '1: unterminated string starting with "bob>>}]}].\\n"'],
    ['an unterminated atom', "[{rabbit, [{x, 'unterminated}]}].\n", "1: unterminated atom starting with 'unterminated}]}]'"],
    ['a second term', '%% comment\n[{rabbit, [{default_user, "bob"}]}].\n[].\n', "3: syntax error before: '['"],
    ['a brace closed by a dot', '[{rabbit, [{default_user, <<"bob">>}]}.\n', "1: syntax error before: '.'"],
    ['one bracket too many', '[{rabbit, [{x, 1}]}]]. \n', "1: syntax error before: ']'"],
    ['a stray atom', '[{rabbit, [{x, 1} foo]}].\n', '1: syntax error before: foo'],
    ['a stray string', '[{rabbit, [{x, 1} "str"]}].\n', '1: syntax error before: "str"'],
    ['a stray binary', '[{rabbit, [{x, 1} <<"b">>]}].\n', "1: syntax error before: '<<'"],
    ['a stray quoted atom', "[{rabbit, [{x, 1} 'Q a']}].\n", "1: syntax error before: 'Q a'"],
    ['a reserved word', '[{rabbit, [{x, 1} end]}].\n', "1: syntax error before: 'end'"],
    ['a stray @', '[{rabbit, [{x, @}]}].\n', "1: syntax error before: '@'"],
  ])('%s: %j', (_, text, message) => {
    expect(erlangError(text)).toBe(message);
  });

  test('an empty file says what it must hold', () => {
    expect(() => parseErlangTerm('  %% nothing\n')).toThrow(
      expect.objectContaining({ hint: 'the file is empty: it must hold one Erlang term ending with a dot, such as [{rabbit, []}].' }),
    );
  });
});

function confError(text: string): { line: number; message: string } {
  try {
    parseConf(text);
  } catch (error) {
    if (error instanceof ConfSyntaxError) return { line: error.line, message: error.message };
    throw error;
  }
  throw new Error(`expected a syntax error in ${JSON.stringify(text)}`);
}

describe('rabbitmq.conf', () => {
  test('reads key = value lines with their line numbers; # comments, blank lines and quoted values as cuttlefish does', () => {
    expect(
      parseConf("# lab\n\n  listeners.tcp.default = 5672  # the usual port\n\tdefault_pass = 'a#b c'\r\nkey\\.with\\.dots = 1\n"),
    ).toEqual([
      { key: 'listeners.tcp.default', value: '5672', line: 3 },
      { key: 'default_pass', value: 'a#b c', line: 4 },
      { key: 'key.with.dots', value: '1', line: 5 },
    ]);
  });

  test.each([
    ['a line that is no setting', 'heartbeat = 10\nbroken\nframe_max = 4096\n', 2],
    ['a setting without a value', 'heartbeat =\n', 1],
    ['a key with a space', '  heartbeat = 10\nheart beat = 5\n', 2],
  ])('%s stops the reading at its line: %j', (_, text, line) => {
    expect(confError(text)).toEqual({ line, message: `after line ${line} column 1, parsing incomplete` });
  });
});
