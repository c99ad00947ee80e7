/**
 * The codec talking to a real RabbitMQ over a socket: the handshake, a
 * message with all 14 properties and headers of every wire type published
 * and fetched back, and RabbitMQ's own server-properties table re-encoded
 * byte for byte. Skipped with a notice when RabbitMQ is not reachable,
 * except under CI=true.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeContentHeader,
  decodeMethod,
  decodeTable,
  encodeBodyFrames,
  encodeContentHeader,
  encodeMethod,
  encodeTable,
  FRAME_BODY,
  FRAME_HEADER,
  FRAME_METHOD,
  FrameReader,
  PROTOCOL_HEADER,
} from '../../server/amqp/index.js';
import type { BasicProperties, DecodedMethod, FieldTable, Frame } from '../../server/amqp/index.js';
import { present } from '../support/present.js';

const url = new URL(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
const FRAME_MAX = 4096;

/** A socket plus a FrameReader, with a way to wait for the next frame. */
class RawConnection {
  private readonly reader = new FrameReader({ maxFrameSize: 0 });
  private readonly frames: Frame[] = [];
  private waiting: ((frame: Frame) => void) | null = null;
  private failure: Error | null = null;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.reader.push(chunk);
      for (let frame = this.reader.next(); frame !== null; frame = this.reader.next()) this.frames.push(frame);
      this.deliver();
    });
    socket.on('error', (error) => {
      this.failure = error;
    });
  }

  static open(): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port || 5672) }, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  nextFrame(): Promise<Frame> {
    return new Promise((resolve, reject) => {
      if (this.failure !== null) {
        reject(this.failure);
        return;
      }
      const timer = setTimeout(() => reject(new Error('no frame from RabbitMQ within 5s')), 5000);
      this.waiting = (frame) => {
        clearTimeout(timer);
        resolve(frame);
      };
      this.deliver();
    });
  }

  async nextMethod(): Promise<DecodedMethod> {
    const frame = await this.nextFrame();
    expect(frame.type).toBe(FRAME_METHOD);
    return decodeMethod(frame.payload);
  }

  private deliver(): void {
    if (this.waiting === null || this.frames.length === 0) return;
    const waiting = this.waiting;
    this.waiting = null;
    waiting(present(this.frames.shift()));
  }
}

async function reachable(): Promise<boolean> {
  try {
    const connection = await RawConnection.open();
    connection.socket.destroy();
    return true;
  } catch {
    return false;
  }
}

const rabbitUp = await reachable();
if (!rabbitUp) console.warn(`[amqp] RabbitMQ codec checks skipped: ${url.host} is not reachable`);

/** One value of every wire type, in the typed form that keeps it. */
const EVERY_TYPE_HEADERS: FieldTable = {
  bool: true,
  int8: -5,
  uint8: { '!': 'uint8', value: 200 },
  int16: { '!': 'int16', value: -2 },
  uint16: { '!': 'uint16', value: 65535 },
  int32: { '!': 'int32', value: 7 },
  uint32: { '!': 'uint32', value: 4_000_000_000 },
  int64: -(2 ** 40),
  float: { '!': 'float', value: 0.5 },
  double: 0.25,
  decimal: { '!': 'decimal', value: { places: 2, digits: 314 } },
  longstr: 'żółw',
  bytes: Buffer.from([0, 1, 255]),
  timestamp: { '!': 'timestamp', value: 1_700_000_000 },
  array: [1, 'two', [null, false], { three: 3 }],
  table: { nested: { deeper: 'yes' } },
  void: null,
};

describe.skipIf(!rabbitUp && process.env.CI !== 'true')('the codec against RabbitMQ', () => {
  let connection: RawConnection;
  let serverPropertiesPayload: Buffer;
  let serverProperties: FieldTable;

  beforeAll(async () => {
    connection = await RawConnection.open();
    connection.send(PROTOCOL_HEADER);
    const startFrame = await connection.nextFrame();
    serverPropertiesPayload = startFrame.payload;
    const start = decodeMethod(startFrame.payload);
    if (start.name !== 'connection.start') throw new Error(`expected connection.start, got ${start.name}`);
    serverProperties = start.fields.serverProperties;
    const response = `\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`;
    connection.send(encodeMethod(0, 'connection.start-ok', { clientProperties: { product: 'warren codec test' }, response }));
    const tune = await connection.nextMethod();
    if (tune.name !== 'connection.tune') throw new Error(`expected connection.tune, got ${tune.name}`);
    connection.send(
      encodeMethod(0, 'connection.tune-ok', { channelMax: tune.fields.channelMax, frameMax: FRAME_MAX, heartbeat: 0 }),
      encodeMethod(0, 'connection.open', { virtualHost: decodeURIComponent(url.pathname.slice(1)) || '/' }),
    );
    expect((await connection.nextMethod()).name).toBe('connection.open-ok');
    connection.send(encodeMethod(1, 'channel.open', {}));
    expect((await connection.nextMethod()).name).toBe('channel.open-ok');
  });

  afterAll(async () => {
    // Unset when beforeAll failed.
    if ((connection as RawConnection | undefined) === undefined) return;
    connection.send(encodeMethod(0, 'connection.close', { replyCode: 200, replyText: 'bye', classId: 0, methodId: 0 }));
    await connection.nextMethod().catch(() => undefined);
    connection.socket.destroy();
  });

  it('decodes connection.start, and its server properties re-encode byte for byte', () => {
    expect(serverProperties).toMatchObject({ product: 'RabbitMQ', capabilities: { publisher_confirms: true, 'basic.nack': true } });
    const tableStart = 4 + 2; // class and method ids, version major and minor
    const exact = decodeTable(serverPropertiesPayload, tableStart, { exact: true });
    expect(encodeTable(exact.value).equals(serverPropertiesPayload.subarray(tableStart, exact.offset))).toBe(true);
  });

  it('publishes a message with all 14 properties and every header type, and gets it back unchanged', async () => {
    connection.send(encodeMethod(1, 'queue.declare', { exclusive: true, autoDelete: true }));
    const declared = await connection.nextMethod();
    if (declared.name !== 'queue.declare-ok') throw new Error(`expected queue.declare-ok, got ${declared.name}`);
    const queue = declared.fields.queue;
    expect(queue).toMatch(/^amq\.gen-/);

    const properties: BasicProperties = {
      contentType: 'application/octet-stream',
      contentEncoding: 'identity',
      headers: EVERY_TYPE_HEADERS,
      deliveryMode: 2,
      priority: 3,
      correlationId: 'corr',
      replyTo: 'reply.queue',
      expiration: '60000',
      messageId: 'id-1',
      timestamp: 1_700_000_000,
      type: 'test.message',
      userId: decodeURIComponent(url.username),
      appId: 'warren',
      clusterId: 'cluster',
    };
    const body = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 256));
    const sentHeader = encodeContentHeader(1, body.length, properties);
    connection.send(encodeMethod(1, 'basic.publish', { routingKey: queue }), sentHeader, ...encodeBodyFrames(1, body, FRAME_MAX));

    connection.send(encodeMethod(1, 'basic.get', { queue, noAck: true }));
    const got = await connection.nextMethod();
    expect(got).toMatchObject({ name: 'basic.get-ok', fields: { redelivered: false, exchange: '', routingKey: queue, messageCount: 0 } });

    const headerFrame = await connection.nextFrame();
    expect(headerFrame.type).toBe(FRAME_HEADER);
    const header = decodeContentHeader(headerFrame.payload, { exact: true });
    expect(header.bodySize).toBe(body.length);
    expect(header.properties).toEqual(properties);
    expect(headerFrame.payload.equals(sentHeader.subarray(7, -1))).toBe(true);

    const received: Buffer[] = [];
    while (Buffer.concat(received).length < body.length) {
      const frame = await connection.nextFrame();
      expect(frame.type).toBe(FRAME_BODY);
      expect(frame.payload.length + 8).toBeLessThanOrEqual(FRAME_MAX);
      received.push(frame.payload);
    }
    expect(Buffer.concat(received).equals(body)).toBe(true);
  });
});
