// Cutting a byte stream into the tap's units: whatever the chunking, the
// bytes passed on are exactly the bytes received, and each frame or message
// is reported once, decoded.
import { expect, test } from 'vitest';
import { HEARTBEAT_FRAME, PROTOCOL_HEADER, encodeBodyFrames, encodeContentHeader, encodeMethod } from '../../server/amqp/index.js';
import { WireReader, type WireUnit } from '../../server/tap/wire-reader.js';
import { present } from '../support/present.js';

/** A client's side of a short session: header, a publish split over body frames, a heartbeat in between, an ack. */
function clientStream(): Buffer {
  const body = Buffer.from('héllo wörld, '.repeat(40));
  return Buffer.concat([
    PROTOCOL_HEADER,
    encodeMethod(0, 'connection.start-ok', { clientProperties: { connection_name: 'producer' }, response: '\u0000guest\u0000guest' }),
    encodeMethod(1, 'channel.open', {}),
    encodeMethod(1, 'basic.publish', { exchange: 'logs', routingKey: 'info' }),
    encodeContentHeader(1, body.length, { contentType: 'text/plain', headers: { n: 1 } }),
    ...encodeBodyFrames(1, body.subarray(0, 300), 4096),
    HEARTBEAT_FRAME,
    ...encodeBodyFrames(1, body.subarray(300), 4096),
    encodeMethod(1, 'basic.publish', { exchange: '', routingKey: 'empty' }),
    encodeContentHeader(1, 0, {}),
    encodeMethod(1, 'basic.ack', { deliveryTag: 7, multiple: true }),
  ]);
}

function readAll(stream: Buffer, chunkSizes: (i: number) => number): WireUnit[] {
  const reader = new WireReader();
  const units: WireUnit[] = [];
  let offset = 0;
  for (let i = 0; offset < stream.length; i++) {
    const size = Math.max(1, chunkSizes(i));
    units.push(...reader.push(stream.subarray(offset, offset + size)));
    offset += size;
  }
  return units;
}

const forwarded = (units: WireUnit[]) => Buffer.concat(units.flatMap((u) => u.raw.buffers()));

test('every chunking gives the same units and passes the exact bytes on', () => {
  const stream = clientStream();
  const whole = readAll(stream, () => stream.length);
  expect(whole.map((u) => [u.kind, u.method])).toEqual([
    ['report', 'protocol-header'],
    ['report', 'connection.start-ok'],
    ['report', 'channel.open'],
    // The heartbeat inside the message passes at once; the message is one unit when complete.
    ['heartbeat', 'heartbeat'],
    ['report', 'basic.publish'],
    ['report', 'basic.publish'],
    ['report', 'basic.ack'],
  ]);
  const publish = present(whole[4]);
  expect(publish.fields).toMatchObject({ exchange: 'logs', routingKey: 'info' });
  expect(publish.message?.bodySize).toBe(Buffer.byteLength('héllo wörld, '.repeat(40)));
  expect(publish.message?.bodyPreview.endsWith('…')).toBe(true);
  expect(publish.message?.properties).toEqual({ contentType: 'text/plain', headers: { n: 1 } });
  expect(whole[5]?.message).toEqual({ properties: {}, bodySize: 0, bodyPreview: '' });
  expect(whole[6]?.fields).toEqual({ deliveryTag: 7, multiple: true });

  // Units with their bytes in stream order (the heartbeat overtakes the message it interrupted).
  const inOrder = (units: WireUnit[]) => units.map((u) => `${u.method}:${u.size}`);
  for (const chunking of [() => 1, () => 7, (i: number) => (i * 37) % 101, () => 4096]) {
    const units = readAll(stream, chunking);
    expect(inOrder(units)).toEqual(inOrder(whole));
    expect(forwarded(units).length).toBe(stream.length);
  }
  // Apart from the overtaking heartbeat, the bytes are the stream itself.
  const withoutHeartbeat = Buffer.concat(whole.filter((u) => u.kind !== 'heartbeat').flatMap((u) => u.raw.buffers()));
  expect(
    withoutHeartbeat.equals(
      Buffer.concat([stream.subarray(0, stream.indexOf(HEARTBEAT_FRAME)), stream.subarray(stream.indexOf(HEARTBEAT_FRAME) + 8)]),
    ),
  ).toBe(true);
});

test('a payload that does not decode is reported and passed on; the stream goes on', () => {
  const badMethod = Buffer.from([1, 0, 2, 0, 0, 0, 4, 0x99, 0x99, 0, 1, 0xce]);
  const stream = Buffer.concat([badMethod, encodeMethod(2, 'channel.close-ok', {})]);
  const units = readAll(stream, () => 5);
  expect(units.map((u) => [u.method, u.channel])).toEqual([
    ['undecodable', 2],
    ['channel.close-ok', 2],
  ]);
  expect(units[0]?.fields.reason).toMatch(/unknown class id 39321/);
  expect(forwarded(units).equals(stream)).toBe(true);
});

test('a body frame with no message before it, and a message cut short, are reported as such', () => {
  const stream = Buffer.concat([
    ...encodeBodyFrames(1, Buffer.from('stray'), 4096),
    encodeMethod(1, 'basic.publish', { routingKey: 'q' }),
    encodeMethod(1, 'basic.qos', { prefetchCount: 1 }),
  ]);
  const units = readAll(stream, () => stream.length);
  expect(units.map((u) => u.method)).toEqual(['undecodable', 'undecodable', 'basic.qos']);
  expect(units[0]?.fields.reason).toMatch(/no message was expected/);
  expect(units[1]?.fields.reason).toMatch(/basic.publish on channel 1: basic.qos arrived before the message was complete/);
  expect(forwarded(units).equals(stream)).toBe(true);
});

test('a stream that can no longer be cut into frames is reported once, then passed on unread', () => {
  const good = encodeMethod(1, 'channel.open', {});
  const broken = Buffer.from(good);
  broken[broken.length - 1] = 0x00; // not the frame-end byte
  const reader = new WireReader();
  const first = reader.push(Buffer.concat([good, broken]));
  const later = reader.push(Buffer.from('more bytes'));
  expect(first.map((u) => [u.kind, u.method])).toEqual([
    ['report', 'channel.open'],
    ['report', 'undecodable'],
  ]);
  expect(first[1]?.fields.reason).toMatch(/could not be cut into frames/);
  expect(later.map((u) => u.kind)).toEqual(['raw']);
  expect(forwarded([...first, ...later]).equals(Buffer.concat([good, broken, Buffer.from('more bytes')]))).toBe(true);
});

test('a broker refusing the protocol header answers with its own, which is reported', () => {
  const reader = new WireReader();
  const units = reader.push(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
  expect(units.map((u) => [u.method, u.fields])).toEqual([['protocol-header', { protocol: 'AMQP', version: '0-9-1' }]]);
});
