/**
 * Content: the header frame that follows a content-carrying method
 * (basic.publish, basic.deliver, basic.get-ok, basic.return) and the body
 * frames after it.
 *
 * Header payload: class id (2) | weight (2, always 0) | body size (8) |
 * property flags (2) | the properties whose flag is set, in table order.
 * Flag bit 15 is the first property (contentType), bit 2 the fourteenth
 * (clusterId); bit 0 would announce a further flags word, which basic, with
 * only 14 properties, never needs.
 */
import { CodecError, describeValue } from './errors.js';
import { SYNTAX_ERROR } from './reply-codes.js';
import { FRAME_BODY, FRAME_END, FRAME_HEADER, FRAME_OVERHEAD } from './frame.js';
import { readUInt64, readUtf8, utf8Length, writeUInt64, writeUtf8 } from './primitives.js';
import { BASIC_PROPERTIES } from './spec.js';
import { decodeTable, encodeTable } from './table.js';
import type { DecodeTableOptions, FieldTable } from './table.js';

/** The 14 basic properties; absent ones are left out (undefined or null both mean absent when encoding). */
export interface BasicProperties {
  contentType?: string;
  contentEncoding?: string;
  headers?: FieldTable;
  deliveryMode?: number;
  priority?: number;
  correlationId?: string;
  replyTo?: string;
  expiration?: string;
  messageId?: string;
  timestamp?: number;
  type?: string;
  userId?: string;
  appId?: string;
  clusterId?: string;
}

/** A decoded content header frame payload. */
export interface ContentHeader {
  classId: number;
  weight: number;
  bodySize: number;
  properties: BasicProperties;
}

/** The basic class, the only one with content in AMQP 0-9-1. */
export const BASIC_CLASS_ID = 60;

const FIXED_HEADER_SIZE = 14;
const FIRST_FLAG = 0x8000;
const KNOWN_FLAGS = 0xfffc;

function headerError(message: string): CodecError {
  return new CodecError(SYNTAX_ERROR, `content header: ${message}`);
}

/** Decodes a content header frame payload; `tableOptions` applies to headers. Throws CodecError 502 on malformed input. */
export function decodeContentHeader(payload: Buffer, tableOptions?: DecodeTableOptions): ContentHeader {
  const end = payload.length;
  if (end < FIXED_HEADER_SIZE) {
    throw headerError(`payload is ${end} bytes; it needs at least ${FIXED_HEADER_SIZE} (class id, weight, body size, property flags)`);
  }
  const classId = payload.readUInt16BE(0);
  const weight = payload.readUInt16BE(2);
  const bodySize = readUInt64(payload, 4);
  const flags = payload.readUInt16BE(12);
  let o = FIXED_HEADER_SIZE;
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw headerError(
      `property flags 0x${flags.toString(16).padStart(4, '0')} set bit 0 or 1, but basic has only 14 properties (bits 15 to 2)`,
    );
  }
  const properties: BasicProperties = {};
  if (flags === 0) {
    if (o !== end) throw headerError(`${end - o} unexpected bytes after the property flags`);
    return { classId, weight, bodySize, properties };
  }
  const target = properties as Record<string, unknown>;
  for (let i = 0; i < BASIC_PROPERTIES.length; i++) {
    const property = BASIC_PROPERTIES[i];
    if (property === undefined) break;
    if ((flags & (FIRST_FLAG >>> i)) === 0) continue;
    const { name, type } = property;
    switch (type) {
      case 'shortstr': {
        const length = o < end ? payload[o] : undefined;
        if (length === undefined) throw headerError(`property '${name}' needs 1 byte but none are left`);
        const stringEnd = o + 1 + length;
        if (stringEnd > end) throw headerError(`property '${name}' needs ${stringEnd - o} bytes but only ${end - o} are left`);
        target[name] = readUtf8(payload, o + 1, stringEnd);
        o = stringEnd;
        break;
      }
      case 'octet': {
        const octet = o < end ? payload[o] : undefined;
        if (octet === undefined) throw headerError(`property '${name}' needs 1 byte but none are left`);
        target[name] = octet;
        o += 1;
        break;
      }
      case 'timestamp':
        if (o + 8 > end) throw headerError(`property '${name}' needs 8 bytes but only ${end - o} are left`);
        target[name] = readUInt64(payload, o);
        o += 8;
        break;
      case 'table':
        try {
          const table = decodeTable(payload, o, tableOptions);
          target[name] = table.value;
          o = table.offset;
        } catch (error) {
          if (error instanceof CodecError) throw headerError(`property '${name}': ${error.message}`);
          throw error;
        }
        break;
    }
  }
  if (o !== end) throw headerError(`${end - o} unexpected bytes after the last property`);
  return { classId, weight, bodySize, properties };
}

// Scratch space for the two passes of encodeContentHeader (encoding is synchronous, so one set suffices).
const stringLengths: number[] = new Array<number>(BASIC_PROPERTIES.length).fill(0);
let encodedHeaders: Buffer = Buffer.alloc(0);

/** amqplib sends `headers: {}` with every message; its encoding is always four zero bytes. */
const EMPTY_TABLE = Buffer.alloc(4);

function isEmpty(table: object): boolean {
  for (const key in table) if ((table as Record<string, unknown>)[key] !== undefined) return false;
  return true;
}

function propertyError(name: string, expected: string, value: unknown): TypeError {
  return new TypeError(`basic properties: '${name}' must be ${expected}, got ${describeValue(value)}`);
}

/** Encodes a content header as one whole frame. Throws TypeError naming a property of the wrong type. */
export function encodeContentHeader(
  channel: number,
  bodySize: number,
  properties: BasicProperties,
  classId: number = BASIC_CLASS_ID,
): Buffer {
  if ((channel & 0xffff) !== channel) throw new TypeError(`content header: channel must be an integer from 0 to 65535, got ${channel}`);
  if (!Number.isInteger(bodySize) || bodySize < 0)
    throw new TypeError(`content header: bodySize must be a non-negative integer, got ${bodySize}`);
  const given = properties as Record<string, unknown>;
  let flags = 0;
  let size = FRAME_OVERHEAD + FIXED_HEADER_SIZE;
  for (let i = 0; i < BASIC_PROPERTIES.length; i++) {
    const property = BASIC_PROPERTIES[i];
    if (property === undefined) break;
    const { name, type } = property;
    const value = given[name];
    if (value === undefined || value === null) continue;
    flags |= FIRST_FLAG >>> i;
    switch (type) {
      case 'shortstr': {
        if (typeof value !== 'string') throw propertyError(name, 'a string', value);
        const length = utf8Length(value);
        if (length > 255) throw propertyError(name, 'a string of at most 255 UTF-8 bytes', value);
        stringLengths[i] = length;
        size += 1 + length;
        break;
      }
      case 'octet':
        if (typeof value !== 'number' || (value & 0xff) !== value) throw propertyError(name, 'an integer from 0 to 255', value);
        size += 1;
        break;
      case 'timestamp':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** 64)
          throw propertyError(name, 'an integer from 0 to 2^64-1 (seconds since the epoch)', value);
        size += 8;
        break;
      case 'table':
        if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value))
          throw propertyError(name, 'a field table (plain object)', value);
        try {
          encodedHeaders = isEmpty(value) ? EMPTY_TABLE : encodeTable(value as FieldTable);
        } catch (error) {
          if (error instanceof TypeError) throw new TypeError(`basic properties: '${name}': ${error.message}`, { cause: error });
          throw error;
        }
        size += encodedHeaders.length;
        break;
    }
  }

  const frame = Buffer.allocUnsafe(size);
  frame[0] = FRAME_HEADER;
  frame.writeUInt16BE(channel, 1);
  frame.writeUInt32BE(size - FRAME_OVERHEAD, 3);
  frame.writeUInt16BE(classId, 7);
  frame.writeUInt16BE(0, 9);
  writeUInt64(frame, 11, bodySize);
  frame.writeUInt16BE(flags, 19);
  let o = 21;
  for (let i = 0; i < BASIC_PROPERTIES.length; i++) {
    const property = BASIC_PROPERTIES[i];
    if (property === undefined) break;
    if ((flags & (FIRST_FLAG >>> i)) === 0) continue;
    const { name, type } = property;
    const value = given[name];
    switch (type) {
      case 'shortstr': {
        // Measured while sizing the frame.
        const length = stringLengths[i] ?? utf8Length(value as string);
        frame[o] = length;
        o = writeUtf8(frame, o + 1, value as string, length);
        break;
      }
      case 'octet':
        frame[o++] = value as number;
        break;
      case 'timestamp':
        writeUInt64(frame, o, value as number);
        o += 8;
        break;
      case 'table':
        o += encodedHeaders.copy(frame, o);
        break;
    }
  }
  frame[o] = FRAME_END;
  return frame;
}

/**
 * Splits a message body into body frames on a channel, each at most
 * frameMax bytes including the 8 bytes of frame overhead (frameMax 0 means
 * no limit). An empty body needs no body frames at all.
 */
export function encodeBodyFrames(channel: number, body: Buffer, frameMax: number): Buffer[] {
  if (frameMax !== 0 && !(frameMax > FRAME_OVERHEAD))
    throw new TypeError(`frameMax must be 0 (no limit) or more than ${FRAME_OVERHEAD}, got ${frameMax}`);
  const maxPayload = frameMax === 0 ? Math.max(body.length, 1) : frameMax - FRAME_OVERHEAD;
  const frames: Buffer[] = [];
  for (let start = 0; start < body.length; start += maxPayload) {
    const length = Math.min(maxPayload, body.length - start);
    const frame = Buffer.allocUnsafe(length + FRAME_OVERHEAD);
    frame[0] = FRAME_BODY;
    frame.writeUInt16BE(channel, 1);
    frame.writeUInt32BE(length, 3);
    body.copy(frame, 7, start, start + length);
    frame[length + 7] = FRAME_END;
    frames.push(frame);
  }
  return frames;
}
