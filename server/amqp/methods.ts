/**
 * Encoding and decoding method frames, driven by the METHODS table.
 *
 * At load time every method gets its own encoder and decoder: straight-line
 * JavaScript generated from its field list and compiled once with
 * `new Function`. They read and write fields in order with no loops, no
 * lookups in the table and objects of one fixed shape, which is what keeps
 * basic.publish, basic.deliver and basic.ack cheap enough for a broker
 * moving tens of thousands of messages a second. `methodSource(name)`
 * returns the generated source, for anyone curious what runs.
 *
 * Method payload layout: class id (2) | method id (2) | arguments in order,
 * with consecutive bit arguments packed into one octet, lowest bit first.
 */
import { CodecError, describeValue } from './errors.js';
import { NOT_IMPLEMENTED, SYNTAX_ERROR } from './reply-codes.js';
import { FRAME_END, FRAME_METHOD } from './frame.js';
import { readUtf8, utf8Length, writeUInt64, writeUtf8 } from './primitives.js';
import { CLASSES, METHODS } from './spec.js';
import type { FieldSpec, MethodName, MethodSpec } from './spec.js';
import type { DecodedMethod, MethodArgs } from './decoded-types.js';
import { decodeTable, encodeTable } from './table.js';
import type { DecodeTableOptions, FieldTable } from './table.js';

/** Turns a method's fields into one whole frame (header, payload, frame-end). */
export type MethodEncoder<N extends MethodName> = (channel: number, fields: MethodArgs[N]) => Buffer;

type AnyEncoder = (channel: number, fields: object) => Buffer;
type AnyDecoder = (payload: Buffer, offset: number, tableOptions: DecodeTableOptions | undefined) => object;

interface CompiledMethod {
  readonly spec: MethodSpec;
  readonly encode: AnyEncoder;
  readonly decode: AnyDecoder;
  readonly source: string;
}

/** Builds the errors a method's generated code raises; made once per method. */
function errorsFor(spec: MethodSpec) {
  const { name, classId, methodId } = spec;
  const syntax = (message: string) => new CodecError(SYNTAX_ERROR, `${name}: ${message}`, classId, methodId);
  return {
    truncated: (field: string, needed: number, left: number) =>
      syntax(`field '${field}' needs ${needed} bytes but only ${left} are left in the payload`),
    trailing: (extra: number) => syntax(`${extra} unexpected bytes after the last field`),
    inTable: (field: string, error: unknown) => (error instanceof CodecError ? syntax(`field '${field}': ${error.message}`) : error),
    missing: (field: string) => new TypeError(`${name}: field '${field}' is missing and has no default`),
    wrongType: (field: string, expected: string, value: unknown) =>
      new TypeError(`${name}: field '${field}' must be ${expected}, got ${describeValue(value)}`),
    tableEncoding: (field: string, error: unknown) =>
      error instanceof TypeError ? new TypeError(`${name}: field '${field}': ${error.message}`) : error,
    notObject: (value: unknown) => new TypeError(`${name}: fields must be an object, got ${describeValue(value)}`),
    badChannel: (channel: unknown) => new TypeError(`${name}: channel must be an integer from 0 to 65535, got ${describeValue(channel)}`),
  };
}

/** Helpers the generated code calls; passed in rather than closed over so the source stands alone. */
const helpers = {
  readUtf8,
  utf8Length,
  writeUtf8,
  writeUInt64,
  decodeTable,
  encodeTable,
  isBuffer: (value: unknown) => Buffer.isBuffer(value),
  allocUnsafe: (size: number) => Buffer.allocUnsafe(size),
  bufferFrom: (text: string, encoding: BufferEncoding) => Buffer.from(text, encoding),
};

const EMPTY_TABLE_BYTES = encodeTable({});

/** What a numeric field accepts: the check expression (on `v`) and the words used in the error. */
const NUMBER_RULES: Record<string, { check: (v: string) => string; expected: string; size: number }> = {
  octet: { check: (v) => `(${v} & 0xff) === ${v}`, expected: 'an integer from 0 to 255', size: 1 },
  short: { check: (v) => `(${v} & 0xffff) === ${v}`, expected: 'an integer from 0 to 65535', size: 2 },
  long: { check: (v) => `(${v} >>> 0) === ${v}`, expected: 'an integer from 0 to 4294967295', size: 4 },
  longlong: {
    check: (v) => `Number.isInteger(${v}) && ${v} >= 0 && ${v} < 18446744073709551616`,
    expected: 'an integer from 0 to 2^64-1',
    size: 8,
  },
  timestamp: {
    check: (v) => `Number.isInteger(${v}) && ${v} >= 0 && ${v} < 18446744073709551616`,
    expected: 'an integer from 0 to 2^64-1',
    size: 8,
  },
};

/** Bit fields that share one octet: one to eight of them. */
type BitGroup = [FieldSpec, ...FieldSpec[]];

/** Groups consecutive bit fields, since they share octets (at most 8 per octet). */
function layout(fields: readonly FieldSpec[]): (FieldSpec | BitGroup)[] {
  const groups: (FieldSpec | BitGroup)[] = [];
  let bits: BitGroup | null = null;
  for (const field of fields) {
    if (field.type !== 'bit') {
      bits = null;
      groups.push(field);
    } else if (bits === null || bits.length === 8) {
      bits = [field];
      groups.push(bits);
    } else {
      bits.push(field);
    }
  }
  return groups;
}

function decoderSource(spec: MethodSpec): string {
  const lines: string[] = [];
  const indexOf = (field: FieldSpec) => spec.fields.indexOf(field);
  const need = (field: FieldSpec, count: string) =>
    `if (o + ${count} > end) throw e.truncated(${JSON.stringify(field.name)}, ${count}, end - o);`;
  for (const group of layout(spec.fields)) {
    if (Array.isArray(group)) {
      lines.push(need(group[0], '1'), 'bits = buf[o]; o += 1;');
      group.forEach((field, bit) => lines.push(`const v${indexOf(field)} = (bits & ${1 << bit}) !== 0;`));
      continue;
    }
    const v = `v${indexOf(group)}`;
    switch (group.type) {
      case 'octet':
        lines.push(need(group, '1'), `const ${v} = buf[o]; o += 1;`);
        break;
      case 'short':
        lines.push(need(group, '2'), `const ${v} = (buf[o] << 8) | buf[o + 1]; o += 2;`);
        break;
      case 'long':
        lines.push(need(group, '4'), `const ${v} = buf.readUInt32BE(o); o += 4;`);
        break;
      case 'longlong':
      case 'timestamp':
        lines.push(need(group, '8'), `const ${v} = buf.readUInt32BE(o) * 4294967296 + buf.readUInt32BE(o + 4); o += 8;`);
        break;
      case 'shortstr':
        lines.push(need(group, '1'), 'n = buf[o]; o += 1;', need(group, 'n'), `const ${v} = h.readUtf8(buf, o, o + n); o += n;`);
        break;
      case 'longstr':
        lines.push(need(group, '4'), 'n = buf.readUInt32BE(o); o += 4;', need(group, 'n'), `const ${v} = buf.subarray(o, o + n); o += n;`);
        break;
      case 'table':
        lines.push(
          `let ${v};`,
          `try { const t = h.decodeTable(buf, o, tableOptions); ${v} = t.value; o = t.offset; } catch (error) { throw e.inTable(${JSON.stringify(group.name)}, error); }`,
        );
        break;
    }
  }
  const result = spec.fields.map((field, i) => `${JSON.stringify(field.name)}: v${i}`).join(', ');
  return [
    '"use strict";',
    'return function decode(buf, o, tableOptions) {',
    '  const end = buf.length;',
    '  let n = 0, bits = 0;',
    ...lines.map((line) => `  ${line}`),
    '  if (o !== end) throw e.trailing(end - o);',
    `  return { ${result} };`,
    '};',
  ].join('\n');
}

/** Generated validation of one argument into v<i>, and the bytes it adds to the frame (fixed and varying). */
function encoderCheck(field: FieldSpec, i: number): { lines: string[]; fixed: number; varying?: string } {
  const v = `v${i}`;
  const name = JSON.stringify(field.name);
  const whenMissing =
    field.default === undefined
      ? `throw e.missing(${name});`
      : field.type === 'longstr' || field.type === 'table'
        ? `${v} = d[${i}];`
        : `${v} = ${JSON.stringify(field.default)};`;
  const read = [`let ${v} = fields[${name}];`, `if (${v} === undefined) ${whenMissing}`];
  const rule = NUMBER_RULES[field.type];
  if (rule !== undefined) {
    const check = `else if (typeof ${v} !== 'number' || !(${rule.check(v)})) throw e.wrongType(${name}, ${JSON.stringify(rule.expected)}, ${v});`;
    return { lines: [...read, check], fixed: rule.size };
  }
  switch (field.type) {
    case 'bit':
      // Bits add nothing alone: each group of up to 8 adds one octet (see encoderSource).
      return { lines: [...read, `else if (typeof ${v} !== 'boolean') throw e.wrongType(${name}, 'a boolean', ${v});`], fixed: 0 };
    case 'shortstr':
      return {
        lines: [
          ...read,
          `else if (typeof ${v} !== 'string') throw e.wrongType(${name}, 'a string', ${v});`,
          `const ${v}Length = h.utf8Length(${v});`,
          `if (${v}Length > 255) throw e.wrongType(${name}, 'a string of at most 255 UTF-8 bytes', ${v});`,
        ],
        fixed: 1,
        varying: `${v}Length`,
      };
    case 'longstr':
      return {
        lines: [
          ...read,
          `else if (typeof ${v} === 'string') ${v} = h.bufferFrom(${v}, 'utf8');`,
          `else if (!h.isBuffer(${v})) throw e.wrongType(${name}, 'a Buffer or a string', ${v});`,
        ],
        fixed: 4,
        varying: `${v}.length`,
      };
    default: // table, encoded here so its size is known before allocating
      return {
        lines: [
          ...read,
          `else if (typeof ${v} !== 'object' || ${v} === null || Array.isArray(${v}) || h.isBuffer(${v})) throw e.wrongType(${name}, 'a field table (plain object)', ${v});`,
          `else { try { ${v} = h.encodeTable(${v}); } catch (error) { throw e.tableEncoding(${name}, error); } }`,
        ],
        fixed: 0,
        varying: `${v}.length`,
      };
  }
}

/** Generated statement writing one validated non-bit argument v at offset o. */
function encoderWrite(field: FieldSpec, v: string): string {
  switch (field.type) {
    case 'octet':
      return `buf[o] = ${v}; o += 1;`;
    case 'short':
      return `buf[o] = ${v} >>> 8; buf[o + 1] = ${v} & 0xff; o += 2;`;
    case 'long':
      return `buf.writeUInt32BE(${v}, o); o += 4;`;
    case 'longlong':
    case 'timestamp':
      return `h.writeUInt64(buf, o, ${v}); o += 8;`;
    case 'shortstr':
      return `buf[o] = ${v}Length; o = h.writeUtf8(buf, o + 1, ${v}, ${v}Length);`;
    case 'longstr':
      return `buf.writeUInt32BE(${v}.length, o); o += 4 + ${v}.copy(buf, o + 4);`;
    default: // table, already encoded with its length prefix
      return `o += ${v}.copy(buf, o);`;
  }
}

function encoderSource(spec: MethodSpec): string {
  const checks: string[] = [];
  const writes: string[] = [];
  let fixedSize = 12; // frame header 7, class and method ids 4, frame-end 1
  const varying: string[] = [];
  spec.fields.forEach((field, i) => {
    const check = encoderCheck(field, i);
    checks.push(...check.lines);
    fixedSize += check.fixed;
    if (check.varying !== undefined) varying.push(check.varying);
  });
  for (const group of layout(spec.fields)) {
    if (Array.isArray(group)) {
      const bits = group.map((field, bit) => `(v${spec.fields.indexOf(field)} ? ${1 << bit} : 0)`);
      writes.push(`buf[o] = ${bits.join(' | ')}; o += 1;`);
      fixedSize += 1;
    } else {
      writes.push(encoderWrite(group, `v${spec.fields.indexOf(group)}`));
    }
  }
  const { classId, methodId } = spec;
  return [
    '"use strict";',
    'return function encode(channel, fields) {',
    '  if ((channel & 0xffff) !== channel) throw e.badChannel(channel);',
    "  if (typeof fields !== 'object' || fields === null) throw e.notObject(fields);",
    ...checks.map((line) => `  ${line}`),
    `  const size = ${[fixedSize, ...varying].join(' + ')};`,
    '  const buf = h.allocUnsafe(size);',
    `  buf[0] = ${FRAME_METHOD}; buf[1] = channel >>> 8; buf[2] = channel & 0xff;`,
    '  buf.writeUInt32BE(size - 8, 3);',
    `  buf[7] = ${classId >> 8}; buf[8] = ${classId & 0xff}; buf[9] = ${methodId >> 8}; buf[10] = ${methodId & 0xff};`,
    '  let o = 11;',
    ...writes.map((line) => `  ${line}`),
    `  buf[o] = ${FRAME_END};`,
    '  return buf;',
    '};',
  ].join('\n');
}

/** Values for defaults that are objects (Buffers for longstr, encoded bytes for tables), indexed by field. */
function objectDefaults(spec: MethodSpec): unknown[] {
  return spec.fields.map((field) => {
    if (field.default === undefined) return undefined;
    if (field.type === 'longstr' && typeof field.default === 'string') return Buffer.from(field.default, 'utf8');
    if (field.type === 'table')
      return Object.keys(field.default as FieldTable).length === 0 ? EMPTY_TABLE_BYTES : encodeTable(field.default as FieldTable);
    return undefined;
  });
}

/** Runs generated source as a function body with these parameters: one decoder and one encoder per method is what makes the codec fast. */
function instantiate(parameters: string[], body: string, args: unknown[]): unknown {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call -- the source comes from the spec, never from input
  return new Function(...parameters, body)(...args);
}

function compile(spec: MethodSpec): CompiledMethod {
  const errors = errorsFor(spec);
  const decodeSource = decoderSource(spec);
  const encodeSource = encoderSource(spec);
  const decode = instantiate(['h', 'e'], decodeSource, [helpers, errors]) as AnyDecoder;
  const encode = instantiate(['h', 'e', 'd'], encodeSource, [helpers, errors, objectDefaults(spec)]) as AnyEncoder;
  return { spec, decode, encode, source: `// ${spec.name}\n// decoder\n${decodeSource}\n// encoder\n${encodeSource}\n` };
}

const byName = new Map<string, CompiledMethod>();
const byId = new Map<number, CompiledMethod>();
for (const entry of METHODS as readonly MethodSpec[]) {
  const compiled = compile(entry);
  byName.set(entry.name, compiled);
  byId.set(entry.classId * 0x10000 + entry.methodId, compiled);
}

function compiledByName(name: string): CompiledMethod {
  const compiled = byName.get(name);
  if (compiled === undefined)
    throw new TypeError(`unknown method name ${JSON.stringify(name)}; names look like 'basic.publish' or 'queue.declare-ok'`);
  return compiled;
}

/** The catalogue entry for a method name. Throws TypeError for an unknown name. */
export function methodSpec(name: MethodName): MethodSpec {
  return compiledByName(name).spec;
}

/** The catalogue entry for a class and method id, or undefined if there is none. */
export function methodSpecById(classId: number, methodId: number): MethodSpec | undefined {
  return byId.get(classId * 0x10000 + methodId)?.spec;
}

/** Every method in the catalogue, in table order. */
export function allMethodSpecs(): readonly MethodSpec[] {
  return METHODS;
}

/** The name of a class id ('basic' for 60), or undefined. */
export function className(classId: number): string | undefined {
  return (CLASSES as Record<number, string>)[classId];
}

/**
 * Decodes a method frame's payload into its name and fields. Throws
 * CodecError: 502 SYNTAX_ERROR for truncated or malformed payloads,
 * 540 NOT_IMPLEMENTED for class or method ids that are not in the catalogue.
 * `tableOptions` applies to table arguments ({ exact: true } keeps wire types).
 */
export function decodeMethod(payload: Buffer, tableOptions?: DecodeTableOptions): DecodedMethod {
  const classHigh = payload[0];
  const classLow = payload[1];
  const methodHigh = payload[2];
  const methodLow = payload[3];
  if (classHigh === undefined || classLow === undefined || methodHigh === undefined || methodLow === undefined) {
    throw new CodecError(SYNTAX_ERROR, `method frame payload is ${payload.length} bytes; it needs at least 4 for the class and method ids`);
  }
  const classId = (classHigh << 8) | classLow;
  const methodId = (methodHigh << 8) | methodLow;
  const compiled = byId.get(classId * 0x10000 + methodId);
  if (compiled === undefined) {
    const known = className(classId);
    const what =
      known === undefined
        ? `unknown class id ${classId} (method id ${methodId})`
        : `unknown method id ${methodId} in class ${known} (${classId})`;
    throw new CodecError(NOT_IMPLEMENTED, what, classId, methodId);
  }
  const fields = compiled.decode(payload, 4, tableOptions);
  return { name: compiled.spec.name, classId, methodId, fields } as DecodedMethod;
}

/**
 * Encodes a method as one whole frame. Fields with a default may be left
 * out (the spec's defaults, as amqplib applies them); a missing mandatory
 * field or a value of the wrong type throws TypeError naming the field.
 */
export function encodeMethod<N extends MethodName>(channel: number, name: N, fields: MethodArgs[N]): Buffer {
  return compiledByName(name).encode(channel, fields);
}

/** The compiled encoder for one method, to skip the name lookup on hot paths (e.g. basic.deliver). */
export function methodEncoder<N extends MethodName>(name: N): MethodEncoder<N> {
  return compiledByName(name).encode;
}

/** The generated JavaScript behind a method's encoder and decoder. */
export function methodSource(name: MethodName): string {
  return compiledByName(name).source;
}
