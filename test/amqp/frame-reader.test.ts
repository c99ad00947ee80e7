/**
 * FrameReader: cutting a TCP byte stream into frames, however it is chunked,
 * and refusing malformed frames with FrameError 501.
 */
import { describe, expect, it } from 'vitest';
import {
  encodeBodyFrames,
  encodeContentHeader,
  encodeFrame,
  encodeMethod,
  FRAME_BODY,
  FRAME_HEARTBEAT,
  FrameError,
  FrameReader,
  HEARTBEAT_FRAME,
  PROTOCOL_HEADER,
} from '../../server/amqp/index.js';
import type { Frame } from '../../server/amqp/index.js';
import { present } from '../support/present.js';

const STREAM = Buffer.concat([
  encodeMethod(1, 'basic.publish', { exchange: 'ex', routingKey: 'rk' }),
  encodeContentHeader(1, 600, { headers: { a: 'b' } }),
  ...encodeBodyFrames(1, Buffer.alloc(600, 0x7a), 256),
  HEARTBEAT_FRAME,
  encodeMethod(65535, 'basic.ack', { deliveryTag: 1 }),
]);

function drain(reader: FrameReader): Frame[] {
  const frames: Frame[] = [];
  for (let frame = reader.next(); frame !== null; frame = reader.next()) frames.push(frame);
  return frames;
}

function framesOf(chunks: Buffer[], maxFrameSize = 4096): Frame[] {
  const reader = new FrameReader({ maxFrameSize });
  const frames: Frame[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    frames.push(...drain(reader));
  }
  expect(reader.bufferedBytes).toBe(0);
  return frames;
}

const plain = (frames: Frame[]) =>
  frames.map((f) => ({ type: f.type, channel: f.channel, payload: Buffer.from(f.payload).toString('hex') }));

describe('FrameReader', () => {
  const expected = plain(framesOf([STREAM]));

  it('reads many frames from one chunk', () => {
    expect(expected.map((f) => f.type)).toEqual([1, 2, 3, 3, 3, 8, 1]);
    expect(expected.map((f) => f.channel)).toEqual([1, 1, 1, 1, 1, 0, 65535]);
    expect(expected[5]?.payload).toBe('');
  });

  it('gives the same frames whichever byte boundary splits the stream in two', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(plain(framesOf([STREAM.subarray(0, cut), STREAM.subarray(cut)])), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('gives the same frames when the stream arrives one byte at a time', () => {
    const chunks = Array.from({ length: STREAM.length }, (_, i) => STREAM.subarray(i, i + 1));
    expect(plain(framesOf(chunks))).toEqual(expected);
  });

  it('gives the same frames for chunks of every size from 2 to 40 bytes', () => {
    for (let size = 2; size <= 40; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.subarray(i, i + size));
      expect(plain(framesOf(chunks)), `chunk size ${size}`).toEqual(expected);
    }
  });

  it('returns null until a frame is complete, then the frame', () => {
    const frame = encodeMethod(3, 'channel.open', {});
    const reader = new FrameReader({ maxFrameSize: 4096 });
    reader.push(frame.subarray(0, frame.length - 1));
    expect(reader.next()).toBeNull();
    expect(reader.next()).toBeNull();
    reader.push(frame.subarray(frame.length - 1));
    expect(reader.next()).toMatchObject({ type: 1, channel: 3 });
    expect(reader.next()).toBeNull();
  });

  it('takes the protocol header before the first frame', () => {
    const reader = new FrameReader({ maxFrameSize: 4096 });
    reader.push(PROTOCOL_HEADER.subarray(0, 5));
    expect(reader.takeProtocolHeader()).toBeNull();
    reader.push(Buffer.concat([PROTOCOL_HEADER.subarray(5), HEARTBEAT_FRAME]));
    expect(reader.takeProtocolHeader()?.equals(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'))).toBe(true);
    expect(reader.next()).toMatchObject({ type: FRAME_HEARTBEAT, channel: 0 });
  });

  it('refuses a frame whose frame-end byte is wrong, saying what it found', () => {
    const bad = Buffer.from(HEARTBEAT_FRAME);
    bad[7] = 0xcd;
    const reader = new FrameReader({ maxFrameSize: 4096 });
    reader.push(bad);
    let caught: unknown;
    try {
      reader.next();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FrameError);
    expect((caught as FrameError).code).toBe(501);
    expect((caught as FrameError).message).toMatch(/heartbeat frame on channel 0 .* ends with 0xcd instead of frame-end 0xce/);
  });

  it('refuses a frame larger than frame_max as soon as its header arrives', () => {
    const big = encodeFrame(FRAME_BODY, 1, Buffer.alloc(4089));
    const reader = new FrameReader({ maxFrameSize: 4096 });
    reader.push(big.subarray(0, 7));
    expect(() => reader.next()).toThrow(/4097 bytes, larger than frame_max 4096/);
    const exact = new FrameReader({ maxFrameSize: 4096 });
    exact.push(encodeFrame(FRAME_BODY, 1, Buffer.alloc(4088)));
    expect(exact.next()?.payload.length).toBe(4088);
  });

  it('follows a new limit set after tuning, and 0 means no limit', () => {
    const reader = new FrameReader({ maxFrameSize: 0 });
    reader.push(encodeFrame(FRAME_BODY, 1, Buffer.alloc(200_000)));
    expect(reader.next()?.payload.length).toBe(200_000);
    reader.setMaxFrameSize(4096);
    reader.push(encodeFrame(FRAME_BODY, 1, Buffer.alloc(5000)));
    expect(() => reader.next()).toThrow(FrameError);
  });

  it('refuses unknown frame types, naming the type and the allowed ones', () => {
    for (const type of [0, 4, 9, 65, 255]) {
      const reader = new FrameReader({ maxFrameSize: 4096 });
      reader.push(encodeFrame(type, 2, Buffer.from('x')));
      expect(() => reader.next()).toThrow(new RegExp(`unknown frame type ${type} on channel 2`));
    }
  });

  it('treats "AMQP" sent where a frame belongs as an unknown frame type', () => {
    const reader = new FrameReader({ maxFrameSize: 4096 });
    reader.push(PROTOCOL_HEADER);
    expect(() => reader.next()).toThrow(/unknown frame type 65/);
  });

  it('returns payloads that stay intact when later chunks arrive', () => {
    const reader = new FrameReader({ maxFrameSize: 4096 });
    const first = encodeMethod(1, 'basic.ack', { deliveryTag: 1 });
    reader.push(Buffer.concat([first, first.subarray(0, 5)]));
    const frame = present(reader.next());
    const copy = Buffer.from(frame.payload);
    reader.push(first.subarray(5));
    reader.next();
    expect(frame.payload.equals(copy)).toBe(true);
  });
});
