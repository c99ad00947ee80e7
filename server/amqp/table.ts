/**
 * Field tables and field arrays: AMQP's typed key/value maps, used for
 * queue and exchange arguments, consumer arguments, server/client
 * properties and message headers.
 *
 * Wire types, with the tags RabbitMQ uses (which differ from the spec's):
 *   t bool   b int8   B uint8   s int16   u uint16   I int32   i uint32
 *   l int64  f float  d double  D decimal S long string   x byte array
 *   T timestamp       A array   F table   V void (null)
 *
 * Plain JavaScript values are encoded the way amqplib encodes them, so a
 * table means the same thing on the wire whichever of the two wrote it:
 *   string -> S, boolean -> t, null -> V, Buffer -> x, array -> A,
 *   other object -> F (a Date too, as amqplib does: an empty table),
 *   integer -> the smallest of b, s, I, l that holds it,
 *   other number -> d (amqplib rejects NaN, Infinity and numbers outside
 *   the int64 range; here they become doubles), bigint -> l.
 * undefined entries of a table are skipped; in an array they are an error.
 *
 * To choose the wire type yourself use amqplib's typed form
 * `{ '!': type, value }`, with amqplib's type names (int8/byte, uint8/
 * unsignedbyte, int16/short, uint16/unsignedshort, int32/int, uint32/
 * unsignedint, int64/long, float, double/float64, timestamp, decimal,
 * string, boolean, number, object) plus two of our own: 'longstr' (an S
 * whose value is a string or raw bytes) and 'table' (an F, even when the
 * object has a '!' key of its own).
 *
 * Decoding gives the values amqplib's decoder gives: numbers for every
 * integer and float type (int64 and timestamps rounded beyond 2^53), a
 * string for S, a Buffer view for x, `{ '!': 'timestamp', value }` for T
 * and `{ '!': 'decimal', value: { places, digits } }` for D.
 * With `{ exact: true }` the decoder instead keeps the wire type of every
 * value whose plain form would encode differently, by giving it in the
 * typed form (e.g. an I holding 5 decodes as `{ '!': 'int32', value: 5 }`,
 * an int64 beyond 2^53 as `{ '!': 'int64', value: 2n ** 60n }`, an S that
 * is not valid UTF-8 as `{ '!': 'longstr', value: <Buffer> }`), so that
 * encodeTable(decodeTable(bytes, 0, { exact: true }).value) gives back the
 * same bytes. Only keys that are not valid UTF-8 and booleans written as a
 * byte other than 0 or 1 cannot come back byte for byte.
 */
import { isUtf8 } from 'node:buffer';
import { CodecError, describeValue } from './errors.js';
import { SYNTAX_ERROR } from './reply-codes.js';
import { readUtf8, utf8Length, writeUtf8 } from './primitives.js';

/** Type names accepted in the typed form `{ '!': type, value }` for numbers. */
export type NumericTypeName =
  | 'int8'
  | 'byte'
  | 'uint8'
  | 'unsignedbyte'
  | 'int16'
  | 'short'
  | 'uint16'
  | 'unsignedshort'
  | 'int32'
  | 'int'
  | 'uint32'
  | 'unsignedint'
  | 'float'
  | 'double'
  | 'float64'
  | 'number';

/** A value with an explicit wire type, amqplib's `{ '!': type, value }` form. */
export type TypedFieldValue =
  | { '!': NumericTypeName; value: number }
  | { '!': 'int64' | 'long' | 'timestamp'; value: number | bigint }
  | { '!': 'decimal'; value: { places: number; digits: number } }
  | { '!': 'string'; value: string }
  | { '!': 'longstr'; value: string | Buffer }
  | { '!': 'boolean'; value: boolean }
  | { '!': 'table'; value: FieldTable }
  | { '!': 'object'; value: FieldTable | FieldValue[] | Buffer | null };

/** Anything a field table or array may hold. */
export type FieldValue = string | number | boolean | bigint | null | Buffer | FieldValue[] | FieldTable | TypedFieldValue;

/** A field table as plain JavaScript: keys are short strings (at most 255 UTF-8 bytes). */
export interface FieldTable {
  [key: string]: FieldValue;
}

/** Options for decodeTable. */
export interface DecodeTableOptions {
  /** Keep every wire type so the table re-encodes to the same bytes (see the file comment). */
  exact?: boolean;
}

/** Nested tables and arrays deeper than this are refused, so hostile input cannot overflow the stack. */
export const MAX_TABLE_DEPTH = 100;

const INT64_MIN = -(2 ** 63);
const INT64_MAX_EXCLUSIVE = 2 ** 63;
const TWO_TO_32 = 0x1_0000_0000;

// Wire tags as byte values.
const TAG = {
  bool: 0x74, // t
  int8: 0x62, // b
  uint8: 0x42, // B
  int16: 0x73, // s
  uint16: 0x75, // u
  int32: 0x49, // I
  uint32: 0x69, // i
  int64: 0x6c, // l
  float: 0x66, // f
  double: 0x64, // d
  decimal: 0x44, // D
  longstr: 0x53, // S
  array: 0x41, // A
  timestamp: 0x54, // T
  table: 0x46, // F
  void: 0x56, // V
  bytes: 0x78, // x
} as const;

/**
 * A failure somewhere inside a nested table; each enclosing level adds its
 * key to `path` on the way out so the final message says where it was.
 */
class TableProblem extends Error {
  path = '';
  constructor(readonly reason: string) {
    super(reason);
  }
}

function withStep(problem: unknown, step: string): unknown {
  if (problem instanceof TableProblem) problem.path = step + problem.path;
  return problem;
}

function keyStep(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function describePath(path: string): string {
  return path === '' ? 'field table' : `field table entry ${path.startsWith('.') ? path.slice(1) : path}`;
}

// ---------------------------------------------------------------- encoding

/** Growable output buffer; the first one of each encode borrows a shared scratch buffer. */
class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(initial: Buffer) {
    this.buf = initial;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

let scratch: Buffer = Buffer.allocUnsafe(4096);
let scratchInUse = false;
const MAX_KEPT_SCRATCH = 1 << 20;

/** Encodes a table with its 4-byte length prefix, as it appears inside a method or property list. */
export function encodeTable(table: FieldTable): Buffer {
  return encodeWith((writer) => writeTable(writer, table, 0));
}

/** Encodes a field array with its 4-byte length prefix. */
export function encodeArray(values: FieldValue[]): Buffer {
  return encodeWith((writer) => writeArray(writer, values, 0));
}

/** Runs an encoder against the shared scratch buffer (or a fresh one if it is busy) and copies out the result. */
function encodeWith(write: (writer: ByteWriter) => void): Buffer {
  const borrowed = !scratchInUse;
  const writer = new ByteWriter(borrowed ? scratch : Buffer.allocUnsafe(256));
  scratchInUse = true;
  try {
    write(writer);
    const out = Buffer.allocUnsafe(writer.pos);
    writer.buf.copy(out, 0, 0, writer.pos);
    return out;
  } catch (problem) {
    if (problem instanceof TableProblem) throw new TypeError(`${describePath(problem.path)}: ${problem.reason}`, { cause: problem });
    throw problem;
  } finally {
    if (borrowed) {
      if (writer.buf.length <= MAX_KEPT_SCRATCH) scratch = writer.buf;
      scratchInUse = false;
    }
  }
}

function writeTable(writer: ByteWriter, table: FieldTable, depth: number): void {
  if (depth > MAX_TABLE_DEPTH) throw new TableProblem(`tables and arrays are nested more than ${MAX_TABLE_DEPTH} deep`);
  writer.ensure(4);
  const start = writer.pos;
  writer.pos += 4;
  for (const key in table) {
    const value = table[key];
    if (value === undefined) continue;
    const keyLength = utf8Length(key);
    if (keyLength > 255)
      throw withStep(new TableProblem(`key is ${keyLength} bytes long; keys are short strings of at most 255 bytes`), keyStep(key));
    writer.ensure(1 + keyLength);
    writer.buf[writer.pos] = keyLength;
    writer.pos = writeUtf8(writer.buf, writer.pos + 1, key, keyLength);
    try {
      writeValue(writer, value, depth);
    } catch (problem) {
      throw withStep(problem, keyStep(key));
    }
  }
  writer.buf.writeUInt32BE(writer.pos - start - 4, start);
}

function writeArray(writer: ByteWriter, values: readonly unknown[], depth: number): void {
  if (depth > MAX_TABLE_DEPTH) throw new TableProblem(`tables and arrays are nested more than ${MAX_TABLE_DEPTH} deep`);
  writer.ensure(4);
  const start = writer.pos;
  writer.pos += 4;
  for (let i = 0; i < values.length; i++) {
    try {
      writeValue(writer, values[i], depth);
    } catch (problem) {
      throw withStep(problem, `[${i}]`);
    }
  }
  writer.buf.writeUInt32BE(writer.pos - start - 4, start);
}

function isTyped(value: object): value is { '!': unknown; value: unknown } {
  return Object.hasOwn(value, '!');
}

/** The wire tag (as a byte, e.g. 0x62 for b) amqplib picks for a plain JS number; extended to numbers amqplib cannot encode (see the file comment). */
export function numberTag(n: number): number {
  if (Number.isInteger(n) && n >= INT64_MIN && n < INT64_MAX_EXCLUSIVE) {
    if (n >= -0x80 && n < 0x80) return TAG.int8;
    if (n >= -0x8000 && n < 0x8000) return TAG.int16;
    if (n >= -0x8000_0000 && n < 0x8000_0000) return TAG.int32;
    return TAG.int64;
  }
  return TAG.double;
}

function writeValue(writer: ByteWriter, value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
      writeLongString(writer, value);
      return;
    case 'number':
      writeNumber(writer, numberTag(value), value);
      return;
    case 'boolean':
      writer.ensure(2);
      writer.buf[writer.pos++] = TAG.bool;
      writer.buf[writer.pos++] = value ? 1 : 0;
      return;
    case 'bigint':
      writeNumber(writer, TAG.int64, value);
      return;
    case 'object':
      if (value !== null && isTyped(value)) writeTyped(writer, value['!'], value.value, depth);
      else writeObject(writer, value, depth);
      return;
    default:
      throw new TableProblem(
        `cannot encode a value of type ${typeof value}; allowed are string, number, bigint, boolean, null, Buffer, array, object and { '!': type, value }`,
      );
  }
}

function writeObject(writer: ByteWriter, value: object | null, depth: number): void {
  writer.ensure(1);
  if (value === null) {
    writer.buf[writer.pos++] = TAG.void;
  } else if (Array.isArray(value)) {
    writer.buf[writer.pos++] = TAG.array;
    writeArray(writer, value, depth + 1);
  } else if (Buffer.isBuffer(value)) {
    writer.buf[writer.pos++] = TAG.bytes;
    writeBytes(writer, value);
  } else {
    writer.buf[writer.pos++] = TAG.table;
    writeTable(writer, value as FieldTable, depth + 1);
  }
}

function writeLongString(writer: ByteWriter, text: string): void {
  const length = utf8Length(text);
  writer.ensure(5 + length);
  writer.buf[writer.pos] = TAG.longstr;
  writer.buf.writeUInt32BE(length, writer.pos + 1);
  writer.pos = writeUtf8(writer.buf, writer.pos + 5, text, length);
}

function writeBytes(writer: ByteWriter, bytes: Buffer): void {
  writer.ensure(4 + bytes.length);
  writer.buf.writeUInt32BE(bytes.length, writer.pos);
  writer.pos += 4 + bytes.copy(writer.buf, writer.pos + 4);
}

function writeTyped(writer: ByteWriter, type: unknown, value: unknown, depth: number): void {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw new TableProblem(`typed value { '!': 'string' } needs a string, got ${describeValue(value)}`);
      writeLongString(writer, value);
      return;
    case 'longstr':
      if (typeof value === 'string') {
        writeLongString(writer, value);
      } else if (Buffer.isBuffer(value)) {
        writer.ensure(1);
        writer.buf[writer.pos++] = TAG.longstr;
        writeBytes(writer, value);
      } else {
        throw new TableProblem(`typed value { '!': 'longstr' } needs a string or Buffer, got ${describeValue(value)}`);
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw new TableProblem(`typed value { '!': 'boolean' } needs a boolean, got ${describeValue(value)}`);
      writeValue(writer, value, depth);
      return;
    case 'number':
      if (typeof value !== 'number') throw new TableProblem(`typed value { '!': 'number' } needs a number, got ${describeValue(value)}`);
      writeNumber(writer, numberTag(value), value);
      return;
    case 'object':
      if (typeof value !== 'object')
        throw new TableProblem(`typed value { '!': 'object' } needs an object, array, Buffer or null, got ${describeValue(value)}`);
      writeObject(writer, value, depth);
      return;
    case 'table':
      if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
        throw new TableProblem(`typed value { '!': 'table' } needs a plain object, got ${describeValue(value)}`);
      }
      writer.ensure(1);
      writer.buf[writer.pos++] = TAG.table;
      writeTable(writer, value as FieldTable, depth + 1);
      return;
    case 'decimal':
      writeDecimal(writer, value);
      return;
    default: {
      const tag = typeof type === 'string' ? NUMERIC_TAGS[type] : undefined;
      if (tag === undefined) {
        throw new TableProblem(
          `unknown type ${describeValue(type)} in { '!': type, value }; allowed are ${[...Object.keys(NUMERIC_TAGS), 'decimal', 'string', 'longstr', 'boolean', 'table', 'object'].join(', ')}`,
        );
      }
      writeNumber(writer, tag, value);
    }
  }
}

const NUMERIC_TAGS: Readonly<Record<string, number>> = {
  int8: TAG.int8,
  byte: TAG.int8,
  uint8: TAG.uint8,
  unsignedbyte: TAG.uint8,
  int16: TAG.int16,
  short: TAG.int16,
  uint16: TAG.uint16,
  unsignedshort: TAG.uint16,
  int32: TAG.int32,
  int: TAG.int32,
  uint32: TAG.uint32,
  unsignedint: TAG.uint32,
  int64: TAG.int64,
  long: TAG.int64,
  timestamp: TAG.timestamp,
  float: TAG.float,
  double: TAG.double,
  float64: TAG.double,
};

/** Integer ranges per tag: [min, max, name shown in errors]. */
const INTEGER_RANGES: Readonly<Record<number, readonly [number | bigint, number | bigint, string]>> = {
  [TAG.int8]: [-0x80, 0x7f, 'int8'],
  [TAG.uint8]: [0, 0xff, 'uint8'],
  [TAG.int16]: [-0x8000, 0x7fff, 'int16'],
  [TAG.uint16]: [0, 0xffff, 'uint16'],
  [TAG.int32]: [-0x8000_0000, 0x7fff_ffff, 'int32'],
  [TAG.uint32]: [0, 0xffff_ffff, 'uint32'],
  [TAG.int64]: [-(2n ** 63n), 2n ** 63n - 1n, 'int64'],
  [TAG.timestamp]: [0, 2n ** 64n - 1n, 'timestamp'],
};

function writeNumber(writer: ByteWriter, tag: number, value: unknown): void {
  if (tag === TAG.float || tag === TAG.double) {
    if (typeof value !== 'number')
      throw new TableProblem(`a ${tag === TAG.float ? 'float' : 'double'} needs a number, got ${describeValue(value)}`);
  } else {
    checkInteger(tag, value);
  }
  const buf = (writer.ensure(9), writer.buf);
  const o = writer.pos + 1;
  buf[writer.pos] = tag;
  const n = value as number;
  switch (tag) {
    case TAG.int8:
      buf.writeInt8(n, o);
      writer.pos = o + 1;
      return;
    case TAG.uint8:
      buf[o] = n;
      writer.pos = o + 1;
      return;
    case TAG.int16:
      buf.writeInt16BE(n, o);
      writer.pos = o + 2;
      return;
    case TAG.uint16:
      buf.writeUInt16BE(n, o);
      writer.pos = o + 2;
      return;
    case TAG.int32:
      buf.writeInt32BE(n, o);
      writer.pos = o + 4;
      return;
    case TAG.uint32:
      buf.writeUInt32BE(n, o);
      writer.pos = o + 4;
      return;
    case TAG.float:
      buf.writeFloatBE(n, o);
      writer.pos = o + 4;
      return;
    case TAG.double:
      buf.writeDoubleBE(n, o);
      writer.pos = o + 8;
      return;
    case TAG.int64:
      if (typeof value === 'bigint') {
        buf.writeBigInt64BE(value, o);
      } else {
        const high = Math.floor(n / TWO_TO_32);
        buf.writeInt32BE(high, o);
        buf.writeUInt32BE(n - high * TWO_TO_32, o + 4);
      }
      writer.pos = o + 8;
      return;
    default: // timestamp
      if (typeof value === 'bigint') {
        buf.writeBigUInt64BE(value, o);
      } else {
        const high = Math.floor(n / TWO_TO_32);
        buf.writeUInt32BE(high, o);
        buf.writeUInt32BE(n - high * TWO_TO_32, o + 4);
      }
      writer.pos = o + 8;
  }
}

function checkInteger(tag: number, value: unknown): void {
  const range = INTEGER_RANGES[tag];
  if (range === undefined) throw new TypeError(`field type tag ${tag} is not an integer type`);
  const [min, max, name] = range;
  const wide = tag === TAG.int64 || tag === TAG.timestamp;
  const isInteger = typeof value === 'number' ? Number.isInteger(value) : wide && typeof value === 'bigint';
  if (!isInteger || (value as number) < min || (value as number) > max) {
    throw new TableProblem(
      `${name} needs an integer from ${min} to ${max}${wide ? ' (a number or bigint)' : ''}, got ${describeValue(value)}`,
    );
  }
}

function writeDecimal(writer: ByteWriter, value: unknown): void {
  const decimal = value as { places?: unknown; digits?: unknown } | null;
  const places = typeof decimal === 'object' && decimal !== null ? decimal.places : undefined;
  const digits = typeof decimal === 'object' && decimal !== null ? decimal.digits : undefined;
  if (
    !Number.isInteger(places) ||
    (places as number) < 0 ||
    (places as number) > 255 ||
    !Number.isInteger(digits) ||
    (digits as number) < 0 ||
    (digits as number) > 0xffff_ffff
  ) {
    throw new TableProblem(`a decimal needs { places: 0..255, digits: 0..4294967295 }, got ${describeValue(value)}`);
  }
  writer.ensure(6);
  writer.buf[writer.pos] = TAG.decimal;
  writer.buf[writer.pos + 1] = places as number;
  writer.buf.writeUInt32BE(digits as number, writer.pos + 2);
  writer.pos += 6;
}

// ---------------------------------------------------------------- decoding

/** Read position while decoding, shared by the nested calls for one table. */
interface Cursor {
  readonly buf: Buffer;
  pos: number;
  readonly exact: boolean;
}

/**
 * Decodes the table (4-byte length, then entries) at `offset`; returns it
 * and the offset after it. Throws CodecError 502 on malformed input.
 */
export function decodeTable(buf: Buffer, offset: number, options?: DecodeTableOptions): { value: FieldTable; offset: number } {
  const cursor: Cursor = { buf, pos: offset, exact: options?.exact === true };
  try {
    const end = readLength(cursor, buf.length, 'table');
    return { value: readEntries(cursor, end, 0), offset: end };
  } catch (problem) {
    if (problem instanceof TableProblem) throw new CodecError(SYNTAX_ERROR, `${describePath(problem.path)}: ${problem.reason}`);
    throw problem;
  }
}

/** Decodes the field array (4-byte length, then values) at `offset`. */
export function decodeArray(buf: Buffer, offset: number, options?: DecodeTableOptions): { value: FieldValue[]; offset: number } {
  const cursor: Cursor = { buf, pos: offset, exact: options?.exact === true };
  try {
    const end = readLength(cursor, buf.length, 'array');
    return { value: readValues(cursor, end, 0), offset: end };
  } catch (problem) {
    if (problem instanceof TableProblem) throw new CodecError(SYNTAX_ERROR, `field array${problem.path}: ${problem.reason}`);
    throw problem;
  }
}

/** Reads a 4-byte length and returns where the data it measures ends. */
function readLength(cursor: Cursor, limit: number, what: string): number {
  if (cursor.pos + 4 > limit) throw new TableProblem(`${what} length needs 4 bytes but only ${Math.max(limit - cursor.pos, 0)} are left`);
  const length = cursor.buf.readUInt32BE(cursor.pos);
  cursor.pos += 4;
  if (cursor.pos + length > limit)
    throw new TableProblem(`${what} says it is ${length} bytes long but only ${limit - cursor.pos} are left`);
  return cursor.pos + length;
}

function need(cursor: Cursor, n: number, limit: number, what: string): void {
  if (cursor.pos + n > limit) throw new TableProblem(`${what} needs ${n} bytes but only ${limit - cursor.pos} are left`);
}

function readEntries(cursor: Cursor, end: number, depth: number): FieldTable {
  if (depth > MAX_TABLE_DEPTH) throw new TableProblem(`tables and arrays are nested more than ${MAX_TABLE_DEPTH} deep`);
  const table: FieldTable = {};
  const buf = cursor.buf;
  while (cursor.pos < end) {
    const keyEnd = cursor.pos + 1 + buf.readUInt8(cursor.pos);
    if (keyEnd > end) throw new TableProblem(`key says it is ${buf[cursor.pos]} bytes long but only ${end - cursor.pos - 1} are left`);
    const key = readUtf8(buf, cursor.pos + 1, keyEnd);
    cursor.pos = keyEnd;
    let value: FieldValue;
    try {
      value = readValue(cursor, end, depth);
    } catch (problem) {
      throw withStep(problem, keyStep(key));
    }
    if (key === '__proto__') {
      // A plain assignment would replace the object's prototype instead of adding a key.
      Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
    } else {
      table[key] = value;
    }
  }
  return table;
}

function readValues(cursor: Cursor, end: number, depth: number): FieldValue[] {
  if (depth > MAX_TABLE_DEPTH) throw new TableProblem(`tables and arrays are nested more than ${MAX_TABLE_DEPTH} deep`);
  const values: FieldValue[] = [];
  while (cursor.pos < end) {
    try {
      values.push(readValue(cursor, end, depth));
    } catch (problem) {
      throw withStep(problem, `[${values.length}]`);
    }
  }
  return values;
}

/** In exact mode, wraps a number whose plain form would be encoded with a different tag. */
function keepType(cursor: Cursor, tag: number, type: NumericTypeName, value: number): FieldValue {
  return cursor.exact && numberTag(value) !== tag ? { '!': type, value } : value;
}

function readValue(cursor: Cursor, end: number, depth: number): FieldValue {
  need(cursor, 1, end, 'type tag');
  const buf = cursor.buf;
  const tag = buf.readUInt8(cursor.pos++);
  const o = cursor.pos;
  switch (tag) {
    case TAG.longstr: {
      const stringEnd = readLength(cursor, end, 'long string');
      cursor.pos = stringEnd;
      if (cursor.exact && !isUtf8(buf.subarray(o + 4, stringEnd))) return { '!': 'longstr', value: buf.subarray(o + 4, stringEnd) };
      return readUtf8(buf, o + 4, stringEnd);
    }
    case TAG.int32:
      need(cursor, 4, end, 'int32');
      cursor.pos += 4;
      return keepType(cursor, tag, 'int32', buf.readInt32BE(o));
    case TAG.table: {
      const tableEnd = readLength(cursor, end, 'table');
      const table = readEntries(cursor, tableEnd, depth + 1);
      return cursor.exact && Object.hasOwn(table, '!') ? { '!': 'table', value: table } : table;
    }
    case TAG.bool:
      need(cursor, 1, end, 'bool');
      cursor.pos += 1;
      return buf[o] !== 0;
    case TAG.int8:
      need(cursor, 1, end, 'int8');
      cursor.pos += 1;
      return buf.readInt8(o);
    case TAG.uint8:
      need(cursor, 1, end, 'uint8');
      cursor.pos += 1;
      return keepType(cursor, tag, 'uint8', buf.readUInt8(o));
    case TAG.int16:
      need(cursor, 2, end, 'int16');
      cursor.pos += 2;
      return keepType(cursor, tag, 'int16', buf.readInt16BE(o));
    case TAG.uint16:
      need(cursor, 2, end, 'uint16');
      cursor.pos += 2;
      return keepType(cursor, tag, 'uint16', buf.readUInt16BE(o));
    case TAG.uint32:
      need(cursor, 4, end, 'uint32');
      cursor.pos += 4;
      return keepType(cursor, tag, 'uint32', buf.readUInt32BE(o));
    case TAG.int64: {
      need(cursor, 8, end, 'int64');
      cursor.pos += 8;
      const value = buf.readInt32BE(o) * TWO_TO_32 + buf.readUInt32BE(o + 4);
      if (!cursor.exact) return value;
      if (!Number.isSafeInteger(value)) return { '!': 'int64', value: buf.readBigInt64BE(o) };
      return numberTag(value) === TAG.int64 ? value : { '!': 'int64', value };
    }
    case TAG.float:
      need(cursor, 4, end, 'float');
      cursor.pos += 4;
      return keepType(cursor, tag, 'float', buf.readFloatBE(o));
    case TAG.double:
      need(cursor, 8, end, 'double');
      cursor.pos += 8;
      return keepType(cursor, tag, 'double', buf.readDoubleBE(o));
    case TAG.decimal:
      need(cursor, 5, end, 'decimal');
      cursor.pos += 5;
      return { '!': 'decimal', value: { places: buf.readUInt8(o), digits: buf.readUInt32BE(o + 1) } };
    case TAG.timestamp: {
      need(cursor, 8, end, 'timestamp');
      cursor.pos += 8;
      const value = buf.readUInt32BE(o) * TWO_TO_32 + buf.readUInt32BE(o + 4);
      return { '!': 'timestamp', value: cursor.exact && !Number.isSafeInteger(value) ? buf.readBigUInt64BE(o) : value };
    }
    case TAG.array: {
      const arrayEnd = readLength(cursor, end, 'array');
      return readValues(cursor, arrayEnd, depth + 1);
    }
    case TAG.void:
      return null;
    case TAG.bytes: {
      const bytesEnd = readLength(cursor, end, 'byte array');
      cursor.pos = bytesEnd;
      return buf.subarray(o + 4, bytesEnd);
    }
    default:
      throw new TableProblem(`unknown type tag ${printableTag(tag)}; allowed are t b B s u I i l f d D S x T A F V`);
  }
}

function printableTag(tag: number): string {
  const hex = `0x${tag.toString(16).padStart(2, '0')}`;
  return tag >= 0x21 && tag < 0x7f ? `'${String.fromCharCode(tag)}' (${hex})` : hex;
}
