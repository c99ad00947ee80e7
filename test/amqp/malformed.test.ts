/**
 * Malformed input: truncated, padded or mutated payloads raise CodecError
 * (502 for bad bytes, 540 for unknown ids) with a message naming what was
 * wrong; nothing else escapes. Bad values given to the encoders raise
 * TypeError naming the field.
 */
import { describe, expect, it } from 'vitest';
import {
  allMethodSpecs,
  CodecError,
  decodeContentHeader,
  decodeMethod,
  decodeTable,
  encodeContentHeader,
  encodeMethod,
  encodeTable,
} from '../../server/amqp/index.js';
import type { BasicProperties, FieldTable, MethodName } from '../../server/amqp/index.js';
import { sampleArguments } from './samples.js';
import { present } from '../support/present.js';

const payloadOf = (frame: Buffer) => frame.subarray(7, frame.length - 1);

function codecError(run: () => unknown): CodecError {
  try {
    run();
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw new Error(`expected a CodecError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a CodecError, nothing was thrown');
}

/** Every method's payloads in all sample variants, as test material. */
const PAYLOADS = allMethodSpecs().flatMap((spec) =>
  sampleArguments(spec)
    .filter(({ label }) => label !== 'extreme')
    .map(({ fields }) => ({ name: spec.name, payload: Buffer.from(payloadOf(encodeMethod(1, spec.name, fields as never))) })),
);

describe('decodeMethod on malformed payloads', () => {
  it('every truncation of every method is a 502 naming the method and the field', () => {
    for (const { name, payload } of PAYLOADS) {
      for (let length = 4; length < payload.length; length++) {
        const error = codecError(() => decodeMethod(payload.subarray(0, length)));
        expect(error.code, `${name} cut to ${length}`).toBe(502);
        expect(error.message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: field '\\w+'`));
        const spec = present(allMethodSpecs().find((s) => s.name === name));
        expect([error.classId, error.methodId]).toEqual([spec.classId, spec.methodId]);
      }
    }
  });

  it('bytes after the last field are a 502', () => {
    const error = codecError(() => decodeMethod(Buffer.concat([payloadOf(encodeMethod(1, 'basic.qos', {})), Buffer.from([9, 9])])));
    expect(error.code).toBe(502);
    expect(error.message).toBe('basic.qos: 2 unexpected bytes after the last field');
  });

  it('a payload too short for the ids is a 502', () => {
    for (const payload of [Buffer.alloc(0), Buffer.from([0, 60, 0])]) {
      expect(codecError(() => decodeMethod(payload)).code).toBe(502);
    }
  });

  it('unknown class or method ids are a 540 naming them', () => {
    const unknownClass = codecError(() => decodeMethod(Buffer.from([0, 99, 0, 1])));
    expect(unknownClass.code).toBe(540);
    expect(unknownClass.message).toBe('unknown class id 99 (method id 1)');
    const unknownMethod = codecError(() => decodeMethod(Buffer.from([0, 60, 0, 200])));
    expect(unknownMethod.code).toBe(540);
    expect(unknownMethod.message).toBe('unknown method id 200 in class basic (60)');
  });

  it('a string length running past the end names the field', () => {
    const payload = Buffer.from([0, 50, 0, 10, 0, 0, 5, 0x61]);
    expect(codecError(() => decodeMethod(payload)).message).toBe(
      "queue.declare: field 'queue' needs 5 bytes but only 1 are left in the payload",
    );
  });

  it('an unknown type tag in an arguments table names the method, field, key and tag', () => {
    const payload = Buffer.from([0, 50, 0, 10, 0, 0, 1, 0x61, 0, 0, 0, 0, 5, 1, 0x6b, 0x5a, 0, 0]);
    const error = codecError(() => decodeMethod(payload));
    expect(error.code).toBe(502);
    expect(error.message).toBe(
      "queue.declare: field 'arguments': field table entry k: unknown type tag 'Z' (0x5a); allowed are t b B s u I i l f d D S x T A F V",
    );
  });

  it('thousands of randomly mutated payloads raise nothing but CodecError', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let decoded = 0;
    let refused = 0;
    for (let round = 0; round < 5000; round++) {
      const { payload } = present(PAYLOADS[random(PAYLOADS.length)]);
      const mutated = Buffer.from(payload);
      const edits = 1 + random(4);
      for (let i = 0; i < edits && mutated.length > 0; i++) {
        // Keep the ids most of the time so mutations reach the fields.
        const at = mutated.length > 4 && random(4) > 0 ? 4 + random(mutated.length - 4) : random(mutated.length);
        mutated[at] = random(4) === 0 ? 0xff : random(256);
      }
      const cut = random(3) === 0 ? mutated.subarray(0, random(mutated.length + 1)) : mutated;
      try {
        decodeMethod(cut);
        decoded++;
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
        expect([502, 540]).toContain((error as CodecError).code);
        refused++;
      }
    }
    expect(decoded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

describe('decodeContentHeader and decodeTable on malformed payloads', () => {
  const header = Buffer.from(
    payloadOf(encodeContentHeader(1, 10, { contentType: 'text/plain', headers: { a: [1, 'x', { b: null }] }, timestamp: 5, appId: 'app' })),
  );

  it('every truncation of a content header is a 502', () => {
    for (let length = 0; length < header.length; length++) {
      const error = codecError(() => decodeContentHeader(header.subarray(0, length)));
      expect(error.code).toBe(502);
      expect(error.message).toMatch(/^content header: /);
    }
  });

  it('property flags basic does not have are a 502', () => {
    const bad = Buffer.from(header);
    bad.writeUInt16BE(bad.readUInt16BE(12) | 1, 12);
    expect(codecError(() => decodeContentHeader(bad)).message).toMatch(/set bit 0 or 1/);
  });

  it('randomly mutated content headers raise nothing but CodecError', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 3000; round++) {
      const mutated = Buffer.from(header);
      mutated[random(mutated.length)] = random(256);
      if (random(2) === 0) mutated[12 + random(mutated.length - 12)] = random(256);
      try {
        decodeContentHeader(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
        expect((error as CodecError).code).toBe(502);
      }
    }
  });

  it('every truncation of a nested table is a 502, never a RangeError', () => {
    const table = encodeTable({
      list: [1, 2.5, 'three', { four: Buffer.from('4'), five: { '!': 'timestamp', value: 5 } }],
      d: { '!': 'decimal', value: { places: 1, digits: 2 } },
    });
    for (let length = 0; length < table.length; length++) {
      const truncated = Buffer.from(table.subarray(0, length));
      expect(codecError(() => decodeTable(truncated, 0)).code).toBe(502);
      // Also with the outer length intact, so the cut lands inside the entries.
      const padded = Buffer.concat([table.subarray(0, 4), table.subarray(4, Math.max(length, 4))]);
      if (padded.length < table.length) expect(codecError(() => decodeTable(padded, 0)).code).toBe(502);
    }
  });

  it('refuses tables nested deeper than 100 levels instead of overflowing the stack', () => {
    let table: FieldTable = {};
    for (let i = 0; i < 150; i++) table = { t: table };
    expect(() => encodeTable(table)).toThrow(/nested more than 100 deep/);
    let bytes = encodeTable({});
    for (let i = 0; i < 5000; i++) {
      const entry = Buffer.concat([Buffer.from([1, 0x74, 0x46]), bytes]);
      bytes = Buffer.concat([Buffer.alloc(4), entry]);
      bytes.writeUInt32BE(entry.length, 0);
    }
    expect(codecError(() => decodeTable(bytes, 0)).message).toMatch(/nested more than 100 deep/);
  });
});

describe('encoders refuse bad values with a TypeError naming the field', () => {
  const cases: [MethodName, Record<string, unknown>, RegExp][] = [
    ['basic.publish', { exchange: 5 }, /^basic\.publish: field 'exchange' must be a string, got 5$/],
    ['basic.publish', { routingKey: 'x'.repeat(256) }, /field 'routingKey' must be a string of at most 255 UTF-8 bytes/],
    ['basic.publish', { routingKey: 'é'.repeat(128) }, /field 'routingKey' must be a string of at most 255 UTF-8 bytes/],
    ['basic.publish', { mandatory: 1 }, /field 'mandatory' must be a boolean, got 1/],
    ['basic.qos', { prefetchCount: 70000 }, /field 'prefetchCount' must be an integer from 0 to 65535, got 70000/],
    ['basic.qos', { prefetchCount: -1 }, /field 'prefetchCount' must be an integer from 0 to 65535/],
    ['basic.qos', { prefetchSize: 1.5 }, /field 'prefetchSize' must be an integer from 0 to 4294967295/],
    ['basic.qos', { prefetchSize: Number.NaN }, /field 'prefetchSize'/],
    ['basic.ack', { deliveryTag: -1 }, /field 'deliveryTag' must be an integer from 0 to 2\^64-1/],
    ['basic.ack', { deliveryTag: '1' }, /field 'deliveryTag' must be an integer/],
    [
      'basic.deliver',
      { consumerTag: 'c', exchange: '', routingKey: '' },
      /^basic\.deliver: field 'deliveryTag' is missing and has no default$/,
    ],
    ['queue.declare', { arguments: [] }, /field 'arguments' must be a field table/],
    [
      'queue.declare',
      { arguments: { 'x-max-length': Symbol('x') } },
      /field 'arguments': field table entry x-max-length: cannot encode a value of type symbol/,
    ],
    [
      'queue.declare',
      { arguments: { a: { b: [1, { '!': 'int8', value: 300 }] } } },
      /field table entry a\.b\[1\]: int8 needs an integer from -128 to 127, got 300/,
    ],
    ['queue.declare', { arguments: { a: { '!': 'nonsense', value: 1 } } }, /unknown type "nonsense"/],
    ['connection.start-ok', { clientProperties: {}, response: 5 }, /field 'response' must be a Buffer or a string/],
  ];
  for (const [name, fields, message] of cases) {
    it(`${name} ${JSON.stringify(fields, (_, v: unknown) => (typeof v === 'symbol' ? 'Symbol' : v)).slice(0, 60)}`, () => {
      expect(() => encodeMethod(1, name, fields as never)).toThrow(TypeError);
      expect(() => encodeMethod(1, name, fields as never)).toThrow(message);
    });
  }

  it('refuses bad channel numbers, unknown method names and non-object fields', () => {
    expect(() => encodeMethod(65536, 'basic.ack', {})).toThrow(/channel must be an integer from 0 to 65535, got 65536/);
    expect(() => encodeMethod(-1, 'basic.ack', {})).toThrow(TypeError);
    expect(() => encodeMethod(1, 'basic.nonsense' as MethodName, {})).toThrow(/unknown method name "basic.nonsense"/);
    expect(() => encodeMethod(1, 'basic.ack', null as never)).toThrow(/fields must be an object/);
  });

  it('refuses bad properties, naming them', () => {
    const bad: [BasicProperties, RegExp][] = [
      [{ contentType: 5 as never }, /'contentType' must be a string, got 5/],
      [{ deliveryMode: 256 }, /'deliveryMode' must be an integer from 0 to 255/],
      [{ timestamp: -1 }, /'timestamp' must be an integer/],
      [{ headers: 'x' as never }, /'headers' must be a field table/],
      [
        { headers: { k: undefined as never, bad: (() => 1) as never } },
        /'headers': field table entry bad: cannot encode a value of type function/,
      ],
      [{ messageId: 'x'.repeat(300) }, /'messageId' must be a string of at most 255 UTF-8 bytes/],
    ];
    for (const [properties, message] of bad) {
      expect(() => encodeContentHeader(1, 0, properties)).toThrow(TypeError);
      expect(() => encodeContentHeader(1, 0, properties)).toThrow(message);
    }
  });

  it('refuses table keys longer than 255 bytes and undefined inside arrays', () => {
    expect(() => encodeTable({ ['k'.repeat(256)]: 1 })).toThrow(/key is 256 bytes long/);
    expect(() => encodeTable({ list: [1, undefined as never] })).toThrow(
      /field table entry list\[1\]: cannot encode a value of type undefined/,
    );
  });
});
