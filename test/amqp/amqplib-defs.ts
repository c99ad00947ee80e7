/**
 * amqplib's generated codec (lib/defs.js) and table codec (lib/codec.js),
 * loaded by path because the package does not export them. The tests use
 * them as the reference encoder and decoder.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const libDir = fileURLToPath(new URL('../../node_modules/amqplib/lib/', import.meta.url));

/** The parts of lib/defs.js the tests use. */
export interface AmqplibDefs {
  encodeMethod(id: number, channel: number, fields: object): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: object): Buffer;
  decode(id: number, payload: Buffer): Record<string, unknown>;
  info(id: number): {
    id: number;
    classId: number;
    methodId?: number;
    name: string;
    args: { name: string; type: string; default: unknown }[];
  };
  BasicProperties: number;
  [constant: string]: unknown;
}

/** The parts of lib/codec.js the tests use. */
export interface AmqplibCodec {
  encodeTable(buffer: Buffer, value: object, offset: number): number;
  decodeFields(slice: Buffer): Record<string, unknown>;
}

export const defs = require(`${libDir}defs.js`) as AmqplibDefs;
export const codec = require(`${libDir}codec.js`) as AmqplibCodec;

/** amqplib's numeric id for a method: classId << 16 | methodId. */
export function amqplibId(classId: number, methodId: number): number {
  return classId * 0x10000 + methodId;
}

/** Every method id amqplib knows (the numeric exports of defs.js other than FRAME_OVERHEAD and BasicProperties). */
export function amqplibMethodIds(): number[] {
  return Object.entries(defs)
    .filter(([key, value]) => typeof value === 'number' && /^[A-Z][a-z]/.test(key) && key !== 'BasicProperties')
    .map(([, value]) => value as number);
}

/** Encodes a table with amqplib, including its 4-byte length prefix. */
export function amqplibEncodeTable(value: object): Buffer {
  const scratch = Buffer.alloc(65536);
  const length = codec.encodeTable(scratch, value, 0);
  return Buffer.from(scratch.subarray(0, length));
}

/** Decodes a table (with its 4-byte length prefix) with amqplib. */
export function amqplibDecodeTable(bytes: Buffer): Record<string, unknown> {
  return codec.decodeFields(bytes.subarray(4, 4 + bytes.readUInt32BE(0)));
}
