/**
 * Turns one WebSocket text frame into a ClientMessage, or into a sentence
 * saying what was wrong with it: the browser (or a learner poking at the
 * socket by hand) always learns why a message was refused.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import { MAX_PARAM_DEPTH, pathDeeperThan, shortPath } from '../lessons/nesting.js';
import { ClientMessage } from '../protocol/messages.js';

/** The outcome of reading one inbound frame. */
export type ParsedClientMessage = { ok: true; message: ClientMessage } | { ok: false; error: string };

/** At most this many problems are listed in one error reply; the rest are counted. */
const MAX_PROBLEMS = 5;

/** Each message type with the schema that describes it, read from the protocol's union. */
const schemaByType = new Map<string, TSchema>(
  ClientMessage.anyOf.flatMap((variant) => literalValues(variant.properties.type).map((type) => [type, variant] as const)),
);

/** Reads a frame's text; never throws. */
export function parseClientMessage(text: string): ParsedClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the message is not JSON (${(error as Error).message}); send an object like {"type":"run", ...}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `the message must be a JSON object with a 'type'; got ${kindOf(value)}` };
  }
  // Refused before anything walks it: the message itself is one level above its parameters.
  const tooDeep = pathDeeperThan(value, MAX_PARAM_DEPTH + 1);
  if (tooDeep !== undefined) {
    return {
      ok: false,
      error: `the message nests more than ${MAX_PARAM_DEPTH + 1} levels deep (at ${shortPath(tooDeep)}): a run's parameters may nest at most ${MAX_PARAM_DEPTH} levels of objects and lists`,
    };
  }
  const type = (value as { type?: unknown }).type;
  const known = [...schemaByType.keys()].join(', ');
  if (type === undefined) return { ok: false, error: `'type' is missing: it must be one of ${known}` };
  const schema = typeof type === 'string' ? schemaByType.get(type) : undefined;
  if (typeof type !== 'string' || schema === undefined) return { ok: false, error: `'type' must be one of ${known}; got ${preview(type)}` };
  if (Value.Check(ClientMessage, value)) return { ok: true, message: value };
  return { ok: false, error: `bad '${type}' message: ${describeErrors(schema, value)}` };
}

/** One sentence per wrong field, first problem per field only, so the reply stays short. */
function describeErrors(schema: TSchema, value: unknown): string {
  const byPath = new Map<string, ValueError>();
  for (const error of Value.Errors(schema, value)) {
    if (!byPath.has(error.path)) byPath.set(error.path, error);
  }
  const problems = [...byPath.values()].map((error) => describeError(schema, error));
  const shown = problems.slice(0, MAX_PROBLEMS).join('; ');
  const more = problems.length - MAX_PROBLEMS;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

function describeError(messageSchema: TSchema, error: ValueError): string {
  const field = fieldName(error.path);
  if (error.type === ValueErrorType.ObjectRequiredProperty) {
    return `'${field}' is missing: it must be ${describeSchema(error.schema)}`;
  }
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const fields = Object.keys((messageSchema as { properties?: object }).properties ?? {}).join(', ');
    return `'${field}' is not a field of this message (its fields are ${fields})`;
  }
  return `'${field}' must be ${describeSchema(error.schema)} (got ${preview(error.value)})`;
}

/** '/params/workers' → 'params.workers'. */
function fieldName(path: string): string {
  return path.replace(/^\//, '').replace(/\//g, '.');
}

/** What a schema allows, in words: "a string of 1 to 64 characters", "one of continuous, step". */
function describeSchema(schema: TSchema): string {
  const literals = literalValues(schema);
  if (literals.length === 1) return `'${literals[0]}'`;
  if (literals.length > 1) return `one of ${literals.join(', ')}`;
  if (schema.type === 'string') {
    const { minLength, maxLength } = schema as { minLength?: number; maxLength?: number };
    if (minLength !== undefined && maxLength !== undefined) return `a string of ${minLength} to ${maxLength} characters`;
    if (maxLength !== undefined) return `a string of at most ${maxLength} characters`;
    if (minLength !== undefined) return `a string of at least ${minLength} characters`;
    return 'a string';
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const noun = schema.type === 'integer' ? 'an integer' : 'a number';
    const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
    if (minimum !== undefined && maximum !== undefined) return `${noun} from ${minimum} to ${maximum}`;
    return noun;
  }
  if (schema.type === 'object') return 'an object';
  if (schema.type === 'array') return 'an array';
  if (schema.type === 'boolean') return 'true or false';
  return 'a valid value';
}

/** The constant values a schema allows: one for a Literal, several for a union of Literals, none otherwise. */
function literalValues(schema: TSchema): string[] {
  if (typeof schema.const === 'string') return [schema.const];
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as TSchema[]).flatMap(literalValues);
  return [];
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** A short rendering of a wrong value, cut so an error reply never echoes a large payload. */
function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  // The value came from JSON.parse, so it has a JSON text.
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
