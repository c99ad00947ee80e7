/**
 * Outgoing frames of one connection, batched: frames are appended to a
 * buffer and written to the socket once per event-loop turn, so a burst of
 * deliveries and confirms costs one write instead of one per frame.
 *
 * The methods on the hot path (basic.deliver, basic.get-ok, basic.return,
 * basic.ack/nack) are written straight into the buffer here; the content
 * header and body are copied from the message's stored bytes as they were
 * published. Everything else arrives as frames encoded by the codec.
 */
import type { Socket } from 'node:net';
import { FRAME_BODY, FRAME_END, FRAME_HEADER, FRAME_METHOD, HEARTBEAT_FRAME } from '../amqp/index.js';
import type { Message } from './message.js';

const CHUNK_SIZE = 64 * 1024;
/** Bytes waiting (ours plus the socket's) above which deliveries pause until the socket drains. */
const HIGH_WATER_MARK = 1024 * 1024;
/**
 * Bytes unsent above which the broker stops reading from the client too: a
 * client that publishes but never reads its replies (returns, confirms)
 * would otherwise grow them without bound. Reading resumes on drain.
 */
const READ_PAUSE_MARK = 16 * 1024 * 1024;
const BASIC = 60;
const TWO_TO_32 = 0x1_0000_0000;

/** Batches outgoing frames for one socket. */
export class FrameOutput {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK_SIZE);
  private pos = 0;
  /** Filled chunks not yet written (when one turn produces more than a chunk). */
  private full: Buffer[] = [];
  private fullBytes = 0;
  private scheduled = false;
  private closed = false;
  /** Whether a delivery was held back because too much was waiting to be sent. */
  private deliveriesPaused = false;
  /** True while the client does not read what it is sent; the connection stops reading from it meanwhile. */
  backlogged = false;
  /** Largest frame the client accepts (negotiated frame-max), used to split bodies. */
  frameMax = 131072;

  constructor(
    private readonly socket: Socket,
    /** Called just before each write, e.g. to add pending publisher confirms. */
    private readonly beforeFlush: () => void,
    /** Called when a congested socket has drained, so deliveries resume. */
    private readonly onDrain: () => void,
    /** Called when `backlogged` changes. */
    private readonly onBacklogChange: () => void,
  ) {
    socket.on('drain', () => {
      if (this.backlogged) {
        this.backlogged = false;
        this.onBacklogChange();
      }
      this.resumeIfDrained();
    });
  }

  /** Memory the output keeps: the batch buffer, batched frames and what the socket has not sent yet. */
  get heldBytes(): number {
    return this.buf.length + this.fullBytes + this.socket.writableLength;
  }

  private resumeIfDrained(): void {
    if (this.deliveriesPaused && !this.congested && !this.closed) {
      this.deliveriesPaused = false;
      this.onDrain();
    }
  }

  /** Whether more bytes are waiting than a consumer should add to (deliveries pause). */
  get congested(): boolean {
    return this.fullBytes + this.pos + this.socket.writableLength > HIGH_WATER_MARK;
  }

  /** Appends an already encoded frame (or several). */
  raw(bytes: Buffer): void {
    this.reserve(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }

  /** Appends a heartbeat frame. */
  heartbeat(): void {
    this.raw(HEARTBEAT_FRAME);
  }

  /** basic.deliver followed by the message's content. */
  deliver(channel: number, consumerTag: string, deliveryTag: number, redelivered: boolean, message: Message, headerPayload?: Buffer): void {
    this.reserve(12 + 256 + 9 + 512 + 8);
    const buf = this.buf;
    const start = this.pos;
    let o = this.methodStart(channel, 60);
    o = writeShortString(buf, o, consumerTag);
    o = writeLongLong(buf, o, deliveryTag);
    buf[o++] = redelivered ? 1 : 0;
    o = writeShortString(buf, o, message.exchange);
    o = writeShortString(buf, o, message.routingKey);
    this.methodEnd(start, o);
    this.content(channel, message, headerPayload);
  }

  /** basic.get-ok followed by the message's content. */
  getOk(channel: number, deliveryTag: number, redelivered: boolean, messageCount: number, message: Message, headerPayload?: Buffer): void {
    this.reserve(12 + 9 + 512 + 4 + 8);
    const buf = this.buf;
    const start = this.pos;
    let o = this.methodStart(channel, 71);
    o = writeLongLong(buf, o, deliveryTag);
    buf[o++] = redelivered ? 1 : 0;
    o = writeShortString(buf, o, message.exchange);
    o = writeShortString(buf, o, message.routingKey);
    buf.writeUInt32BE(messageCount, o);
    this.methodEnd(start, o + 4);
    this.content(channel, message, headerPayload);
  }

  /** basic.return (an unroutable mandatory message) followed by its content. */
  basicReturn(channel: number, replyCode: number, replyText: string, message: Message): void {
    this.reserve(12 + 2 + 256 * 3 + 8);
    const buf = this.buf;
    const start = this.pos;
    let o = this.methodStart(channel, 50);
    buf.writeUInt16BE(replyCode, o);
    o = writeShortString(buf, o + 2, replyText);
    o = writeShortString(buf, o, message.exchange);
    o = writeShortString(buf, o, message.routingKey);
    this.methodEnd(start, o);
    this.content(channel, message);
  }

  /** basic.ack or basic.nack for publisher confirms. */
  confirm(channel: number, deliveryTag: number, multiple: boolean, nack: boolean): void {
    this.reserve(12 + 9 + 8);
    const buf = this.buf;
    const start = this.pos;
    let o = this.methodStart(channel, nack ? 120 : 80);
    o = writeLongLong(buf, o, deliveryTag);
    // basic.nack packs multiple (bit 0) with requeue (bit 1), which a broker sends as false.
    buf[o++] = multiple ? 1 : 0;
    this.methodEnd(start, o);
  }

  /** Writes everything batched so far to the socket now. */
  flush(): void {
    if (this.closed) return;
    this.beforeFlush();
    this.scheduled = false;
    if (this.pos > 0) {
      if (this.pos < 8192) {
        // A small batch is copied out, so the chunk buffer can be reused.
        this.full.push(Buffer.from(this.buf.subarray(0, this.pos)));
      } else {
        this.full.push(this.buf.subarray(0, this.pos));
        this.buf = Buffer.allocUnsafe(CHUNK_SIZE);
      }
      this.pos = 0;
    }
    const chunks = this.full;
    if (chunks.length > 0) {
      this.full = [];
      this.fullBytes = 0;
      const [only] = chunks;
      if (chunks.length === 1 && only !== undefined) {
        this.socket.write(only);
      } else {
        this.socket.cork();
        for (const chunk of chunks) this.socket.write(chunk);
        this.socket.uncork();
      }
      if (this.socket.writableLength > READ_PAUSE_MARK && !this.backlogged) {
        this.backlogged = true;
        this.onBacklogChange();
      }
    }
    this.resumeIfDrained();
  }

  /** Records that a delivery waited for the socket; onDrain is called once it has drained. */
  notePausedDelivery(): void {
    this.deliveriesPaused = true;
  }

  /** Stops writing (the socket is gone or going). */
  close(): void {
    this.closed = true;
    this.full = [];
    this.pos = 0;
  }

  /** Makes sure a flush happens this turn even if nothing is written yet (confirms are added just before it). */
  scheduleFlush(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Makes room for n more bytes and schedules a flush. */
  private reserve(n: number): void {
    this.scheduleFlush();
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > 0) {
      this.full.push(this.buf.subarray(0, this.pos));
      this.fullBytes += this.pos;
    }
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_SIZE, n));
    this.pos = 0;
  }

  /** Writes a method frame's header and class/method ids; returns where the arguments start. */
  private methodStart(channel: number, methodId: number): number {
    const buf = this.buf;
    const o = this.pos;
    buf[o] = FRAME_METHOD;
    buf[o + 1] = channel >>> 8;
    buf[o + 2] = channel & 0xff;
    buf[o + 7] = 0;
    buf[o + 8] = BASIC;
    buf[o + 9] = 0;
    buf[o + 10] = methodId;
    return o + 11;
  }

  /** Fills in the payload size and frame-end of a method frame started at start. */
  private methodEnd(start: number, end: number): void {
    this.buf.writeUInt32BE(end - start - 7, start + 3);
    this.buf[end] = FRAME_END;
    this.pos = end + 1;
  }

  /** The content header frame and body frames of a message, copied from its stored bytes. */
  private content(channel: number, message: Message, headerPayload?: Buffer): void {
    const header = headerPayload ?? message.data.subarray(message.offset, message.offset + message.headerSize);
    const bodySize = message.bodySize;
    const maxBodyPayload = this.frameMax - 8;
    const bodyFrames = bodySize === 0 ? 0 : Math.ceil(bodySize / maxBodyPayload);
    this.reserve(header.length + 8 + bodySize + bodyFrames * 8);
    const buf = this.buf;
    let o = this.pos;
    buf[o] = FRAME_HEADER;
    buf[o + 1] = channel >>> 8;
    buf[o + 2] = channel & 0xff;
    buf.writeUInt32BE(header.length, o + 3);
    o += 7 + header.copy(buf, o + 7);
    buf[o++] = FRAME_END;
    const data = message.data;
    let from = message.offset + message.headerSize;
    let left = bodySize;
    while (left > 0) {
      const size = left < maxBodyPayload ? left : maxBodyPayload;
      buf[o] = FRAME_BODY;
      buf[o + 1] = channel >>> 8;
      buf[o + 2] = channel & 0xff;
      buf.writeUInt32BE(size, o + 3);
      o += 7 + data.copy(buf, o + 7, from, from + size);
      buf[o++] = FRAME_END;
      from += size;
      left -= size;
    }
    this.pos = o;
  }
}

/** Writes a length-prefixed short string (at most 255 bytes); returns the offset after it. */
function writeShortString(buf: Buffer, offset: number, text: string): number {
  const length = buf.write(text, offset + 1, 'utf8');
  buf[offset] = length;
  return offset + 1 + length;
}

/** Writes an unsigned 64-bit integer given as a number; returns the offset after it. */
function writeLongLong(buf: Buffer, offset: number, value: number): number {
  const high = Math.floor(value / TWO_TO_32);
  buf.writeUInt32BE(high, offset);
  buf.writeUInt32BE(value - high * TWO_TO_32, offset + 4);
  return offset + 8;
}
