/**
 * Representative argument values for any method in the catalogue, built
 * from its field types, so tests can cover every method without listing
 * each one by hand.
 */
import type { FieldSpec, FieldTable, FieldType, MethodSpec } from '../../server/amqp/index.js';

/** A table using every type amqplib infers from plain values, nested. */
export const MIXED_TABLE: FieldTable = {
  'x-message-ttl': 60000,
  'x-dead-letter-exchange': 'dlx',
  small: -5,
  medium: 1000,
  large: 3_000_000_000,
  fraction: 2.5,
  yes: true,
  no: false,
  nothing: null,
  bytes: Buffer.from([0, 1, 2, 255]),
  list: [1, 'two', [3.5, null], { four: 4 }],
  nested: { deeper: { deepest: 'yes' }, empty: {} },
  unicode: 'żółw 🐢',
};

const EXTREMES: Record<FieldType, unknown> = {
  bit: true,
  octet: 255,
  short: 65535,
  long: 0xffff_ffff,
  longlong: Number.MAX_SAFE_INTEGER,
  timestamp: Number.MAX_SAFE_INTEGER,
  shortstr: `${'é'.repeat(127)}a`, // exactly 255 UTF-8 bytes
  longstr: Buffer.alloc(70_000, 0x61),
  table: { many: Array.from({ length: 50 }, (_, i) => i * 1000), text: 'x'.repeat(5000) },
};

const TYPICAL: Record<FieldType, unknown> = {
  bit: true,
  octet: 7,
  short: 300,
  long: 70_000,
  longlong: 2 ** 40 + 3,
  timestamp: 1_700_000_000,
  shortstr: 'orders.eu.created',
  longstr: Buffer.from('\0guest\0guest'),
  table: MIXED_TABLE,
};

const EMPTY: Record<FieldType, unknown> = {
  bit: false,
  octet: 0,
  short: 0,
  long: 0,
  longlong: 0,
  timestamp: 0,
  shortstr: '',
  longstr: Buffer.alloc(0),
  table: {},
};

/** Named sets of arguments for a method: typical, empty, extreme, and each bit set alone. */
export function sampleArguments(spec: MethodSpec): { label: string; fields: Record<string, unknown> }[] {
  const build = (values: Record<FieldType, unknown>, bit: (field: FieldSpec, index: number) => boolean) =>
    Object.fromEntries(spec.fields.map((field, i) => [field.name, field.type === 'bit' ? bit(field, i) : values[field.type]]));
  const sets = [
    { label: 'typical', fields: build(TYPICAL, (_, i) => i % 2 === 0) },
    { label: 'empty', fields: build(EMPTY, () => false) },
    { label: 'extreme', fields: build(EXTREMES, () => true) },
  ];
  spec.fields.forEach((field, i) => {
    if (field.type === 'bit') sets.push({ label: `only ${field.name} set`, fields: build(TYPICAL, (_, j) => j === i) });
  });
  return sets;
}

/** Only the mandatory arguments (those without a default), with typical values. */
export function mandatoryArguments(spec: MethodSpec): Record<string, unknown> {
  return Object.fromEntries(spec.fields.filter((field) => field.default === undefined).map((field) => [field.name, TYPICAL[field.type]]));
}
