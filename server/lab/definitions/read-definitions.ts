/**
 * Reads a definitions file, checked: its text must be JSON, an object, and
 * each exchange, queue and binding of the shape RabbitMQ writes. Every
 * problem names where it is (`queues[3].arguments["x-max-length"]`) and
 * what is allowed there.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { pathDeeperThan } from '../../lessons/nesting.js';
import { DefinitionsFile, NOT_IMPORTED_GROUPS, type Definitions, type NotImportedGroup } from './definitions-format.js';

/** Either the definitions, or every problem found (at most MAX_PROBLEMS, then a count). */
export type ReadDefinitions = { ok: true; definitions: Definitions } | { ok: false; errors: string[] };

/** At most this many problems are listed; the rest are counted in one more line. */
const MAX_PROBLEMS = 20;
/** How deeply an argument's value may nest (a definitions file itself is three levels above its arguments). */
const MAX_DEPTH = 32;

/** Reads a definitions file from its text. */
export function readDefinitionsText(text: string): ReadDefinitions {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      errors: [
        `the file is not JSON (${(error as Error).message}); a definitions file is a JSON object as rabbitmqctl export_definitions writes it`,
      ],
    };
  }
  return readDefinitions(value);
}

/** Reads a definitions file already parsed from JSON. */
export function readDefinitions(value: unknown): ReadDefinitions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      errors: [
        `the file must be a JSON object with "exchanges", "queues" and "bindings" lists, as rabbitmqctl export_definitions writes; got ${kindOf(value)}`,
      ],
    };
  }
  const tooDeep = pathDeeperThan(value, MAX_DEPTH);
  if (tooDeep !== undefined) {
    return {
      ok: false,
      errors: [`${pathText(tooDeep)} nests more than ${MAX_DEPTH} levels deep; arguments are flat tables of names and values`],
    };
  }
  if (!Value.Check(DefinitionsFile, value)) return { ok: false, errors: limited(schemaProblems(value)) };
  const file = value as {
    exchanges?: Definitions['exchanges'];
    queues?: Definitions['queues'];
    bindings?: Definitions['bindings'];
  } & Partial<Record<NotImportedGroup, unknown[]>>;
  const exchanges = file.exchanges ?? [];
  const queues = file.queues ?? [];
  const bindings = file.bindings ?? [];
  const groups = { exchanges, queues, bindings };
  const items = Object.entries(groups).flatMap(([group, list]) => list.map((item, index) => ({ group, index, vhost: item.vhost })));
  const withVhost = items.filter((item) => item.vhost !== undefined);
  const form = withVhost.length > 0 ? 'broker' : 'vhost';
  if (form === 'broker' && withVhost.length < items.length) {
    const missing = items.filter((item) => item.vhost === undefined).map((item) => `${item.group}[${item.index}].vhost is missing`);
    return {
      ok: false,
      errors: limited(
        missing.map(
          (line) =>
            `${line}: in a whole-broker file (its other items name their vhost) every exchange, queue and binding must say its vhost; a per-vhost file names none`,
        ),
      ),
    };
  }
  const notImported: Definitions['notImported'] = {};
  for (const group of NOT_IMPORTED_GROUPS) {
    const count = file[group]?.length ?? 0;
    if (count > 0) notImported[group] = count;
  }
  return { ok: true, definitions: { form, exchanges, queues, bindings, notImported } };
}

/** One line per wrong place, the first problem at each only, outermost first. */
function schemaProblems(value: unknown): string[] {
  const problems: string[] = [];
  const reported: string[] = [];
  for (const error of Value.Errors(DefinitionsFile, value)) {
    const segments = pointerSegments(error.path);
    const key = segments.join('\u0000');
    if (reported.some((done) => done === key || key.startsWith(`${done}\u0000`))) continue;
    reported.push(key);
    const where = segments.length === 0 ? 'the file' : pathText(segments);
    if (error.type === ValueErrorType.ObjectRequiredProperty || error.value === undefined) {
      problems.push(`${where} is missing: it must be ${allowed(error.schema)}`);
    } else {
      problems.push(`${where} must be ${allowed(error.schema)}, got ${preview(error.value)}`);
    }
  }
  return problems;
}

/** The first MAX_PROBLEMS lines, and a count of the rest. */
function limited(problems: string[]): string[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), `and ${problems.length - MAX_PROBLEMS} more problems`];
}

/** '/queues/3/arguments/x-max-length' → ['queues', '3', 'arguments', 'x-max-length']. */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** ['queues', '3', 'arguments', 'x-max-length'] → 'queues[3].arguments["x-max-length"]'. */
function pathText(segments: string[]): string {
  let text = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** What a schema allows, in words. */
function allowed(schema: TSchema): string {
  if (typeof schema.const === 'string') return `"${schema.const}"`;
  if (Array.isArray(schema.anyOf)) {
    const literals = (schema.anyOf as TSchema[]).map((variant): unknown => variant.const).filter((value) => typeof value === 'string');
    if (literals.length > 0) return `one of ${literals.map((literal) => `"${literal}"`).join(', ')}`;
  }
  switch (schema.type) {
    case 'string':
      return (schema as { minLength?: number }).minLength === 1 ? 'a non-empty string' : 'a string';
    case 'integer': {
      const minimum = (schema as { minimum?: number }).minimum;
      return minimum === undefined ? 'an integer' : `a whole number of at least ${minimum}`;
    }
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

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/** A short rendering of a wrong value: the error never echoes a large part of the file. */
function preview(value: unknown): string {
  // JSON.stringify gives undefined for undefined, which the types do not say.
  const text = (JSON.stringify(value) as string | undefined) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
