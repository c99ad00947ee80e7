/**
 * What is wrong with a set of parameter values, told next to the field at
 * fault: "must be an integer from 1 to 5, got 9". TypeBox's Value finds the
 * problems; the wording says what would have been accepted.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import type { JsonSchema } from '../../../server/protocol/index.js';
import { choicesOf, numberKeyword } from './param-schema.js';

/** Problems by the path of the value at fault, as JSON pointer segments joined by '/' ('tasks/2'). */
export type ParamProblems = Map<string, string>;

/** Every problem in `values`, the first one per value (a union's variants or a group's fields would repeat it). */
export function findProblems(schema: TSchema, values: unknown): ParamProblems {
  const problems: ParamProblems = new Map();
  if (Value.Check(schema, values)) return problems;
  for (const error of Value.Errors(schema, values)) {
    const path = error.path
      .split('/')
      .filter((segment) => segment !== '')
      .map(unescapePointer)
      .join('/');
    if ([...problems.keys()].some((done) => done === path || path.startsWith(`${done}/`))) continue;
    if (error.type === ValueErrorType.ObjectAdditionalProperties) {
      problems.set(path, 'is not a field here: remove it');
      continue;
    }
    const allowed = describeAllowed(error.schema);
    problems.set(path, error.value === undefined ? `is missing: it must be ${allowed}` : `must be ${allowed}, got ${render(error.value)}`);
  }
  return problems;
}

/** What a schema accepts, as a phrase completing "must be ...". */
export function describeAllowed(schema: JsonSchema): string {
  const choices = choicesOf(schema);
  if (choices !== undefined) return choices.length === 1 ? `exactly ${render(choices[0])}` : `one of ${choices.map(render).join(', ')}`;
  switch (schema.type) {
    case 'integer':
      return `a whole number${describeRange(schema)}`;
    case 'number':
      return `a number${describeRange(schema)}`;
    case 'boolean':
      return 'on or off';
    case 'string':
      // A pattern is told in the words its scenario gives (JsonSchema's patternInWords), never as the regular expression.
      if (typeof schema.pattern === 'string')
        return typeof schema.patternInWords === 'string' ? schema.patternInWords : 'text in the form the description gives';
      return describeLength(schema, 'text', 'character');
    case 'array':
      return describeLength(schema, 'a list', 'item', 'Items') + (schema.uniqueItems === true ? ' with no repeats' : '');
    case 'object':
      return 'an object';
    default:
      return 'a value of the documented kind';
  }
}

function describeRange(schema: JsonSchema): string {
  const min = numberKeyword(schema, 'minimum');
  const max = numberKeyword(schema, 'maximum');
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

function describeLength(schema: JsonSchema, noun: string, unit: string, suffix = 'Length'): string {
  const min = numberKeyword(schema, `min${suffix}`);
  const max = numberKeyword(schema, `max${suffix}`);
  const units = (count: number): string => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (min !== undefined && max !== undefined) return `${noun} of ${min} to ${units(max)}`;
  if (min !== undefined) return `${noun} of at least ${units(min)}`;
  if (max !== undefined) return `${noun} of at most ${units(max)}`;
  return noun;
}

function render(value: unknown): string {
  if (value === null) return 'nothing';
  if (typeof value === 'number' && Number.isNaN(value)) return 'not a number';
  // Parameter values are JSON, or missing: JSON.stringify has no text for undefined.
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
