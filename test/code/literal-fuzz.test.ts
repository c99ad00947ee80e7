// Whatever a learner types into a parameter enters a program as a literal
// and nothing else: fuzzed values, and the texts most likely to break out of
// a string in either language, written by each language's encoder and read
// back by the language itself (JavaScript in this process, Python by
// /usr/bin/python3), must come back exactly as given.
// Without python3 the Python cases skip with a notice, except under CI=true.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { literal } from '../../server/scenario/code-literal.js';
import { pythonLiteral } from '../../server/scenario/python-literal.js';
import { BREAKOUTS } from './breakouts.js';

const PYTHON = '/usr/bin/python3';
const underCi = process.env.CI === 'true';

/** Pieces the fuzzer strings together: breakouts, any code unit (lone surrogates included) and ordinary text. */
const awkwardString = fc
  .array(
    fc.oneof(
      fc.constantFrom(...BREAKOUTS),
      fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
      fc.string({ unit: 'binary', maxLength: 8 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

/** Values a parameter can hold: JSON values whose strings are awkward. */
const parameterValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    awkwardString,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(awkwardString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** The value a program reads back, compared through JSON: -0 is written as 0, which is what the learner sees. */
function asRead(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** Why Python cannot be used here, or null when it can. */
function pythonProblem(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'pass'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot run: ${probe.error.message}`;
  return probe.status === 0 ? null : `${PYTHON} fails: ${probe.stderr.trim()}`;
}

const problem = pythonProblem();
if (problem !== null && !underCi) console.warn(`[literals] Python cases skipped: ${problem}`);

/**
 * Runs one Python program that holds every literal as written and prints each
 * value back as JSON (ASCII only, so lone surrogates survive the trip), one a line.
 */
function readByPython(values: readonly unknown[]): unknown[] {
  const program = [
    'import json',
    'import sys',
    'values = [',
    ...values.map((value) => `${pythonLiteral(value)},`),
    ']',
    'for value in values:',
    "    sys.stdout.write(json.dumps(value, ensure_ascii=True) + '\\n')",
  ].join('\n');
  const run = spawnSync(PYTHON, ['-'], { input: program, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`python3 could not read the literals:\n${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

/** Evaluates a literal as JavaScript, as a program would. */
function readByJavaScript(source: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call -- evaluating the generated literal is the test
  return new Function(`return (${source});`)() as unknown;
}

describe('parameter values written into JavaScript', () => {
  it('reads back every breakout text as given', () => {
    for (const text of BREAKOUTS) expect(readByJavaScript(literal(text)), JSON.stringify(text)).toBe(text);
  });

  it('reads back fuzzed values as given', () => {
    fc.assert(
      fc.property(parameterValue, (value) => {
        expect(asRead(readByJavaScript(literal(value)))).toEqual(asRead(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe.skipIf(problem !== null && !underCi)('parameter values written into Python', () => {
  it('prints every breakout text exactly as given', () => {
    const printable = BREAKOUTS.filter((text) => !/[\ud800-\udfff]/u.test(text));
    const program = ['import sys', ...printable.map((text) => `sys.stdout.write(${pythonLiteral(text)} + '\\x1e')`)].join('\n');
    const run = spawnSync(PYTHON, ['-'], { input: program, encoding: 'utf8', env: { ...process.env, PYTHONIOENCODING: 'utf-8' } });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\x1e').slice(0, -1)).toEqual(printable);
  });

  it('reads back every breakout text, lone surrogates included', () => {
    expect(readByPython(BREAKOUTS)).toEqual(BREAKOUTS);
  });

  it('reads back fuzzed values as given', () => {
    const seed = Math.floor(Math.random() * 0x7fffffff);
    const values = fc.sample(parameterValue, { numRuns: 2000, seed });
    expect(readByPython(values), `fast-check seed ${seed}`).toEqual(values.map(asRead));
  });

  it('writes values the way a person would', () => {
    expect(pythonLiteral({ durable: true, arguments: null, ttl: 60_000 })).toBe("{'durable': True, 'arguments': None, 'ttl': 60000}");
    expect(pythonLiteral(['kern.critical', 'a.*'])).toBe("['kern.critical', 'a.*']");
    expect(pythonLiteral("it's")).toBe("'it\\'s'");
    expect(pythonLiteral('🐇')).toBe("'🐇'");
    const long = pythonLiteral(Array.from({ length: 8 }, (_, i) => `routing.key.${i}`));
    expect(long.split('\n')).toHaveLength(10);
    expect(long.split('\n')[1]).toBe("    'routing.key.0',");
  });

  it('refuses what no program can hold', () => {
    expect(() => pythonLiteral(Number.NaN)).toThrow('a program cannot hold the number NaN');
    expect(() => pythonLiteral(() => 1)).toThrow('a program cannot hold a function literal');
  });
});
