// Every message a learner can get about a parameter says in words what is
// allowed: for every parameter of every lesson cell, at any depth, wrong
// values are checked by the server (runs, the code endpoint, the command
// line) and by the browser's form, and no answer may show a regular
// expression or a JSON Schema keyword.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findProblems } from '../../client/src/app/param-errors.js';
import { toTypeBox } from '../../client/src/app/param-schema.js';
import { loadLessons, mergeParams, validateParams } from '../../server/lessons/index.js';
import type { JsonSchema } from '../../server/protocol/index.js';

const catalog = await loadLessons(fileURLToPath(new URL('../../lessons/', import.meta.url)));

/** Schema keywords a learner has no reason to read. */
const KEYWORDS = [
  'pattern',
  'patternInWords',
  'patternProperties',
  'additionalProperties',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'anyOf',
  'oneOf',
  'allOf',
  'const',
  'enum',
  '$ref',
];

/** What gives a regular expression away: anchors, escapes, character classes, counted repeats, groups. */
const REGEX_SIGNS = /\^|\$|\\[dDwWsSbB.]|\[[^\]\s"]*-[^\]\s"]*\]|\{\d+(,\d*)?\}|\(\?[:=!<]/;

/** What in `message` a learner should not be shown; empty when it is all words. */
function rawSchemaText(message: string, patterns: string[]): string[] {
  const found = KEYWORDS.filter((keyword) => new RegExp(`\\b${keyword.replace('$', '\\$')}\\b`).test(message));
  const regex = REGEX_SIGNS.exec(message);
  if (regex !== null) found.push(regex[0]);
  return [...found, ...patterns.filter((pattern) => message.includes(pattern))];
}

/** A place in the parameters: names and, for a list's items, index 0. */
type Path = (string | number)[];

/** Every schema within `schema` with the path of a value it checks. */
function* schemasWithin(schema: JsonSchema, path: Path = []): Generator<{ path: Path; schema: JsonSchema }> {
  yield { path, schema };
  const properties = schema.properties;
  if (isRecord(properties)) {
    for (const [name, inner] of Object.entries(properties)) if (isRecord(inner)) yield* schemasWithin(inner, [...path, name]);
  }
  if (isRecord(schema.items)) yield* schemasWithin(schema.items, [...path, 0]);
  const patterns = schema.patternProperties;
  if (isRecord(patterns)) {
    for (const inner of Object.values(patterns)) if (isRecord(inner)) yield* schemasWithin(inner, [...path, 'someName']);
  }
}

/** Values `schema` refuses: the wrong kind, and each of its bounds and pattern broken. */
function wrongValues(schema: JsonSchema): unknown[] {
  const number = (keyword: string): number | undefined => (typeof schema[keyword] === 'number' ? schema[keyword] : undefined);
  const values: unknown[] = ['not one of the choices', { an: 'object' }];
  switch (schema.type) {
    case 'string': {
      values.push([1]);
      if (typeof schema.pattern === 'string') values.push('does not fit!', '');
      const max = number('maxLength');
      if (max !== undefined) values.push('x'.repeat(max + 1));
      const min = number('minLength');
      if (min !== undefined && min > 0) values.push('');
      break;
    }
    case 'integer':
    case 'number': {
      values.push('lots', 1.5);
      const min = number('minimum');
      const max = number('maximum');
      if (min !== undefined) values.push(min - 1);
      if (max !== undefined) values.push(max + 1);
      break;
    }
    case 'array': {
      values.push('not a list');
      const max = number('maxItems');
      if (max !== undefined) values.push(Array.from({ length: max + 1 }, () => ({ wrong: true })));
      values.push(['same', 'same']);
      break;
    }
    default:
      values.push(7);
  }
  return values;
}

/** `values` with `value` at `path`, the objects and lists on the way made when missing. */
function withValueAt(values: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(values);
  let at: Record<string | number, unknown> = copy;
  path.forEach((segment, index) => {
    if (index === path.length - 1) {
      at[segment] = value;
      return;
    }
    const next = at[segment];
    const made = typeof next === 'object' && next !== null ? next : typeof path[index + 1] === 'number' ? [] : {};
    at[segment] = made;
    at = made as Record<string | number, unknown>;
  });
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const cells = catalog.list().flatMap((lesson) =>
  (catalog.get(lesson.id)?.cells ?? []).flatMap((cell) => {
    if (cell.kind !== 'run') return [];
    const found = catalog.cell(lesson.id, cell.id);
    return found === undefined ? [] : [{ name: `${lesson.id}/${cell.id}`, cell: found }];
  }),
);

describe('parameter errors in words', () => {
  it('tells a raw pattern or keyword apart from words (so the checks below can fail)', () => {
    expect(rawSchemaText('properties.expiration must be a string matching ^[0-9]{1,10}$, got "soon"', [])).not.toEqual([]);
    expect(rawSchemaText('must be text of at most 255 characters, got [1]', ['[A-Z]+'])).toEqual([]);
    expect(rawSchemaText('workers must be an integer with maximum 5', [])).toEqual(['maximum']);
  });

  it.each(cells.map(({ name, cell }) => [name, cell] as const))(
    '%s: no message shows a regular expression',
    (_name, { cell, scenario }) => {
      const schema = scenario.params as JsonSchema;
      const patterns = [...schemasWithin(schema)].flatMap(({ schema: inner }) =>
        typeof inner.pattern === 'string' ? [inner.pattern] : [],
      );
      const defaults = validateParams(scenario.params, mergeParams(schema, cell.defaults, {}));
      if (!defaults.ok) throw new Error(`the defaults of ${_name} do not validate`);
      const formChecker = toTypeBox(schema);
      let checked = 0;
      for (const { path, schema: inner } of schemasWithin(schema)) {
        if (path.length === 0) continue;
        for (const wrong of wrongValues(inner)) {
          const values = withValueAt(defaults.params, path, wrong);
          const server = validateParams(scenario.params, values);
          const messages = [
            ...(server.ok ? [] : server.errors.map((error) => error.message)),
            ...findProblems(formChecker, values).values(),
          ];
          for (const message of messages)
            expect(rawSchemaText(message, patterns), `${path.join('.')} = ${JSON.stringify(wrong)}: ${message}`).toEqual([]);
          checked += messages.length;
        }
      }
      expect(checked).toBeGreaterThan(0);
    },
  );
});
