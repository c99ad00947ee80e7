// How decoded values and bodies read in the trace.
import { expect, test } from 'vitest';
import { bodyPreview, methodFieldsToJson, toJson } from '../../server/tap/render.js';

test('field values become plain JSON', () => {
  expect(
    toJson({
      text: 'a',
      n: 1.5,
      big: 2n ** 60n,
      bytes: Buffer.from('hi'),
      when: { '!': 'timestamp', value: 1700000000 },
      list: [true, null, { deep: 1 }],
      nan: Number.NaN,
    }),
  ).toEqual({
    text: 'a',
    n: 1.5,
    big: '1152921504606846976',
    bytes: { base64: 'aGk=' },
    when: 1700000000,
    list: [true, null, { deep: 1 }],
    nan: 'NaN',
  });
  const tricky = JSON.parse('{"__proto__": 1}') as Record<string, unknown>;
  expect(Object.keys(toJson(tricky) as object)).toEqual(['__proto__']);
});

test('passwords never reach the trace', () => {
  const fields = { clientProperties: {}, mechanism: 'PLAIN', response: Buffer.from('\u0000guest\u0000secret'), locale: 'en_US' };
  expect(methodFieldsToJson('connection.start-ok', fields).response).toBe('(hidden: the password of user "guest")');
  expect(methodFieldsToJson('connection.update-secret', { newSecret: Buffer.from('token'), reason: 'refresh' })).toEqual({
    newSecret: '(hidden)',
    reason: 'refresh',
  });
});

test('body previews: text as is, cut at 200 bytes with a marker, binary escaped', () => {
  expect(bodyPreview(Buffer.from('Hello World!'), 12)).toBe('Hello World!');
  expect(bodyPreview(Buffer.from('line 1\n\tline 2'), 14)).toBe('line 1\n\tline 2');
  const exact = Buffer.alloc(200, 'a');
  expect(bodyPreview(exact, 200)).toBe('a'.repeat(200));
  expect(bodyPreview(Buffer.alloc(203, 'a'), 5000)).toBe(`${'a'.repeat(200)}…`);
  // A cut in the middle of a two-byte character leaves the character out instead of showing it broken.
  const accented = Buffer.concat([Buffer.alloc(199, 'a'), Buffer.from('é'), Buffer.from('tail')]);
  expect(bodyPreview(accented, accented.length)).toBe(`${'a'.repeat(199)}…`);
  expect(bodyPreview(Buffer.from([0x00, 0x41, 0xff, 0x5c]), 4)).toBe('\\x00A\\xff\\x5c');
  expect(bodyPreview(Buffer.from('bell\u0007'), 5)).toBe('bell\\x07');
});
