import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  branches,
  expression,
  header,
  leaveWhenQuiet,
  literal,
  openChannel,
  optionalMember,
  program,
  programFile,
  publishOptions,
  repeat,
} from '../../server/scenario/code-template.js';
import { AWKWARD_TEXT } from './breakouts.js';

/** Evaluates a literal as JavaScript, as a program would. */
function evaluate(source: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call -- evaluating the generated literal is the test
  return new Function(`return (${source});`)() as unknown;
}

describe('literals from parameters', () => {
  const awkward = [
    AWKWARD_TEXT,
    "it's",
    'say "hi"',
    'back\\slash \\" and \\\' mixed',
    'two\nlines\r\tand a tab',
    'line\u2028separator\u2029paragraph',
    'lone \ud800 surrogate',
    '${process.exit(1)}',
    "'); process.exit(1); ('",
    '',
  ];

  it.each(awkward.map((text) => [JSON.stringify(text), text]))('writes %s so that it evaluates to itself', (_, text) => {
    const written = literal(text);
    expect(written).toMatch(/^'.*'$/s);
    expect(written).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(evaluate(written)).toBe(text);
  });

  it('writes numbers, booleans, lists and objects that evaluate to the same value', () => {
    const value = {
      count: 3,
      negative: -1.5,
      yes: true,
      nothing: null,
      list: awkward,
      nested: { 'x-header': 'v', "it's": [1, 2, { deep: "'" }], plain_name: 0 },
    };
    expect(evaluate(literal(value))).toEqual(value);
  });

  it('makes a __proto__ key an own property, never the prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const written = literal(value);
    const evaluated = evaluate(written) as Record<string, unknown>;
    expect(Object.getPrototypeOf(evaluated)).toBe(Object.prototype);
    expect(Object.keys(evaluated)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('writes short lists on one line and long ones an item per line', () => {
    expect(literal(['a', 'b'])).toBe("['a', 'b']");
    expect(literal({ durable: false })).toBe('{ durable: false }');
    expect(literal({})).toBe('{}');
    const long = literal(Array.from({ length: 8 }, (_, i) => `routing.key.${i}`));
    expect(long.split('\n')).toHaveLength(10);
    expect(long.split('\n')[1]).toBe("  'routing.key.0',");
  });

  it('leaves out unset values, and writes expressions as code (shorthand when the name matches)', () => {
    expect(literal({ correlationId: expression('correlationId'), replyTo: expression('queue'), mandatory: undefined })).toBe(
      '{ correlationId, replyTo: queue }',
    );
    expect(publishOptions({ mandatory: undefined })).toBeUndefined();
    expect(publishOptions({ persistent: true })).toBe('{ persistent: true }');
  });

  it('refuses values a program cannot hold', () => {
    expect(() => literal(Number.NaN)).toThrow(/cannot hold the number NaN/);
    expect(() => literal(Number.POSITIVE_INFINITY)).toThrow(/Infinity/);
    expect(() => literal(() => 1)).toThrow(/function/);
  });

  it('reads members by name, quoting names that are not plain', () => {
    expect(optionalMember('headers', 'error')).toBe('headers?.error');
    expect(optionalMember('headers', 'x-error')).toBe("headers?.['x-error']");
  });
});

describe('program pieces', () => {
  it('names program files after their actors', () => {
    expect(programFile('worker 1')).toBe('worker-1.mjs');
    expect(programFile('rpc server 2')).toBe('rpc-server-2.mjs');
    expect(programFile('individual publisher')).toBe('individual-publisher.mjs');
  });

  it('writes if / else chains and loops', () => {
    expect(branches(['a', 'x();'], ['b', 'y();'], [null, 'z();'])).toBe('if (a) {\n  x();\n} else if (b) {\n  y();\n} else {\n  z();\n}');
    expect(repeat(1, 'send();')).toBe('send();');
    expect(repeat(3, 'send();')).toBe('for (let i = 0; i < 3; i += 1) {\n  send();\n}');
  });

  it('puts together a program that node accepts as an ES module', async () => {
    const code = program(
      header({
        actor: 'worker 1',
        follows: 'worker.js',
        does: 'Takes tasks. '.repeat(12),
        imports: ["import { once } from 'node:events';"],
      }),
      openChannel('confirm channel'),
      leaveWhenQuiet(),
      false,
      'void once;',
    );
    expect(code.endsWith('\n')).toBe(true);
    expect(code).not.toContain('\n\n\n');
    for (const line of code.split('\n').filter((text) => text.startsWith('//'))) expect(line.length).toBeLessThanOrEqual(90);
    const folder = await mkdtemp(join(tmpdir(), 'warren-template-'));
    try {
      await writeFile(join(folder, 'worker-1.mjs'), code);
      await expect(promisify(execFile)(process.execPath, ['--check', join(folder, 'worker-1.mjs')])).resolves.toBeDefined();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
