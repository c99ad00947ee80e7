/**
 * Reading a cell's parameter schema (JSON Schema, as the API serves it) for
 * the form: which editor each parameter gets, and the same schema rebuilt as
 * TypeBox types so TypeBox's Value can check what the learner typed.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { JsonSchema } from '../../../server/protocol/index.js';

/** A literal a choice may take. */
export type Choice = string | number | boolean;

/** The editor a parameter gets. */
export type FieldShape =
  /** A slider beside a number input when both bounds are known and close enough to slide between. */
  | { kind: 'number'; integer: boolean; min: number | undefined; max: number | undefined }
  /** A select over the literals a union allows. */
  | { kind: 'choice'; options: Choice[] }
  /** A switch. */
  | { kind: 'boolean' }
  /** A text input. */
  | { kind: 'text' }
  /** A textarea with one string per line. */
  | { kind: 'lines' }
  /** A text input with numbers separated by commas. */
  | { kind: 'numbers'; integer: boolean }
  /** Checkboxes for a set of distinct literals. */
  | { kind: 'choice-set'; options: Choice[] }
  /** Rows that can be added and removed, each edited by `item`. */
  | { kind: 'rows'; item: FieldShape; itemSchema: JsonSchema }
  /** A text input of words separated by commas (a list inside a row). */
  | { kind: 'words' }
  /** Named fields of an object with fixed properties. */
  | { kind: 'group'; fields: FieldSpec[] }
  /** JSON text, for anything else (free-form maps like headers). */
  | { kind: 'json' };

/** One parameter (or a field of an object parameter) with its editor. */
export interface FieldSpec {
  name: string;
  schema: JsonSchema;
  shape: FieldShape;
  /** Whether the value must be there; optional fields left empty are left out. */
  required: boolean;
  /** The schema's description: the help text under the field. */
  description: string | undefined;
}

/** Sliders only make sense for ranges a thumb can cross in reasonable steps. */
const LARGEST_SLIDER_RANGE = 100_000;

/** The fields of an object schema, in the schema's order. */
export function fieldsOf(schema: JsonSchema): FieldSpec[] {
  const properties = schema.properties;
  if (!isRecord(properties)) return [];
  const required = Array.isArray(schema.required) ? schema.required : [];
  return Object.entries(properties).map(([name, property]) => {
    const fieldSchema = property as JsonSchema;
    return {
      name,
      schema: fieldSchema,
      shape: shapeOf(fieldSchema),
      required: required.includes(name),
      description: typeof fieldSchema.description === 'string' ? fieldSchema.description : undefined,
    };
  });
}

/** The editor for one schema. */
export function shapeOf(schema: JsonSchema): FieldShape {
  const options = choicesOf(schema);
  if (options !== undefined) return { kind: 'choice', options };
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const min = numberKeyword(schema, 'minimum');
      const max = numberKeyword(schema, 'maximum');
      const slidable = min !== undefined && max !== undefined && max - min <= LARGEST_SLIDER_RANGE;
      return { kind: 'number', integer: schema.type === 'integer', min: slidable ? min : undefined, max: slidable ? max : undefined };
    }
    case 'boolean':
      return { kind: 'boolean' };
    case 'string':
      return { kind: 'text' };
    case 'array':
      return arrayShape(schema);
    case 'object':
      return isRecord(schema.properties) ? { kind: 'group', fields: fieldsOf(schema) } : { kind: 'json' };
    default:
      return { kind: 'json' };
  }
}

function arrayShape(schema: JsonSchema): FieldShape {
  const items = isRecord(schema.items) ? (schema.items as JsonSchema) : undefined;
  if (items === undefined) return { kind: 'json' };
  const options = choicesOf(items);
  if (options !== undefined && schema.uniqueItems === true) return { kind: 'choice-set', options };
  if (items.type === 'string' && options === undefined) return { kind: 'lines' };
  if (items.type === 'integer' || items.type === 'number') return { kind: 'numbers', integer: items.type === 'integer' };
  const innerItems = isRecord(items.items) ? (items.items as JsonSchema) : undefined;
  if (items.type === 'array' && innerItems?.type === 'string') return { kind: 'rows', item: { kind: 'words' }, itemSchema: items };
  if (items.type === 'object' && isRecord(items.properties)) {
    const fields = fieldsOf(items);
    // Rows hold plain values side by side; nested lists or groups inside a row are edited as JSON.
    if (fields.every((field) => ['number', 'choice', 'boolean', 'text'].includes(field.shape.kind))) {
      return { kind: 'rows', item: { kind: 'group', fields }, itemSchema: items };
    }
  }
  return { kind: 'json' };
}

/** The literals a schema allows when it is a const, an enum or a union of them; undefined otherwise. */
export function choicesOf(schema: JsonSchema): Choice[] | undefined {
  if ('const' in schema && isChoice(schema.const)) return [schema.const];
  if (Array.isArray(schema.enum) && schema.enum.every(isChoice)) return schema.enum;
  const variants = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(variants) || variants.length === 0) return undefined;
  const choices: Choice[] = [];
  for (const variant of variants) {
    const inner = isRecord(variant) ? choicesOf(variant) : undefined;
    if (inner === undefined) return undefined;
    choices.push(...inner);
  }
  return choices;
}

/** A starting value for a new row or an emptied required field: the schema's default, or the plainest value it allows. */
export function blankValue(schema: JsonSchema): unknown {
  if ('default' in schema) return structuredClone(schema.default);
  const choices = choicesOf(schema);
  if (choices !== undefined) return choices[0];
  switch (schema.type) {
    case 'integer':
    case 'number':
      return numberKeyword(schema, 'minimum') ?? 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'array':
      return [];
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const field of fieldsOf(schema)) {
        if (field.required) value[field.name] = blankValue(field.schema);
      }
      return value;
    }
    default:
      return null;
  }
}

/**
 * The schema as TypeBox types, so Value.Check and Value.Errors can read it.
 * Keywords TypeBox understands (bounds, lengths, patterns) carry over as they are.
 */
export function toTypeBox(schema: JsonSchema): TSchema {
  const { type, properties, required, items, anyOf, oneOf, patternProperties, additionalProperties, ...keywords } = schema;
  const variants = anyOf ?? oneOf;
  if ('const' in schema && isChoice(schema.const)) return Type.Literal(schema.const, withoutConst(keywords));
  if (Array.isArray(schema.enum) && schema.enum.every(isChoice)) {
    return Type.Union(
      schema.enum.map((value) => Type.Literal(value)),
      withoutEnum(keywords),
    );
  }
  if (Array.isArray(variants))
    return Type.Union(
      variants.map((variant) => toTypeBox(variant as JsonSchema)),
      keywords,
    );
  switch (type) {
    case 'integer':
      return Type.Integer(keywords);
    case 'number':
      return Type.Number(keywords);
    case 'string':
      return Type.String(keywords);
    case 'boolean':
      return Type.Boolean(keywords);
    case 'null':
      return Type.Null(keywords);
    case 'array':
      return Type.Array(isRecord(items) ? toTypeBox(items as JsonSchema) : Type.Unknown(), keywords);
    case 'object':
      return objectType(schema, keywords);
    default:
      return Type.Unknown(keywords);
  }
}

function objectType(schema: JsonSchema, keywords: JsonSchema): TSchema {
  if (isRecord(schema.properties)) {
    const required = Array.isArray(schema.required) ? schema.required : [];
    const properties: Record<string, TSchema> = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      const inner = toTypeBox(property as JsonSchema);
      properties[name] = required.includes(name) ? inner : Type.Optional(inner);
    }
    return Type.Object(properties, schema.additionalProperties === false ? { ...keywords, additionalProperties: false } : keywords);
  }
  if (isRecord(schema.patternProperties)) {
    const values = Object.values(schema.patternProperties);
    if (values.length === 1) return Type.Record(Type.String(), toTypeBox(values[0] as JsonSchema), keywords);
  }
  return Type.Record(Type.String(), Type.Unknown(), keywords);
}

function withoutConst(keywords: JsonSchema): JsonSchema {
  const { const: _const, ...rest } = keywords;
  return rest;
}

function withoutEnum(keywords: JsonSchema): JsonSchema {
  const { enum: _enum, ...rest } = keywords;
  return rest;
}

function isChoice(value: unknown): value is Choice {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A numeric keyword of a schema (minimum, maxLength, ...), when it is set. */
export function numberKeyword(schema: JsonSchema, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === 'number' ? value : undefined;
}
