/**
 * Checking a run's parameters against its scenario's schema: defaults filled
 * in, strings from a command line converted ('3' -> 3, 'true' -> true),
 * unknown names, names every object inherits and values nested too deep
 * refused, and every problem told as "what, and what is allowed".
 */
import type { TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { JsonSchema } from '../protocol/index.js';
import { describeAllowed } from './allowed-values.js';
import { MAX_PARAM_DEPTH, pathDeeperThan, shortPath } from './nesting.js';
import { ownProperty } from './own-property.js';
import { convertTypedText } from './typed-text.js';

/** One parameter that cannot be used, and why. */
export interface ParamError {
  /** The parameter's name, dotted for nested ones ('properties.deliveryMode'); '' for the whole set. */
  param: string;
  /** A sentence naming the parameter and what it allows. */
  message: string;
}

/** The outcome of validateParams: usable parameters, or every reason they are not. */
export type ParamsResult = { ok: true; params: Record<string, unknown> } | { ok: false; errors: ParamError[] };

/**
 * Names every JavaScript object inherits ('constructor', 'toString',
 * '__proto__', ...): looked up on a plain object they find something that was
 * never sent, and '__proto__' replaces the object's prototype when assigned.
 */
const INHERITED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Fills defaults, converts strings, refuses unknown names and checks every value against `schema`. */
export function validateParams(schema: TObject, values: unknown): ParamsResult {
  if (!isPlainObject(values)) {
    return { ok: false, errors: [{ param: '', message: `parameters must be an object of name: value, got ${render(values)}` }] };
  }
  const tooDeep = pathDeeperThan(values, MAX_PARAM_DEPTH);
  if (tooDeep !== undefined) {
    const param = tooDeep[0] ?? '';
    const message = `${param} nests more than ${MAX_PARAM_DEPTH} levels deep (at ${shortPath(tooDeep)}): parameters may nest at most ${MAX_PARAM_DEPTH} levels of objects and lists`;
    return { ok: false, errors: [{ param, message }] };
  }
  const badNames: ParamError[] = [];
  findInheritedNames(schema, values, [], badNames);
  if (badNames.length > 0) return { ok: false, errors: badNames };
  findUnknownNames(schema, values, [], badNames);
  if (badNames.length > 0) return { ok: false, errors: badNames };

  const filled = Value.Default(schema, structuredClone(values));
  const converted = convertTypedText(schema, filled) as Record<string, unknown>;
  if (Value.Check(schema, converted)) return { ok: true, params: converted };

  const errors: ParamError[] = [];
  const reported: string[] = [];
  for (const error of Value.Errors(schema, converted)) {
    const segments = pointerSegments(error.path);
    const param = segments.join('.');
    // One message per parameter: the first error on a value explains it, the
    // ones beneath it (a union's variants, an object's fields) repeat it.
    if (reported.some((done) => done === param || param.startsWith(`${done}.`))) continue;
    reported.push(param);
    const allowed = describeAllowed(error.schema);
    const name = param === '' ? 'the parameters' : param;
    const message =
      error.value === undefined ? `${name} is missing: it must be ${allowed}` : `${name} must be ${allowed}, got ${render(error.value)}`;
    errors.push({ param, message });
  }
  return { ok: false, errors };
}

/**
 * Lays `overrides` over `base` (a cell's defaults over the scenario's, a
 * run's values over the cell's): objects with fixed properties merge field by
 * field, everything else (lists, free-form maps like headers) is replaced.
 */
export function mergeParams(
  schema: JsonSchema,
  base: Record<string, unknown>,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  // A Map, not assignments: a name like '__proto__' stays a name for validateParams to refuse.
  const merged = new Map(Object.entries(base));
  const properties = propertySchemas(schema);
  for (const [name, value] of Object.entries(overrides)) {
    const inner = properties === undefined ? undefined : ownProperty(properties, name);
    const current = merged.get(name);
    merged.set(
      name,
      inner !== undefined && propertySchemas(inner) !== undefined && isPlainObject(current) && isPlainObject(value)
        ? mergeParams(inner, current, value)
        : value,
    );
  }
  return Object.fromEntries(merged);
}

/** Reports every name an object inherits used as a name, at any depth, in fixed-shape objects and free-form maps alike. */
function findInheritedNames(schema: JsonSchema | undefined, values: unknown, path: string[], errors: ParamError[]): void {
  if (typeof values !== 'object' || values === null) return;
  const properties = schema === undefined ? undefined : propertySchemas(schema);
  for (const [name, value] of Object.entries(values)) {
    if (INHERITED_NAMES.has(name)) {
      const param = [...path, name].join('.');
      const where =
        properties === undefined
          ? ''
          : path.length === 0
            ? `; the parameters are ${Object.keys(properties).join(', ')}`
            : `; ${path.join('.')} has ${Object.keys(properties).join(', ')}`;
      errors.push({
        param,
        message: `parameter name '${param}' is not allowed: every JavaScript object already has a '${name}', so it cannot name a parameter or a field${where}`,
      });
      continue;
    }
    const inner = properties === undefined ? undefined : ownProperty(properties, name);
    const items = schema !== undefined && Array.isArray(values) && isPlainObject(schema.items) ? (schema.items as JsonSchema) : undefined;
    findInheritedNames(inner ?? items, value, [...path, name], errors);
  }
}

/** Reports every name that is not a parameter, at any depth of fixed-shape objects. */
function findUnknownNames(schema: JsonSchema, values: Record<string, unknown>, path: string[], errors: ParamError[]): void {
  const properties = propertySchemas(schema);
  if (properties === undefined) return;
  const opensExtra = path.length > 0 && (schema.additionalProperties === true || isPlainObject(schema.additionalProperties));
  for (const [name, value] of Object.entries(values)) {
    const inner = ownProperty(properties, name);
    if (inner === undefined) {
      if (opensExtra) continue;
      const param = [...path, name].join('.');
      const where = path.length === 0 ? 'the parameters are' : `${path.join('.')} has`;
      errors.push({ param, message: `there is no parameter ${param}; ${where} ${Object.keys(properties).join(', ')}` });
    } else if (isPlainObject(value)) {
      findUnknownNames(inner, value, [...path, name], errors);
    }
  }
}

function propertySchemas(schema: JsonSchema): Record<string, JsonSchema> | undefined {
  const properties = schema.properties;
  return isPlainObject(properties) ? (properties as Record<string, JsonSchema>) : undefined;
}

/** Splits a JSON pointer ('/properties/headers/a~1b') into its unescaped segments. */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A value as it appears after "got", short enough for one line. */
function render(value: unknown): string {
  // Parameters are JSON, or missing: JSON.stringify has no text for undefined.
  const text = typeof value === 'number' || typeof value === 'boolean' || value === undefined ? String(value) : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** True for `{...}` objects (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
