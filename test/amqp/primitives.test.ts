/**
 * String and integer helpers: the remembered-strings shortcut must never
 * return a different string than the bytes say.
 */
import { describe, expect, it } from 'vitest';
import {
  CodecError,
  decodeLongString,
  decodeShortString,
  readUInt64,
  readUtf8,
  utf8Length,
  writeUInt64,
  writeUtf8,
} from '../../server/amqp/index.js';

describe('readUtf8', () => {
  it('returns exactly the bytes given, across many distinct and repeated strings', () => {
    let seed = 1;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_#*';
    const texts = Array.from({ length: 3000 }, () => Array.from({ length: random(60) }, () => alphabet[random(alphabet.length)]).join(''));
    for (let round = 0; round < 3; round++) {
      for (const text of texts) {
        const bytes = Buffer.concat([Buffer.from('pad'), Buffer.from(text)]);
        expect(readUtf8(bytes, 3, bytes.length)).toBe(text);
      }
    }
  });

  it('decodes non-ASCII text and strings that differ only after a shared prefix', () => {
    for (const text of ['żółw', 'abc', 'abd', 'ab\u0000', 'é'.repeat(100), '🐢 tortoise', 'x'.repeat(49)]) {
      expect(readUtf8(Buffer.from(text), 0, Buffer.byteLength(text))).toBe(text);
    }
  });
});

describe('string and integer helpers', () => {
  it('measures and writes UTF-8', () => {
    for (const text of ['', 'ascii', 'żółw', 'x'.repeat(100), '🐢'.repeat(20)]) {
      const length = utf8Length(text);
      expect(length).toBe(Buffer.byteLength(text));
      const buf = Buffer.alloc(length + 2);
      expect(writeUtf8(buf, 1, text, length)).toBe(1 + length);
      expect(buf.subarray(1, 1 + length).toString()).toBe(text);
    }
  });

  it('reads and writes 64-bit unsigned integers', () => {
    for (const value of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) {
      const buf = Buffer.alloc(8);
      writeUInt64(buf, 0, value);
      expect(buf.readBigUInt64BE(0)).toBe(BigInt(value));
      expect(readUInt64(buf, 0)).toBe(value);
    }
  });

  it('decodes short and long strings at an offset, refusing lengths past the end', () => {
    const buf = Buffer.from([9, 3, 0x61, 0x62, 0x63, 0, 0, 0, 2, 0x78, 0x79]);
    expect(decodeShortString(buf, 1)).toEqual({ value: 'abc', offset: 5 });
    expect(decodeLongString(buf, 5)).toEqual({ value: Buffer.from('xy'), offset: 11 });
    expect(() => decodeShortString(buf, 9, 'queue name')).toThrow(CodecError);
    expect(() => decodeShortString(buf, 9, 'queue name')).toThrow(/queue name needs 121 bytes but only 2 are left/);
    expect(() => decodeLongString(buf, 8)).toThrow(CodecError);
  });
});
