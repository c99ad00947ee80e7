/**
 * Field-table values seen the way RabbitMQ sees them: with the wire type's
 * Erlang name ('longstr', 'signedint', ...), compared with Erlang's `==`
 * (numbers by value whatever their width, strings and byte arrays by bytes),
 * and printed the way RabbitMQ prints them in error texts.
 *
 * Tables decoded with `{ exact: true }` keep enough type information for the
 * names to be right; plain-decoded numbers are named by the smallest type
 * that holds them, which is what amqplib sends anyway.
 */
import { numberTag, type FieldTable, type FieldValue } from '../amqp/index.js';

const NAME_BY_TAG: Readonly<Record<number, string>> = {
  0x62: 'byte',
  0x73: 'short',
  0x49: 'signedint',
  0x6c: 'long',
  0x64: 'double',
};

const NAME_BY_TYPED: Readonly<Record<string, string>> = {
  int8: 'byte',
  byte: 'byte',
  uint8: 'unsignedbyte',
  unsignedbyte: 'unsignedbyte',
  int16: 'short',
  short: 'short',
  uint16: 'unsignedshort',
  unsignedshort: 'unsignedshort',
  int32: 'signedint',
  int: 'signedint',
  uint32: 'unsignedint',
  unsignedint: 'unsignedint',
  int64: 'long',
  long: 'long',
  float: 'float',
  double: 'double',
  float64: 'double',
  timestamp: 'timestamp',
  decimal: 'decimal',
  string: 'longstr',
  longstr: 'longstr',
  boolean: 'bool',
  table: 'table',
};

interface Typed {
  '!': string;
  value: unknown;
}

function isTyped(value: object): value is Typed {
  return Object.hasOwn(value, '!') && Object.hasOwn(value, 'value');
}

/** RabbitMQ's name for a value's wire type, e.g. 'longstr', 'short', 'signedint', 'bool'. */
export function fieldTypeName(value: FieldValue): string {
  switch (typeof value) {
    case 'string':
      return 'longstr';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'long';
    case 'number':
      return NAME_BY_TAG[numberTag(value)] ?? 'double';
    default:
      if (value === null) return 'void';
      if (Buffer.isBuffer(value)) return 'binary';
      if (Array.isArray(value)) return 'array';
      if (isTyped(value)) {
        if (value['!'] === 'number' && typeof value.value === 'number') return fieldTypeName(value.value);
        if (value['!'] === 'object') return fieldTypeName(value.value);
        return NAME_BY_TYPED[value['!']] ?? 'table';
      }
      return 'table';
  }
}

const INTEGER_TYPES = new Set(['byte', 'short', 'signedint', 'long', 'unsignedbyte', 'unsignedshort', 'unsignedint']);

/** RabbitMQ's type class: every integer width is 'int', float and double are 'float'. */
export function fieldTypeClass(value: FieldValue): string {
  const name = fieldTypeName(value);
  if (INTEGER_TYPES.has(name)) return 'int';
  if (name === 'double') return 'float';
  return name;
}

/** A value without its `{ '!': type }` wrapper. */
export function plainValue(value: FieldValue): unknown {
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value) && isTyped(value)) {
    return value.value;
  }
  return value;
}

/** Whether a value is an integer of any width (what RabbitMQ's integer arguments require). */
export function isIntegerValue(value: FieldValue): boolean {
  return INTEGER_TYPES.has(fieldTypeName(value)) && Number.isInteger(Number(plainValue(value)));
}

/** The number an integer-typed value holds. */
export function integerValue(value: FieldValue): number {
  return Number(plainValue(value));
}

/** Erlang `==` on two field values: numbers by value, strings and byte arrays by bytes, containers deeply. */
export function fieldValuesEqual(a: FieldValue, b: FieldValue): boolean {
  return equalPlain(plainValue(a), plainValue(b));
}

function equalPlain(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof a === 'bigint') {
    return (typeof b === 'number' || typeof b === 'bigint') && Number(a) === Number(b);
  }
  if (typeof a === 'string' || Buffer.isBuffer(a)) {
    if (typeof b !== 'string' && !Buffer.isBuffer(b)) return false;
    if (typeof a === 'string' && typeof b === 'string') return a === b;
    return Buffer.from(a).equals(Buffer.from(b));
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => fieldValuesEqual(item as FieldValue, b[i] as FieldValue));
  }
  if (typeof a === 'object' && a !== null) {
    if (typeof b !== 'object' || b === null || Array.isArray(b) || Buffer.isBuffer(b)) return false;
    const left = a as FieldTable;
    const right = b as FieldTable;
    const entries = Object.entries(left);
    return (
      entries.length === Object.keys(right).length &&
      entries.every(([key, value]) => {
        const other = Object.hasOwn(right, key) ? right[key] : undefined;
        return other !== undefined && fieldValuesEqual(value, other);
      })
    );
  }
  return a === b;
}

/** A value as RabbitMQ prints it in an error text: strings bare, floats with a '.0', booleans as words. */
export function formatFieldValue(value: FieldValue): string {
  const plain = plainValue(value);
  if (typeof plain === 'string') return plain;
  if (Buffer.isBuffer(plain)) return plain.toString('utf8');
  if (typeof plain === 'number') {
    const isFloat = fieldTypeClass(value) === 'float';
    return isFloat && Number.isInteger(plain) ? `${plain}.0` : String(plain);
  }
  if (typeof plain === 'bigint' || typeof plain === 'boolean') return String(plain);
  if (plain === null) return 'undefined';
  return JSON.stringify(plain, (_key, inner: unknown) => (typeof inner === 'bigint' ? inner.toString() : inner));
}

/** A stable text form of a table, used to tell bindings apart by their arguments. */
export function tableKey(table: FieldTable): string {
  const entries = Object.entries(table).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0 ? '' : JSON.stringify(entries.map(([key, value]) => [key, fieldTypeClass(value), formatFieldValue(value)]));
}

/** A table with every `{ '!': type }` wrapper removed, for showing to people. */
export function plainTable(table: FieldTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table)) out[key] = plainDeep(value);
  return out;
}

function plainDeep(value: FieldValue): unknown {
  const plain = plainValue(value);
  if (Array.isArray(plain)) return plain.map((item) => plainDeep(item as FieldValue));
  if (typeof plain === 'object' && plain !== null && !Buffer.isBuffer(plain)) return plainTable(plain as FieldTable);
  return plain;
}
