/**
 * Says in words what a parameter's JSON Schema allows ("an integer from 1 to
 * 5", "one of automatic, manual, forgotten"), so a rejected value can be
 * answered with what would have been accepted.
 */
import type { JsonSchema } from '../protocol/index.js';

/** What values `schema` accepts, as a phrase that completes "workers must be ...". */
export function describeAllowed(schema: JsonSchema): string {
  const choices = constChoices(schema);
  if (choices !== undefined) {
    return choices.length === 1 ? `exactly ${choices[0]}` : `one of ${choices.join(', ')}`;
  }
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) {
    return joinAlternatives(variants.map((variant) => describeAllowed(variant as JsonSchema)));
  }
  switch (schema.type) {
    case 'integer':
      return `an integer${describeRange(schema)}`;
    case 'number':
      return `a number${describeRange(schema)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return describeString(schema);
    case 'array':
      return describeArray(schema);
    case 'object':
      return describeObject(schema);
    case 'null':
      return 'null';
    default:
      return 'a value of the documented kind';
  }
}

/** The constants a union of literals (or an enum) allows, rendered for reading; undefined when it is not one. */
function constChoices(schema: JsonSchema): string[] | undefined {
  if ('const' in schema) return [renderConst(schema.const)];
  if (Array.isArray(schema.enum)) return schema.enum.map(renderConst);
  const variants = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(variants) || variants.length === 0) return undefined;
  const choices: string[] = [];
  for (const variant of variants as JsonSchema[]) {
    const inner = constChoices(variant);
    if (inner === undefined) return undefined;
    choices.push(...inner);
  }
  return choices;
}

function renderConst(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function joinAlternatives(phrases: string[]): string {
  const unique = [...new Set(phrases)];
  if (unique.length <= 1) return unique[0] ?? 'nothing';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function describeRange(schema: JsonSchema): string {
  const min = numberKeyword(schema, 'minimum');
  const max = numberKeyword(schema, 'maximum');
  const above = numberKeyword(schema, 'exclusiveMinimum');
  const below = numberKeyword(schema, 'exclusiveMaximum');
  const parts: string[] = [];
  if (min !== undefined && max !== undefined) parts.push(`from ${min} to ${max}`);
  else if (min !== undefined) parts.push(`of at least ${min}`);
  else if (max !== undefined) parts.push(`of at most ${max}`);
  if (above !== undefined) parts.push(`above ${above}`);
  if (below !== undefined) parts.push(`below ${below}`);
  const multiple = numberKeyword(schema, 'multipleOf');
  if (multiple !== undefined) parts.push(`that is a multiple of ${multiple}`);
  return parts.length === 0 ? '' : ` ${parts.join(' and ')}`;
}

function describeString(schema: JsonSchema): string {
  if (typeof schema.pattern === 'string') return patternInWords(schema);
  const min = numberKeyword(schema, 'minLength');
  const max = numberKeyword(schema, 'maxLength');
  let phrase = 'a string';
  if (min !== undefined && max !== undefined) phrase += ` of ${min} to ${max} characters`;
  else if (min !== undefined) phrase += ` of at least ${min} character${min === 1 ? '' : 's'}`;
  else if (max !== undefined) phrase += ` of at most ${max} characters`;
  return phrase;
}

/**
 * What a string with a pattern allows: its patternInWords, which a scenario
 * must give (scenario files are checked for it). A learner is never shown
 * the regular expression itself.
 */
export function patternInWords(schema: JsonSchema): string {
  return typeof schema.patternInWords === 'string' ? schema.patternInWords : 'a string in the form the description gives';
}

function describeArray(schema: JsonSchema): string {
  const min = numberKeyword(schema, 'minItems');
  const max = numberKeyword(schema, 'maxItems');
  let phrase = 'a list';
  if (min !== undefined && max !== undefined) phrase += ` of ${min} to ${max} items`;
  else if (min !== undefined) phrase += ` of at least ${min} item${min === 1 ? '' : 's'}`;
  else if (max !== undefined) phrase += ` of at most ${max} items`;
  if (schema.uniqueItems === true) phrase += ' with no repeats';
  const items = schema.items;
  if (items !== undefined && typeof items === 'object' && !Array.isArray(items)) {
    phrase += `, each ${describeAllowed(items as JsonSchema)}`;
  }
  return phrase;
}

function describeObject(schema: JsonSchema): string {
  const properties = schema.properties;
  if (isSchemaMap(properties)) {
    const names = Object.keys(properties);
    return names.length === 0 ? 'an empty object' : `an object with ${names.join(', ')}`;
  }
  const patterns = schema.patternProperties;
  if (isSchemaMap(patterns)) {
    const values = Object.values(patterns);
    if (values.length === 1 && values[0] !== undefined) return `an object whose values are each ${describeAllowed(values[0])}`;
  }
  return 'an object';
}

function isSchemaMap(value: unknown): value is Record<string, JsonSchema> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberKeyword(schema: JsonSchema, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === 'number' ? value : undefined;
}
