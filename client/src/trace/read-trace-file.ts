/**
 * Reading a saved trace file (server/protocol/trace-file.ts) back, checking
 * it on the way: a file that is not one, or is damaged, is refused with a
 * sentence naming what is wrong and what is allowed. Plain TypeScript, no DOM.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import type { TraceEvent, TraceFile } from '../../../server/protocol/index.js';
import { TRACE_EVENT_SCHEMAS, TRACE_FILE_FORMAT, TRACE_FILE_VERSION, TraceFileHeader } from '../../../server/protocol/trace-file.js';

/** The outcome of reading a file. */
export type ReadTraceFile = { ok: true; file: TraceFile } | { ok: false; error: string };

const KINDS = Object.keys(TRACE_EVENT_SCHEMAS).join(', ');

/** Reads a trace file's text; never throws. */
export function readTraceFile(text: string): ReadTraceFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `This file is not JSON (${(error as Error).message}). A saved trace is the JSON file a run cell's “Save trace” button downloads.`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as { format?: unknown }).format !== TRACE_FILE_FORMAT) {
    return {
      ok: false,
      error: `This file is JSON but not a Warren trace: its "format" must be "${TRACE_FILE_FORMAT}" (got ${preview((value as { format?: unknown } | null)?.format)}). Open a file saved with a run cell's “Save trace” button.`,
    };
  }
  const version = (value as { version?: unknown }).version;
  if (typeof version === 'number' && Number.isInteger(version) && version > TRACE_FILE_VERSION) {
    return {
      ok: false,
      error: `This trace was saved in version ${version} of the format, newer than this workbook reads (version ${TRACE_FILE_VERSION} and older). Open it with a newer Warren.`,
    };
  }
  if (!Value.Check(TraceFileHeader, value)) {
    return { ok: false, error: `This Warren trace is damaged: ${firstProblem(TraceFileHeader, value)}.` };
  }
  const events = value.events;
  let lastSeq = 0;
  for (let index = 0; index < events.length; index += 1) {
    const problem = eventProblem(events[index], lastSeq);
    if (problem !== undefined) return { ok: false, error: `Event ${index + 1} of this trace is malformed: ${problem}.` };
    lastSeq = (events[index] as TraceEvent).seq;
  }
  return { ok: true, file: value as TraceFile };
}

/** What is wrong with one event, or undefined when it is a trace event that follows the one before. */
function eventProblem(event: unknown, lastSeq: number): string | undefined {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return `it must be an object (got ${preview(event)})`;
  const kind = (event as { kind?: unknown }).kind;
  const schema =
    typeof kind === 'string' && Object.hasOwn(TRACE_EVENT_SCHEMAS, kind) ? TRACE_EVENT_SCHEMAS[kind as TraceEvent['kind']] : undefined;
  if (schema === undefined) return `its "kind" must be one of ${KINDS} (got ${preview(kind)})`;
  if (!Value.Check(schema, event)) return firstProblem(schema, event);
  const seq = (event as { seq: number }).seq;
  if (seq <= lastSeq)
    return `its "seq" must be greater than the event before's ${lastSeq} (got ${seq}): events are in the order they happened`;
  return undefined;
}

/** The first problem a schema finds, in words: "'status' must be one of finished, stopped, ... (got 'done')". */
function firstProblem(schema: TSchema, value: unknown): string {
  const error = Value.Errors(schema, value).First();
  return error === undefined ? 'it does not match the format' : describeError(error);
}

function describeError(error: ValueError): string {
  const field = `"${error.path.replace(/^\//, '').replace(/\//g, '.')}"`;
  if (error.type === ValueErrorType.ObjectRequiredProperty) return `${field} is missing: it must be ${describeSchema(error.schema)}`;
  return `${field} must be ${describeSchema(error.schema)} (got ${preview(error.value)})`;
}

/** What a schema allows, in words. */
function describeSchema(schema: TSchema): string {
  const literals = literalValues(schema);
  if (literals.length === 1) return `"${literals[0]}"`;
  if (literals.length > 1) return `one of ${literals.join(', ')}`;
  switch (schema.type) {
    case 'string':
      return 'a string';
    case 'integer':
      return (schema as { minimum?: number }).minimum === 0 ? 'a whole number, 0 or more' : 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    default:
      return 'a valid value';
  }
}

function literalValues(schema: TSchema): string[] {
  if (typeof schema.const === 'string') return [schema.const];
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as TSchema[]).flatMap(literalValues);
  return [];
}

/** A short rendering of a wrong value, so an error never echoes a large part of the file. */
function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
