/**
 * Micro benchmark of the codec's hot paths: what the broker does per
 * message (decode basic.publish and its content header, encode
 * basic.deliver and its content header, decode basic.ack).
 * Run: npx tsx test/bench/codec.ts
 */
import {
  decodeContentHeader,
  decodeMethod,
  encodeBodyFrames,
  encodeContentHeader,
  encodeMethod,
  FrameReader,
  methodEncoder,
} from '../../server/amqp/index.js';
import type { BasicProperties } from '../../server/amqp/index.js';

const DURATION_MS = 400;

/** Runs fn repeatedly for about DURATION_MS and prints operations per second (opsPerCall per call). */
function measure(label: string, fn: () => unknown, opsPerCall = 1): void {
  let sink: unknown;
  for (let i = 0; i < 20_000; i++) sink = fn();
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < DURATION_MS) {
    for (let i = 0; i < 5_000; i++) sink = fn();
    calls += 5_000;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  if (sink === Symbol.for('never')) console.log(sink);
  console.log(
    `${label.padEnd(44)} ${Math.round(((calls * opsPerCall) / elapsed) * 1000)
      .toLocaleString('en-US')
      .padStart(12)} ops/s`,
  );
}

const payloadOf = (frame: Buffer) => frame.subarray(7, frame.length - 1);

const properties: BasicProperties = { headers: {}, deliveryMode: 2, contentType: 'application/json' };
const publishPayload = payloadOf(
  encodeMethod(1, 'basic.publish', { exchange: 'orders', routingKey: 'orders.eu.created', mandatory: false }),
);
const headerPayload = payloadOf(encodeContentHeader(1, 64, properties));
const ackPayload = payloadOf(encodeMethod(1, 'basic.ack', { deliveryTag: 123_456, multiple: false }));
const deliverFields = {
  consumerTag: 'amq.ctag-Fq7XQwT3mN3H0kY2bq9H5w',
  deliveryTag: 123_456,
  redelivered: false,
  exchange: 'orders',
  routingKey: 'orders.eu.created',
};
const encodeDeliver = methodEncoder('basic.deliver');
const body = Buffer.alloc(64, 0x61);

measure('decode basic.publish', () => decodeMethod(publishPayload));
measure('decode content header (3 properties)', () => decodeContentHeader(headerPayload));
measure('decode basic.ack', () => decodeMethod(ackPayload));
measure('encode basic.deliver (encodeMethod)', () => encodeMethod(1, 'basic.deliver', deliverFields));
measure('encode basic.deliver (methodEncoder)', () => encodeDeliver(1, deliverFields));
measure('encode content header (3 properties)', () => encodeContentHeader(1, 64, properties));
measure('encode content header (no properties)', () => encodeContentHeader(1, 64, {}));
measure('encode basic.ack', () => encodeMethod(1, 'basic.ack', { deliveryTag: 123_456, multiple: false }));
measure('encode body frame (64 bytes)', () => encodeBodyFrames(1, body, 131_072));

const stream = Buffer.concat([
  encodeMethod(1, 'basic.publish', { exchange: 'orders', routingKey: 'orders.eu.created' }),
  encodeContentHeader(1, 64, properties),
  ...encodeBodyFrames(1, body, 131_072),
]);
const chunk = Buffer.concat(Array.from({ length: 100 }, () => stream));
measure(
  'FrameReader: cut frames from 64-byte messages',
  () => {
    const reader = new FrameReader({ maxFrameSize: 131_072 });
    reader.push(chunk);
    let frames = 0;
    while (reader.next() !== null) frames++;
    return frames;
  },
  300,
);
