// A deliberately tiny AMQP 0-9-1 client over a raw socket, for the cases a
// well-behaved library cannot produce or cannot see: wrong protocol headers,
// broken frames, methods on channels that were never opened, a client that
// falls silent, the order of frames and the wire types of header values, and
// whether the broker ends the socket gracefully or resets it. It encodes only
// the handful of methods those cases need and decodes only what they check.
import { Socket } from 'node:net';
import type { CloseReason } from './observe.js';

/** The protocol header of AMQP 0-9-1, also what a broker answers a wrong header with. */
export const AMQP_0_9_1_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

/** Frame types and the end marker from the 0-9-1 spec. */
export const FrameType = { method: 1, header: 2, body: 3, heartbeat: 8 } as const;
export const FRAME_END = 0xce;

/** One frame as read off the wire. */
export interface RawFrame {
  type: number;
  channel: number;
  payload: Buffer;
}

/** What connection.tune-ok answers; anything left out takes the broker's proposal. */
export interface TuneOk {
  frameMax?: number;
  /** Seconds; 0 (the default) turns heartbeats off. */
  heartbeat?: number;
}

/** How the broker ended the socket: a FIN (graceful) or a TCP reset (ECONNRESET). */
export type SocketEnd = 'graceful' | 'reset';

/** A field value with the wire type tag it was sent with ('l' long, 'b' byte, 'T' timestamp, ...). */
export interface WireValue {
  type: string;
  value: number | bigint | string | boolean | null | Buffer | WireValue[] | WireTable;
}

/** A field table decoded with every value's wire type kept. */
export type WireTable = Record<string, WireValue>;

/** A message the broker delivered or handed out: the method's arguments, headers with wire types, body. */
export interface RawMessage {
  classId: number;
  methodId: number;
  args: Buffer;
  headers: WireTable | undefined;
  body: Buffer;
}

/** A connection.close or channel.close as the broker sent it. */
export interface RawClose extends CloseReason {
  replyText: string;
  /** 0 for connection.close, else the closed channel. */
  channel: number;
}

/** Builds method arguments field by field, in wire order. */
export class Args {
  private readonly parts: Buffer[] = [];

  octet(value: number): this {
    this.parts.push(Buffer.from([value]));
    return this;
  }
  short(value: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(value);
    this.parts.push(b);
    return this;
  }
  long(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value);
    this.parts.push(b);
    return this;
  }
  shortstr(value: string): this {
    const text = Buffer.from(value);
    this.parts.push(Buffer.from([text.length]), text);
    return this;
  }
  longstr(value: Buffer | string): this {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
    return this.long(bytes.length).raw(bytes);
  }
  /** An empty field table. */
  emptyTable(): this {
    return this.long(0);
  }
  /** A field table of booleans and nested tables: all the client properties need. */
  table(fields: Record<string, boolean | Record<string, boolean>>): this {
    const entries = new Args();
    for (const [key, value] of Object.entries(fields)) {
      entries.shortstr(key);
      if (typeof value === 'boolean') entries.raw(Buffer.from('t')).octet(value ? 1 : 0);
      else entries.raw(Buffer.from('F')).table(value);
    }
    return this.longstr(entries.toBuffer());
  }
  raw(bytes: Buffer): this {
    this.parts.push(bytes);
    return this;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** A whole frame: type, channel, size, payload, end marker (which a case may spoil). */
export function frame(type: number, channel: number, payload: Buffer, end = FRAME_END): Buffer {
  const head = Buffer.alloc(7);
  head.writeUInt8(type, 0);
  head.writeUInt16BE(channel, 1);
  head.writeUInt32BE(payload.length, 3);
  return Buffer.concat([head, payload, Buffer.from([end])]);
}

/** A method frame for class/method ids with already encoded arguments. */
export function methodFrame(channel: number, classId: number, methodId: number, args: Args | Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(classId, 0);
  head.writeUInt16BE(methodId, 2);
  return frame(FrameType.method, channel, Buffer.concat([head, Buffer.isBuffer(args) ? args : args.toBuffer()]));
}

/** basic.publish to an exchange with a routing key (no mandatory/immediate). */
export function basicPublish(channel: number, exchange: string, routingKey: string): Buffer {
  return methodFrame(channel, 60, 40, new Args().short(0).shortstr(exchange).shortstr(routingKey).octet(0));
}

/** A passive exchange.declare: the cheapest method that needs an open channel and has no content. */
export function passiveExchangeDeclare(channel: number, exchange: string): Buffer {
  return methodFrame(channel, 40, 10, new Args().short(0).shortstr(exchange).shortstr('direct').octet(1).emptyTable());
}

/** A client-initiated channel.close. */
export function channelClose(channel: number): Buffer {
  return methodFrame(channel, 20, 40, new Args().short(200).shortstr('Goodbye').short(0).short(0));
}

/** A content header frame for class basic with no properties. */
export function contentHeader(channel: number, bodySize: number): Buffer {
  const payload = Buffer.alloc(14);
  payload.writeUInt16BE(60, 0);
  payload.writeUInt16BE(0, 2);
  payload.writeBigUInt64BE(BigInt(bodySize), 4);
  payload.writeUInt16BE(0, 12);
  return frame(FrameType.header, channel, payload);
}

/** basic.consume with a consumer tag (manual acks, not exclusive). */
export function basicConsume(channel: number, queue: string, consumerTag: string): Buffer {
  return methodFrame(channel, 60, 20, new Args().short(0).shortstr(queue).shortstr(consumerTag).octet(0).emptyTable());
}

/** basic.get with manual acks. */
export function basicGet(channel: number, queue: string): Buffer {
  return methodFrame(channel, 60, 70, new Args().short(0).shortstr(queue).octet(0));
}

/** basic.reject of one delivery. */
export function basicReject(channel: number, deliveryTag: number, requeue: boolean): Buffer {
  const tag = Buffer.alloc(8);
  tag.writeBigUInt64BE(BigInt(deliveryTag));
  return methodFrame(channel, 60, 90, new Args().raw(tag).octet(requeue ? 1 : 0));
}

/** queue.delete with no conditions. */
export function queueDelete(channel: number, queue: string): Buffer {
  return methodFrame(channel, 50, 40, new Args().short(0).shortstr(queue).octet(0));
}

/** The delivery tag of a basic.deliver or basic.get-ok, read from its arguments. */
export function deliveryTagOf(message: RawMessage): number {
  const args = message.args;
  // basic.deliver starts with the consumer tag; basic.get-ok with the delivery tag.
  const at = message.methodId === 60 ? 1 + args.readUInt8(0) : 0;
  return Number(args.readBigUInt64BE(at));
}

/** What the broker told the client during the handshake that matters to cases. */
export interface Tuning {
  channelMax: number;
  frameMax: number;
  heartbeat: number;
}

/** A socket that speaks just enough AMQP to misbehave on purpose. */
export class RawAmqpClient {
  private buffered = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;
  /** How the broker ended the socket, once it has. */
  private endedBy: SocketEnd | undefined;
  /** When the socket ended (Date.now()), for cases that measure how long the broker waited. */
  endedAt = 0;
  /** Set by login(): what the broker proposed in connection.tune. */
  tuning: Tuning | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    const finish = (how: SocketEnd) => {
      if (!this.ended) {
        this.endedBy = how;
        this.endedAt = Date.now();
      }
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', () => finish('graceful'));
    socket.on('close', () => finish('graceful'));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNRESET' ? 'reset' : 'graceful'));
  }

  /** Opens a TCP connection; nothing is sent yet. */
  static async connect(host: string, port: number): Promise<RawAmqpClient> {
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`timed out connecting to ${host}:${port}`));
      }, 3000);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.connect(port, host, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return new RawAmqpClient(socket);
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves once `count` bytes are buffered, or with fewer if the broker closed the socket. */
  private async waitForBytes(count: number, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.buffered.length < count && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Everything the broker sends until it closes the socket. */
  async bytesUntilClosed(ms = 3000): Promise<Buffer> {
    await this.waitForBytes(Number.MAX_SAFE_INTEGER, ms, 'the broker to close the socket').catch((err: unknown) => {
      if (!this.ended) throw err;
    });
    const all = this.buffered;
    this.buffered = Buffer.alloc(0);
    return all;
  }

  /** Whether the broker has closed the socket (waiting up to `ms` for it). */
  async closedByBroker(ms = 3000): Promise<boolean> {
    await this.bytesUntilClosed(ms).catch(() => {});
    return this.ended;
  }

  /** How the broker ends the socket (waiting up to `ms`), or 'open' if it has not by then. Drops what it sent meanwhile. */
  async socketEnd(ms = 3000): Promise<SocketEnd | 'open'> {
    await this.bytesUntilClosed(ms).catch(() => {});
    return this.endedBy ?? 'open';
  }

  /** The next frame, or null if the socket closed first. */
  async nextFrame(ms = 3000): Promise<RawFrame | null> {
    await this.waitForBytes(7, ms, 'a frame header');
    if (this.buffered.length < 7) return null;
    const size = this.buffered.readUInt32BE(3);
    await this.waitForBytes(7 + size + 1, ms, 'a frame body');
    if (this.buffered.length < 7 + size + 1) return null;
    const result: RawFrame = {
      type: this.buffered.readUInt8(0),
      channel: this.buffered.readUInt16BE(1),
      payload: this.buffered.subarray(7, 7 + size),
    };
    this.buffered = this.buffered.subarray(7 + size + 1);
    return result;
  }

  /** The next method frame (skipping heartbeats), as class id, method id and its arguments. */
  async nextMethod(ms = 3000): Promise<{ channel: number; classId: number; methodId: number; args: Buffer } | null> {
    for (;;) {
      const next = await this.nextFrame(ms);
      if (next === null) return null;
      if (next.type === FrameType.heartbeat) continue;
      if (next.type !== FrameType.method) throw new Error(`expected a method frame, got frame type ${next.type}`);
      return {
        channel: next.channel,
        classId: next.payload.readUInt16BE(0),
        methodId: next.payload.readUInt16BE(2),
        args: next.payload.subarray(4),
      };
    }
  }

  /** Sends the protocol header and waits for connection.start. */
  async start(): Promise<void> {
    this.send(AMQP_0_9_1_HEADER);
    await this.expectMethod(10, 10, 'connection.start');
  }

  /**
   * Sends connection.start-ok. Like amqplib and pika, it announces the
   * authentication_failure_close capability, so a refused login is answered
   * with connection.close rather than a silent disconnect, and
   * consumer_cancel_notify, so a deleted queue's consumers hear basic.cancel;
   * a case may announce others (connection.blocked).
   */
  startOk(mechanism: string, response: Buffer, capabilities: Record<string, boolean> = {}): void {
    const clientProperties = { capabilities: { authentication_failure_close: true, consumer_cancel_notify: true, ...capabilities } };
    this.send(methodFrame(0, 10, 11, new Args().table(clientProperties).shortstr(mechanism).longstr(response).shortstr('en_US')));
  }

  /**
   * Runs the opening handshake with PLAIN. Returns null when the connection is
   * open, or the connection.close the broker answered with instead.
   */
  async handshake(
    credentials: { username: string; password: string; vhost: string },
    tuneOk: TuneOk = {},
    capabilities: Record<string, boolean> = {},
  ): Promise<RawClose | null> {
    const refused = await this.login(credentials, capabilities);
    if (refused !== null) return refused;
    this.tune(tuneOk);
    this.send(methodFrame(0, 10, 40, new Args().shortstr(credentials.vhost).shortstr('').octet(0)));
    const afterOpen = await this.nextMethodOrFail('connection.open-ok');
    if (afterOpen.classId === 10 && afterOpen.methodId === 50) return this.answerClose(afterOpen);
    if (afterOpen.classId !== 10 || afterOpen.methodId !== 41) throw new Error('expected connection.open-ok');
    return null;
  }

  /**
   * Sends the protocol header and start-ok with PLAIN and waits for
   * connection.tune. Returns null once tuning is due, or the connection.close
   * the broker refused the login with.
   */
  async login(credentials: { username: string; password: string }, capabilities: Record<string, boolean> = {}): Promise<RawClose | null> {
    await this.start();
    this.startOk('PLAIN', Buffer.from(`\0${credentials.username}\0${credentials.password}`), capabilities);
    const afterStartOk = await this.nextMethodOrFail('connection.tune');
    if (afterStartOk.classId === 10 && afterStartOk.methodId === 50) return this.answerClose(afterStartOk);
    if (afterStartOk.classId !== 10 || afterStartOk.methodId !== 30) throw new Error('expected connection.tune');
    this.tuning = {
      channelMax: afterStartOk.args.readUInt16BE(0),
      frameMax: afterStartOk.args.readUInt32BE(2),
      heartbeat: afterStartOk.args.readUInt16BE(6),
    };
    return null;
  }

  /** Sends connection.tune-ok: the broker's proposal, with what `tuneOk` changes. */
  tune(tuneOk: TuneOk = {}): void {
    if (this.tuning === undefined) throw new Error('tune() needs login() first');
    const { channelMax, frameMax } = this.tuning;
    this.send(
      methodFrame(
        0,
        10,
        31,
        new Args()
          .short(channelMax)
          .long(tuneOk.frameMax ?? frameMax)
          .short(tuneOk.heartbeat ?? 0),
      ),
    );
  }

  /** The next basic.deliver or basic.get-ok with its content, skipping other methods; null if the socket closed first. */
  async nextMessage(ms = 3000): Promise<RawMessage | null> {
    for (;;) {
      const method = await this.nextMethod(ms);
      if (method === null) return null;
      const isMessage = method.classId === 60 && (method.methodId === 60 || method.methodId === 71);
      if (!isMessage) continue;
      const header = await this.nextFrame(ms);
      if (header === null) return null;
      if (header.type !== FrameType.header) throw new Error(`expected a content header, got frame type ${header.type}`);
      const bodySize = Number(header.payload.readBigUInt64BE(4));
      const parts: Buffer[] = [];
      let received = 0;
      while (received < bodySize) {
        const body = await this.nextFrame(ms);
        if (body === null) return null;
        parts.push(body.payload);
        received += body.payload.length;
      }
      return { ...method, headers: headersOf(header.payload), body: Buffer.concat(parts) };
    }
  }

  /** Opens a channel and waits for channel.open-ok. */
  async openChannel(channel: number): Promise<void> {
    this.send(methodFrame(channel, 20, 10, new Args().shortstr('')));
    await this.expectMethod(20, 11, 'channel.open-ok');
  }

  /** Reads until the broker closes the connection or a channel; answers with close-ok. */
  async nextClose(ms = 3000): Promise<RawClose> {
    for (;;) {
      const method = await this.nextMethodOrFail('a close', ms);
      const connectionClose = method.classId === 10 && method.methodId === 50;
      const channelClose = method.classId === 20 && method.methodId === 40;
      if (connectionClose || channelClose) return this.answerClose(method);
    }
  }

  /** Drops the socket without a close handshake. */
  end(): void {
    this.socket.destroy();
  }

  /** Bytes this client has written that the broker has not taken in yet (they wait in this process). */
  get unsentBytes(): number {
    return this.socket.writableLength;
  }

  /** Stops reading from the socket, like a client too busy to read what the broker sends. */
  stopReading(): void {
    this.socket.pause();
  }

  /** Reads from the socket again. */
  startReading(): void {
    this.socket.resume();
  }

  /** Reads and drops the next `count` bytes (a flood of deliveries) without keeping them all at once. */
  async skip(count: number, ms = 10_000): Promise<void> {
    let left = count;
    while (left > 0) {
      if (this.buffered.length === 0) await this.waitForBytes(1, ms, `${left} more bytes`);
      if (this.buffered.length === 0) throw new Error(`the broker closed the socket with ${left} bytes still to come`);
      const taken = Math.min(left, this.buffered.length);
      this.buffered = this.buffered.subarray(taken);
      left -= taken;
    }
  }

  private async nextMethodOrFail(what: string, ms = 3000) {
    const method = await this.nextMethod(ms);
    if (method === null) throw new Error(`the broker closed the socket while a client waited for ${what}`);
    return method;
  }

  private async expectMethod(classId: number, methodId: number, what: string): Promise<Buffer> {
    const method = await this.nextMethodOrFail(what);
    if (method.classId !== classId || method.methodId !== methodId) {
      throw new Error(`expected ${what}, got method ${method.classId}.${method.methodId}`);
    }
    return method.args;
  }

  /** Decodes a close and acknowledges it with the matching close-ok. */
  private answerClose(method: { channel: number; classId: number; args: Buffer }): RawClose {
    const code = method.args.readUInt16BE(0);
    const textLength = method.args.readUInt8(2);
    const replyText = method.args.subarray(3, 3 + textLength).toString();
    const classId = method.args.readUInt16BE(3 + textLength);
    const methodId = method.args.readUInt16BE(5 + textLength);
    const closeOkMethod = method.classId === 10 ? 51 : 41;
    if (!this.ended) this.send(methodFrame(method.channel, method.classId, closeOkMethod));
    return { code, replyText, classId, methodId, channel: method.channel };
  }
}

/** Property flag bits of the basic class that come before headers in a content header. */
const CONTENT_TYPE_FLAG = 1 << 15;
const CONTENT_ENCODING_FLAG = 1 << 14;
const HEADERS_FLAG = 1 << 13;

/** The headers property of a basic content header payload, with wire types, or undefined if absent. */
function headersOf(payload: Buffer): WireTable | undefined {
  const flags = payload.readUInt16BE(12);
  let at = 14;
  if (flags & CONTENT_TYPE_FLAG) at += 1 + payload.readUInt8(at);
  if (flags & CONTENT_ENCODING_FLAG) at += 1 + payload.readUInt8(at);
  if ((flags & HEADERS_FLAG) === 0) return undefined;
  return readTable(payload, at).table;
}

/** Reads a field table (length-prefixed) at `at`; returns it and where it ends. */
function readTable(buf: Buffer, at: number): { table: WireTable; end: number } {
  const end = at + 4 + buf.readUInt32BE(at);
  const table: WireTable = {};
  let o = at + 4;
  while (o < end) {
    const keyLength = buf.readUInt8(o);
    const key = buf.toString('utf8', o + 1, o + 1 + keyLength);
    const read = readValue(buf, o + 1 + keyLength);
    table[key] = read.value;
    o = read.end;
  }
  return { table, end };
}

/** Reads one tagged field value at `at` (RabbitMQ's tags); returns it and where it ends. */
function readValue(buf: Buffer, at: number): { value: WireValue; end: number } {
  const type = String.fromCharCode(buf.readUInt8(at));
  const o = at + 1;
  const fixed = (value: WireValue['value'], size: number) => ({ value: { type, value }, end: o + size });
  switch (type) {
    case 't':
      return fixed(buf.readUInt8(o) !== 0, 1);
    case 'b':
      return fixed(buf.readInt8(o), 1);
    case 'B':
      return fixed(buf.readUInt8(o), 1);
    case 's':
      return fixed(buf.readInt16BE(o), 2);
    case 'u':
      return fixed(buf.readUInt16BE(o), 2);
    case 'I':
      return fixed(buf.readInt32BE(o), 4);
    case 'i':
      return fixed(buf.readUInt32BE(o), 4);
    case 'l':
      return fixed(buf.readBigInt64BE(o), 8);
    case 'T':
      return fixed(buf.readBigUInt64BE(o), 8);
    case 'f':
      return fixed(buf.readFloatBE(o), 4);
    case 'd':
      return fixed(buf.readDoubleBE(o), 8);
    case 'V':
      return fixed(null, 0);
    case 'S':
      return fixed(buf.toString('utf8', o + 4, o + 4 + buf.readUInt32BE(o)), 4 + buf.readUInt32BE(o));
    case 'x':
      return fixed(buf.subarray(o + 4, o + 4 + buf.readUInt32BE(o)), 4 + buf.readUInt32BE(o));
    case 'F': {
      const { table, end } = readTable(buf, o);
      return { value: { type, value: table }, end };
    }
    case 'A': {
      const end = o + 4 + buf.readUInt32BE(o);
      const items: WireValue[] = [];
      for (let p = o + 4; p < end;) {
        const item = readValue(buf, p);
        items.push(item.value);
        p = item.end;
      }
      return { value: { type, value: items }, end };
    }
    default:
      throw new Error(`field value type ${JSON.stringify(type)} is not one the raw client reads`);
  }
}
