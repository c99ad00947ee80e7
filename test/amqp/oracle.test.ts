/**
 * The codec against amqplib's own encoder and decoder, byte for byte:
 * every method, the basic properties, and field tables of every type.
 */
import { describe, expect, it } from 'vitest';
import {
  allMethodSpecs,
  decodeContentHeader,
  decodeMethod,
  decodeTable,
  encodeContentHeader,
  encodeMethod,
  encodeTable,
  methodSpecById,
} from '../../server/amqp/index.js';
import type { BasicProperties, FieldTable, MethodName } from '../../server/amqp/index.js';
import { amqplibDecodeTable, amqplibEncodeTable, amqplibId, amqplibMethodIds, defs } from './amqplib-defs.js';
import { MIXED_TABLE, mandatoryArguments, sampleArguments } from './samples.js';
import { present } from '../support/present.js';

/** Calls encodeMethod with loosely typed arguments, as the tests build them from the catalogue. */
function encodeLoosely(channel: number, name: MethodName, fields: Record<string, unknown>): Buffer {
  return encodeMethod(channel, name, fields as never);
}

describe('method catalogue', () => {
  it('has every method amqplib knows, with the same ids, field names, types and defaults', () => {
    const ids = amqplibMethodIds();
    expect(ids.length).toBe(allMethodSpecs().length);
    for (const id of ids) {
      const theirs = defs.info(id);
      const mine = methodSpecById(theirs.classId, present(theirs.methodId));
      expect(mine, theirs.name).toBeDefined();
      expect(
        mine?.fields.map((f) => [f.name, f.type]),
        theirs.name,
      ).toEqual(theirs.args.map((a) => [a.name, a.type]));
      expect(
        mine?.fields.map((f) => f.default),
        theirs.name,
      ).toEqual(theirs.args.map((a) => a.default));
    }
  });

  it('names replies that exist and belong to the same class', () => {
    for (const spec of allMethodSpecs()) {
      expect(spec.synchronous).toBe(spec.replies.length > 0);
      for (const reply of spec.replies) {
        const replySpec = allMethodSpecs().find((s) => s.name === reply);
        expect(replySpec, `${spec.name} -> ${reply}`).toBeDefined();
        expect(replySpec?.classId).toBe(spec.classId);
      }
    }
  });
});

describe('methods, byte for byte with amqplib', () => {
  for (const spec of allMethodSpecs()) {
    const id = amqplibId(spec.classId, spec.methodId);
    describe(spec.name, () => {
      for (const { label, fields } of sampleArguments(spec)) {
        it(`encodes and decodes ${label} arguments`, () => {
          const mine = encodeLoosely(7, spec.name, fields);
          const theirs = defs.encodeMethod(id, 7, fields);
          expect(mine.equals(theirs)).toBe(true);

          const decoded = decodeMethod(theirs.subarray(7, theirs.length - 1));
          expect(decoded.name).toBe(spec.name);
          expect(decoded.classId).toBe(spec.classId);
          expect(decoded.methodId).toBe(spec.methodId);
          expect(decoded.fields).toEqual(defs.decode(id, theirs.subarray(11, theirs.length - 1)));
          expect(decoded.fields).toEqual(fields);
        });
      }

      it('applies the same defaults when only mandatory arguments are given', () => {
        const fields = mandatoryArguments(spec);
        expect(encodeLoosely(1, spec.name, fields).equals(defs.encodeMethod(id, 1, fields))).toBe(true);
      });
    });
  }

  it('writes channel numbers across the whole range', () => {
    for (const channel of [0, 1, 255, 256, 65535]) {
      const fields = { deliveryTag: 9, multiple: true };
      expect(encodeMethod(channel, 'basic.ack', fields).equals(defs.encodeMethod(amqplibId(60, 80), channel, fields))).toBe(true);
    }
  });

  it('encodes connection.start with a string longstr the same as with a Buffer', () => {
    const fields = { serverProperties: { product: 'Warren' }, mechanisms: 'PLAIN AMQPLAIN', locales: 'en_US' };
    const theirs = defs.encodeMethod(amqplibId(10, 10), 0, {
      ...fields,
      mechanisms: Buffer.from(fields.mechanisms),
      locales: Buffer.from('en_US'),
    });
    expect(encodeMethod(0, 'connection.start', fields).equals(theirs)).toBe(true);
  });
});

const ALL_PROPERTIES: Required<BasicProperties> = {
  contentType: 'application/json',
  contentEncoding: 'gzip',
  headers: MIXED_TABLE,
  deliveryMode: 2,
  priority: 9,
  correlationId: 'corr-1',
  replyTo: 'amq.rabbitmq.reply-to',
  expiration: '60000',
  messageId: 'msg-1',
  timestamp: 1_700_000_000,
  type: 'order.created',
  userId: 'guest',
  appId: 'warren',
  clusterId: 'c1',
};

describe('basic properties, byte for byte with amqplib', () => {
  const names = Object.keys(ALL_PROPERTIES) as (keyof BasicProperties)[];
  const cases: [string, BasicProperties][] = [
    ['none', {}],
    ['all 14', ALL_PROPERTIES],
    ...names.map((name): [string, BasicProperties] => [`only ${name}`, { [name]: ALL_PROPERTIES[name] }]),
    ['every other one', Object.fromEntries(names.filter((_, i) => i % 2 === 0).map((n) => [n, ALL_PROPERTIES[n]]))],
    ['the ones amqplib usually sends', { headers: {}, deliveryMode: 1, contentType: 'text/plain' }],
    ['extremes', { priority: 255, deliveryMode: 0, timestamp: Number.MAX_SAFE_INTEGER, messageId: 'é'.repeat(127), headers: {} }],
  ];
  for (const [label, properties] of cases) {
    it(`encodes and decodes ${label}`, () => {
      for (const bodySize of [0, 5, 2 ** 40]) {
        const mine = encodeContentHeader(3, bodySize, properties);
        const theirs = defs.encodeProperties(defs.BasicProperties, 3, bodySize, properties);
        expect(mine.equals(theirs)).toBe(true);
        const header = decodeContentHeader(theirs.subarray(7, theirs.length - 1));
        expect(header).toEqual({ classId: 60, weight: 0, bodySize, properties });
        expect(header.properties).toEqual(defs.decode(defs.BasicProperties, theirs.subarray(19, theirs.length - 1)));
      }
    });
  }

  it('treats null like amqplib does: as an absent property', () => {
    const properties = { contentType: null, priority: 1 } as unknown as BasicProperties;
    expect(encodeContentHeader(1, 0, properties).equals(defs.encodeProperties(defs.BasicProperties, 1, 0, properties))).toBe(true);
  });
});

describe('field tables, byte for byte with amqplib', () => {
  const plain: [string, FieldTable][] = [
    ['empty', {}],
    ['strings', { a: 'text', b: '', c: 'żółw 🐢' }],
    ['booleans', { t: true, f: false }],
    ['int8 range', { a: 0, b: -128, c: 127, d: -1 }],
    ['int16 range', { a: 128, b: -129, c: 32767, d: -32768 }],
    ['int32 range', { a: 32768, b: -32769, c: 2 ** 31 - 1, d: -(2 ** 31) }],
    ['int64 range', { a: 2 ** 31, b: -(2 ** 31) - 1, c: Number.MAX_SAFE_INTEGER, d: -Number.MAX_SAFE_INTEGER, e: 2 ** 62 }],
    ['doubles', { a: 0.5, b: -1.25, c: 1e-300, d: 2 ** 63, e: 1e300 }],
    ['null', { v: null }],
    ['byte arrays', { x: Buffer.from([1, 2, 3]), empty: Buffer.alloc(0) }],
    ['arrays', { a: [], b: [1, 'a', true, null, 2.5, [[]], { k: 'v' }, Buffer.from('x')] }],
    ['nested tables', { a: { b: { c: { d: {} } } } }],
    ['undefined entries are skipped', { a: 1, b: undefined as never, c: 2 }],
    ['a Date becomes an empty table', { when: new Date(0) as never }],
    ['the mixed sample', MIXED_TABLE],
  ];
  const typed: [string, FieldTable][] = [
    ['int8 / byte', { a: { '!': 'int8', value: -3 }, b: { '!': 'byte', value: 100 } }],
    ['uint8 / unsignedbyte', { a: { '!': 'uint8', value: 200 }, b: { '!': 'unsignedbyte', value: 0 } }],
    ['int16 / short', { a: { '!': 'int16', value: 5 }, b: { '!': 'short', value: -30000 } }],
    ['uint16 / unsignedshort', { a: { '!': 'uint16', value: 65535 }, b: { '!': 'unsignedshort', value: 1 } }],
    ['int32 / int', { a: { '!': 'int32', value: 5 }, b: { '!': 'int', value: -2 } }],
    ['uint32 / unsignedint', { a: { '!': 'uint32', value: 4294967295 }, b: { '!': 'unsignedint', value: 7 } }],
    ['int64 / long', { a: { '!': 'int64', value: 5 }, b: { '!': 'long', value: -(2 ** 40) }, c: { '!': 'int64', value: 2n ** 62n } }],
    ['float', { a: { '!': 'float', value: 1.5 }, b: { '!': 'float', value: -0.25 } }],
    ['double / float64', { a: { '!': 'double', value: 2 }, b: { '!': 'float64', value: 0.1 } }],
    ['timestamp', { a: { '!': 'timestamp', value: 1_700_000_000 }, b: { '!': 'timestamp', value: 0 } }],
    [
      'decimal',
      { a: { '!': 'decimal', value: { places: 2, digits: 12345 } }, b: { '!': 'decimal', value: { places: 255, digits: 4294967295 } } },
    ],
    [
      'typeof names',
      {
        s: { '!': 'string', value: 'x' },
        b: { '!': 'boolean', value: true },
        n: { '!': 'number', value: 300 },
        o: { '!': 'object', value: null },
      },
    ],
    [
      'typed values inside arrays',
      {
        list: [
          { '!': 'uint8', value: 1 },
          { '!': 'timestamp', value: 2 },
        ],
      },
    ],
  ];
  for (const [label, table] of [...plain, ...typed]) {
    it(`${label}: encodes like amqplib and decodes to what amqplib decodes`, () => {
      const theirs = amqplibEncodeTable(table);
      expect(encodeTable(table).equals(theirs)).toBe(true);
      const decoded = decodeTable(theirs, 0);
      expect(decoded.offset).toBe(theirs.length);
      expect(decoded.value).toEqual(amqplibDecodeTable(theirs));
    });
  }

  it('decodes int64 beyond 2^53 the way amqplib does (rounded to a number)', () => {
    const table = { big: { '!': 'int64', value: 2n ** 62n + 1n }, negative: { '!': 'int64', value: -(2n ** 63n) } } as FieldTable;
    const theirs = amqplibEncodeTable(table);
    expect(decodeTable(theirs, 0).value).toEqual(amqplibDecodeTable(theirs));
  });
});
