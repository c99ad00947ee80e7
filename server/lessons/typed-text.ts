/**
 * Values typed on a command line (or written loosely in YAML) arrive as text
 * where the schema wants a number or a boolean. This turns them into what the
 * schema expects, but only when the text says so exactly: '3' becomes 3,
 * '2.5' stays '2.5' for an integer (so it is refused, never rounded).
 */
import type { JsonSchema } from '../protocol/index.js';
import { ownProperty } from './own-property.js';

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** `value` converted where `schema` calls for another type and the conversion is exact; otherwise unchanged. */
export function convertTypedText(schema: JsonSchema, value: unknown): unknown {
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) {
    const options = variants as JsonSchema[];
    if (options.some((variant) => hasTypeOf(variant, value))) return value;
    for (const variant of options) {
      const converted = convertTypedText(variant, value);
      if (converted !== value && hasTypeOf(variant, converted)) return converted;
    }
    return value;
  }
  if ('const' in schema) {
    return typeof value === 'string' && typeof schema.const !== 'string' && String(schema.const) === value ? schema.const : value;
  }
  switch (schema.type) {
    case 'integer':
    case 'number':
      return typeof value === 'string' && NUMBER_TEXT.test(value.trim()) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    case 'null':
      return value === 'null' ? null : value;
    case 'array':
      return Array.isArray(value) && isSchema(schema.items)
        ? value.map((item) => convertTypedText(schema.items as JsonSchema, item))
        : value;
    case 'object':
      return isRecord(value) ? convertFields(schema, value) : value;
    default:
      return value;
  }
}

function convertFields(schema: JsonSchema, value: Record<string, unknown>): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
  const patterns = isRecord(schema.patternProperties) ? Object.values(schema.patternProperties as Record<string, JsonSchema>) : [];
  const others = patterns.length === 1 ? patterns[0] : isSchema(schema.additionalProperties) ? schema.additionalProperties : undefined;
  // fromEntries defines each name on the object itself, whatever it is called.
  return Object.fromEntries(
    Object.entries(value).map(([name, field]) => {
      const fieldSchema = ownProperty(properties, name) ?? others;
      return [name, fieldSchema === undefined ? field : convertTypedText(fieldSchema, field)];
    }),
  );
}

/** Whether `value` already has the type (or is the constant) a schema names, ignoring bounds. */
function hasTypeOf(schema: JsonSchema, value: unknown): boolean {
  if ('const' in schema) return schema.const === value;
  switch (schema.type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
    case 'boolean':
      return typeof value === schema.type;
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isRecord(value);
    default:
      return false;
  }
}

function isSchema(value: unknown): value is JsonSchema {
  return isRecord(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
