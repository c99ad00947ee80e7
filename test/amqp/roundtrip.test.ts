/**
 * Encode, cut into frames with FrameReader, decode: every method, content
 * headers and bodies, and field tables of every wire type (byte-exact with
 * the exact decoding mode).
 */
import { describe, expect, it } from 'vitest';
import {
  allMethodSpecs,
  decodeArray,
  decodeContentHeader,
  decodeMethod,
  decodeTable,
  encodeArray,
  encodeBodyFrames,
  encodeContentHeader,
  encodeMethod,
  encodeTable,
  FRAME_BODY,
  FRAME_HEADER,
  FRAME_METHOD,
  FrameReader,
  methodEncoder,
} from '../../server/amqp/index.js';
import type { Frame, FieldTable, FieldValue } from '../../server/amqp/index.js';
import { sampleArguments } from './samples.js';
import { present } from '../support/present.js';

function readAll(bytes: Buffer, maxFrameSize = 0): Frame[] {
  const reader = new FrameReader({ maxFrameSize });
  reader.push(bytes);
  const frames: Frame[] = [];
  for (let frame = reader.next(); frame !== null; frame = reader.next()) frames.push(frame);
  expect(reader.bufferedBytes).toBe(0);
  return frames;
}

describe('every method survives encode -> FrameReader -> decode', () => {
  for (const spec of allMethodSpecs()) {
    it(spec.name, () => {
      for (const { fields } of sampleArguments(spec)) {
        const [frame, ...rest] = readAll(encodeMethod(513, spec.name, fields as never));
        expect(rest).toEqual([]);
        expect(frame?.type).toBe(FRAME_METHOD);
        expect(frame?.channel).toBe(513);
        const decoded = decodeMethod(present(frame).payload);
        expect(decoded).toEqual({ name: spec.name, classId: spec.classId, methodId: spec.methodId, fields });
        expect(methodEncoder(spec.name)(513, decoded.fields as never).equals(encodeMethod(513, spec.name, fields as never))).toBe(true);
      }
    });
  }
});

describe('content', () => {
  it('a whole message: method, header and body frames in one stream', () => {
    const body = Buffer.from('x'.repeat(10_000));
    const frameMax = 4096;
    const stream = Buffer.concat([
      encodeMethod(1, 'basic.publish', { exchange: 'logs', routingKey: 'a.b' }),
      encodeContentHeader(1, body.length, { contentType: 'text/plain', headers: { n: 1 } }),
      ...encodeBodyFrames(1, body, frameMax),
    ]);
    const frames = readAll(stream, frameMax);
    expect(frames.map((f) => f.type)).toEqual([FRAME_METHOD, FRAME_HEADER, FRAME_BODY, FRAME_BODY, FRAME_BODY]);
    expect(decodeMethod(present(frames[0]).payload).name).toBe('basic.publish');
    expect(decodeContentHeader(present(frames[1]).payload)).toEqual({
      classId: 60,
      weight: 0,
      bodySize: 10_000,
      properties: { contentType: 'text/plain', headers: { n: 1 } },
    });
    expect(Buffer.concat(frames.slice(2).map((f) => f.payload)).equals(body)).toBe(true);
  });

  it('splits bodies so every frame including its 8 bytes of overhead fits frameMax', () => {
    const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    for (const frameMax of [9, 10, 100, 1007, 1008, 1009, 4096, 0]) {
      const frames = encodeBodyFrames(7, body, frameMax);
      for (const frame of frames) {
        if (frameMax > 0) expect(frame.length).toBeLessThanOrEqual(frameMax);
      }
      const expectedCount = frameMax === 0 ? 1 : Math.ceil(body.length / (frameMax - 8));
      expect(frames.length).toBe(expectedCount);
      const decoded = readAll(Buffer.concat(frames), frameMax);
      expect(decoded.every((f) => f.type === FRAME_BODY && f.channel === 7)).toBe(true);
      expect(Buffer.concat(decoded.map((f) => f.payload)).equals(body)).toBe(true);
    }
  });

  it('an empty body needs no body frames', () => {
    expect(encodeBodyFrames(1, Buffer.alloc(0), 4096)).toEqual([]);
  });

  it('rejects a frameMax that leaves no room for a payload', () => {
    expect(() => encodeBodyFrames(1, Buffer.from('x'), 8)).toThrow(/frameMax/);
  });

  it('content headers carry other class ids and large body sizes', () => {
    const [frame] = readAll(encodeContentHeader(2, 2 ** 50 + 1, { priority: 1 }, 61));
    expect(decodeContentHeader(present(frame).payload)).toEqual({
      classId: 61,
      weight: 0,
      bodySize: 2 ** 50 + 1,
      properties: { priority: 1 },
    });
  });
});

/** Hand-built table bytes: entries are [key, tag, value bytes]. */
function tableBytes(entries: [string, string, Buffer][]): Buffer {
  const body = Buffer.concat(
    entries.map(([key, tag, value]) => Buffer.concat([Buffer.from([key.length]), Buffer.from(key), Buffer.from(tag), value])),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

const bytes = (...values: number[]) => Buffer.from(values);
const be = (write: (b: Buffer) => void, size: number) => {
  const b = Buffer.alloc(size);
  write(b);
  return b;
};
const longBytes = (content: Buffer) => Buffer.concat([be((b) => b.writeUInt32BE(content.length), 4), content]);

/** One value of every wire type, including ones a plain JS value cannot say (int8 vs int32, float vs double). */
const EVERY_TYPE: [string, string, Buffer][] = [
  ['t true', 't', bytes(1)],
  ['t false', 't', bytes(0)],
  ['b', 'b', bytes(0x85)],
  ['B small', 'B', bytes(5)],
  ['B large', 'B', bytes(200)],
  ['s small', 's', be((b) => b.writeInt16BE(-3), 2)],
  ['s large', 's', be((b) => b.writeInt16BE(-30000), 2)],
  ['u', 'u', be((b) => b.writeUInt16BE(65535), 2)],
  ['I small', 'I', be((b) => b.writeInt32BE(5), 4)],
  ['I large', 'I', be((b) => b.writeInt32BE(-2_000_000_000), 4)],
  ['i', 'i', be((b) => b.writeUInt32BE(4_000_000_000), 4)],
  ['l small', 'l', be((b) => b.writeBigInt64BE(7n), 8)],
  ['l large', 'l', be((b) => b.writeBigInt64BE(-(2n ** 40n)), 8)],
  ['l huge', 'l', be((b) => b.writeBigInt64BE(2n ** 62n + 1n), 8)],
  ['l min', 'l', be((b) => b.writeBigInt64BE(-(2n ** 63n)), 8)],
  ['f', 'f', be((b) => b.writeFloatBE(1.5), 4)],
  ['d fraction', 'd', be((b) => b.writeDoubleBE(0.1), 8)],
  ['d integral', 'd', be((b) => b.writeDoubleBE(3), 8)],
  ['d negative zero', 'd', be((b) => b.writeDoubleBE(-0), 8)],
  ['d NaN', 'd', be((b) => b.writeDoubleBE(Number.NaN), 8)],
  ['d infinity', 'd', be((b) => b.writeDoubleBE(Number.POSITIVE_INFINITY), 8)],
  ['D', 'D', bytes(2, 0, 0, 0x30, 0x39)],
  ['S', 'S', longBytes(Buffer.from('żółw'))],
  ['S invalid utf8', 'S', longBytes(bytes(0xf0, 0x9f, 0x98, 0x41))],
  ['S empty', 'S', longBytes(Buffer.alloc(0))],
  ['x', 'x', longBytes(bytes(0, 255))],
  ['T', 'T', be((b) => b.writeBigUInt64BE(1_700_000_000n), 8)],
  ['T huge', 'T', be((b) => b.writeBigUInt64BE(2n ** 64n - 1n), 8)],
  ['V', 'V', Buffer.alloc(0)],
];

describe('field tables', () => {
  it('every wire type decodes exactly and re-encodes to the same bytes', () => {
    const table = tableBytes(EVERY_TYPE);
    const { value, offset } = decodeTable(table, 0, { exact: true });
    expect(offset).toBe(table.length);
    expect(encodeTable(value).equals(table)).toBe(true);
  });

  it('every wire type re-encodes byte-exactly inside arrays and nested tables', () => {
    const inner = tableBytes(EVERY_TYPE);
    const array = Buffer.concat(EVERY_TYPE.map(([, tag, value]) => Buffer.concat([Buffer.from(tag), value])));
    const arrayWithLength = longBytes(array);
    const nested = tableBytes([
      ['table', 'F', inner],
      ['array', 'A', arrayWithLength],
      ['array of arrays', 'A', longBytes(Buffer.concat([Buffer.from('A'), arrayWithLength, Buffer.from('F'), inner]))],
      ['deep', 'F', tableBytes([['deeper', 'F', tableBytes([['list', 'A', arrayWithLength]])]])],
      [
        'bang',
        'F',
        tableBytes([
          ['!', 'S', longBytes(Buffer.from('int8'))],
          ['value', 'b', bytes(1)],
        ]),
      ],
    ]);
    const { value } = decodeTable(nested, 0, { exact: true });
    expect(encodeTable(value).equals(nested)).toBe(true);
    expect(encodeArray(decodeArray(arrayWithLength, 0, { exact: true }).value).equals(arrayWithLength)).toBe(true);
  });

  it('exact decoding keeps wire types in amqplib typed form only where a plain value would change them', () => {
    const { value } = decodeTable(tableBytes(EVERY_TYPE), 0, { exact: true });
    expect(value).toMatchObject({
      't true': true,
      b: -123,
      'B small': { '!': 'uint8', value: 5 },
      's small': { '!': 'int16', value: -3 },
      's large': -30000,
      'I small': { '!': 'int32', value: 5 },
      'I large': -2_000_000_000,
      i: { '!': 'uint32', value: 4_000_000_000 },
      'l small': { '!': 'int64', value: 7 },
      'l large': -(2 ** 40),
      'l huge': { '!': 'int64', value: 2n ** 62n + 1n },
      f: { '!': 'float', value: 1.5 },
      'd fraction': 0.1,
      'd integral': { '!': 'double', value: 3 },
      D: { '!': 'decimal', value: { places: 2, digits: 12345 } },
      S: 'żółw',
      'S invalid utf8': { '!': 'longstr', value: bytes(0xf0, 0x9f, 0x98, 0x41) },
      T: { '!': 'timestamp', value: 1_700_000_000 },
      'T huge': { '!': 'timestamp', value: 2n ** 64n - 1n },
      V: null,
    });
  });

  it('plain decoding gives plain values, like amqplib', () => {
    const { value } = decodeTable(tableBytes(EVERY_TYPE), 0);
    expect(value).toMatchObject({
      'B small': 5,
      'I small': 5,
      i: 4_000_000_000,
      f: 1.5,
      'd integral': 3,
      'l huge': 2 ** 62,
      T: { '!': 'timestamp', value: 1_700_000_000 },
    });
  });

  it('plain values round-trip through encode and decode', () => {
    const table: FieldTable = {
      text: 'hello',
      int8: -1,
      int16: 1000,
      int32: 100_000,
      int64: 2 ** 40,
      double: 1.25,
      yes: true,
      none: null,
      raw: Buffer.from([9, 8]),
      list: [1, [2, [3, { four: [] }]], 'five'],
      nested: { a: { b: { c: 'd' } } },
      bigint: { '!': 'int64', value: 5n },
    };
    const encoded = encodeTable(table);
    expect(decodeTable(encoded, 0).value).toEqual({ ...table, bigint: 5 });
    expect(encodeTable(decodeTable(encoded, 0, { exact: true }).value).equals(encoded)).toBe(true);
  });

  it('a key named __proto__ is an ordinary key', () => {
    const table = tableBytes([['__proto__', 'S', longBytes(Buffer.from('x'))]]);
    const { value } = decodeTable(table, 0);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(encodeTable(value).equals(table)).toBe(true);
  });

  it('decodes a table at an offset and reports where it ends', () => {
    const table = encodeTable({ a: 1 });
    const framed = Buffer.concat([bytes(9, 9, 9), table, bytes(7)]);
    expect(decodeTable(framed, 3)).toEqual({ value: { a: 1 }, offset: 3 + table.length });
  });

  it('decodeMethod and decodeContentHeader pass the exact option on to their tables', () => {
    const args = { 'x-max-length': { '!': 'int32', value: 10 }, 'x-ratio': { '!': 'float', value: 0.5 } } as FieldTable;
    const declare = encodeMethod(1, 'queue.declare', { queue: 'q', arguments: args }).subarray(7, -1);
    expect(decodeMethod(declare, { exact: true }).fields).toMatchObject({ arguments: args });
    expect(decodeMethod(declare).fields).toMatchObject({ arguments: { 'x-max-length': 10, 'x-ratio': 0.5 } });
    const header = encodeContentHeader(1, 0, { headers: args }).subarray(7, -1);
    expect(decodeContentHeader(header, { exact: true }).properties.headers).toEqual(args);
  });

  it('values of every type sit in arrays too', () => {
    const values: FieldValue[] = [
      true,
      -1,
      300,
      70_000,
      2 ** 40,
      0.5,
      'text',
      null,
      Buffer.from('x'),
      [1],
      { k: 'v' },
      { '!': 'float', value: 2 },
    ];
    const encoded = encodeArray(values);
    expect(encodeArray(decodeArray(encoded, 0, { exact: true }).value).equals(encoded)).toBe(true);
  });
});
