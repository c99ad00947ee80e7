/**
 * AMQP frames: the envelope every piece of the protocol travels in.
 *
 *   type (1) | channel (2) | payload size (4) | payload | frame-end 0xCE
 *
 * The reader cuts a TCP byte stream into frames; it knows nothing about what
 * the payloads mean (see methods.ts and properties.ts for that).
 */
import { FrameError } from './errors.js';
import { FRAME_ERROR } from './reply-codes.js';

export const FRAME_METHOD = 1;
export const FRAME_HEADER = 2;
export const FRAME_BODY = 3;
export const FRAME_HEARTBEAT = 8;
export const FRAME_END = 0xce;

/** Bytes a frame adds around its payload: 7 in front, the frame-end byte after. */
export const FRAME_OVERHEAD = 8;
/** The smallest frame_max a peer may negotiate (spec constant frame-min-size). */
export const FRAME_MIN_SIZE = 4096;

/** What a client sends before its first frame: 'AMQP' 0 0 9 1. */
export const PROTOCOL_HEADER: Buffer = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

/** A complete heartbeat frame (type 8, channel 0, empty payload). */
export const HEARTBEAT_FRAME: Buffer = Buffer.from([FRAME_HEARTBEAT, 0, 0, 0, 0, 0, 0, FRAME_END]);

/** One frame cut from the stream; payload excludes the 7-byte header and the frame-end. */
export interface Frame {
  type: number;
  channel: number;
  payload: Buffer;
}

const FRAME_HEADER_SIZE = 7;

/** Readable names for frame types, used in error messages and by the tap. */
export function frameTypeName(type: number): string {
  switch (type) {
    case FRAME_METHOD:
      return 'method';
    case FRAME_HEADER:
      return 'header';
    case FRAME_BODY:
      return 'body';
    case FRAME_HEARTBEAT:
      return 'heartbeat';
    default:
      return `unknown (${type})`;
  }
}

/** Wraps a payload in a frame: header, payload, frame-end. */
export function encodeFrame(type: number, channel: number, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(payload.length + FRAME_OVERHEAD);
  frame[0] = type;
  frame.writeUInt16BE(channel, 1);
  frame.writeUInt32BE(payload.length, 3);
  payload.copy(frame, FRAME_HEADER_SIZE);
  frame[payload.length + FRAME_HEADER_SIZE] = FRAME_END;
  return frame;
}

function checkFrameEnd(end: number | undefined, type: number, channel: number, size: number): void {
  if (end === FRAME_END) return;
  throw new FrameError(
    FRAME_ERROR,
    `${frameTypeName(type)} frame on channel ${channel} with payload size ${size} ends with ${end === undefined ? 'nothing' : `0x${end.toString(16).padStart(2, '0')}`} instead of frame-end 0xce`,
  );
}

/**
 * Incremental frame reader: push socket chunks in, pull whole frames out.
 *
 * Chunks are kept as a list and only joined when a frame straddles two of
 * them, so a large body arriving in many small chunks is copied once, not
 * once per chunk. A frame that lies inside one chunk is returned as a view
 * of it (no copy), so pushed chunks must not be modified afterwards.
 */
export class FrameReader {
  private maxFrameSize: number;
  private readonly chunks: Buffer[] = [];
  /** Read position inside chunks[0]. */
  private headOffset = 0;
  /** Unread bytes across all chunks. */
  private available = 0;

  /** maxFrameSize is the negotiated frame_max including the 8 bytes of overhead; 0 means no limit. */
  constructor(options: { maxFrameSize: number }) {
    this.maxFrameSize = options.maxFrameSize;
  }

  /** Changes the limit, e.g. once connection.tune-ok has settled frame_max. */
  setMaxFrameSize(n: number): void {
    this.maxFrameSize = n;
  }

  /** Number of received bytes not yet returned as frames. */
  get bufferedBytes(): number {
    return this.available;
  }

  /** Adds bytes received from the socket. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.length;
  }

  /**
   * Takes the 8-byte protocol header a client sends before any frame, or
   * returns null until 8 bytes have arrived. Comparing it with
   * PROTOCOL_HEADER is the caller's job, since the answer to a wrong one
   * (send ours and close) is connection policy.
   */
  takeProtocolHeader(): Buffer | null {
    if (this.available < PROTOCOL_HEADER.length) return null;
    return this.take(PROTOCOL_HEADER.length);
  }

  /** Returns the next complete frame, or null if more bytes are needed. Throws FrameError on a malformed frame. */
  next(): Frame | null {
    if (this.available < FRAME_HEADER_SIZE) return null;
    const head = this.oldestChunk();
    let type: number | undefined;
    let channel: number;
    let size: number;
    if (head.length - this.headOffset >= FRAME_HEADER_SIZE) {
      const o = this.headOffset;
      type = head[o];
      channel = head.readUInt16BE(o + 1);
      size = head.readUInt32BE(o + 3);
    } else {
      const header = this.peek(FRAME_HEADER_SIZE);
      type = header[0];
      channel = header.readUInt16BE(1);
      size = header.readUInt32BE(3);
    }
    if (type !== FRAME_METHOD && type !== FRAME_HEADER && type !== FRAME_BODY && type !== FRAME_HEARTBEAT) {
      throw new FrameError(
        FRAME_ERROR,
        `unknown frame type ${type} on channel ${channel}; allowed are 1 (method), 2 (header), 3 (body), 8 (heartbeat)`,
      );
    }
    if (this.maxFrameSize > 0 && size + FRAME_OVERHEAD > this.maxFrameSize) {
      throw new FrameError(
        FRAME_ERROR,
        `${frameTypeName(type)} frame on channel ${channel} is ${size + FRAME_OVERHEAD} bytes, larger than frame_max ${this.maxFrameSize}`,
      );
    }
    const total = size + FRAME_OVERHEAD;
    if (this.available < total) return null;
    const start = this.headOffset;
    if (head.length - start >= total) {
      // The whole frame is in one chunk: its payload is a view of it, the only Buffer made.
      this.consume(total);
      checkFrameEnd(head[start + total - 1], type, channel, size);
      return { type, channel, payload: head.subarray(start + FRAME_HEADER_SIZE, start + total - 1) };
    }
    const frame = this.take(total);
    checkFrameEnd(frame[total - 1], type, channel, size);
    return { type, channel, payload: frame.subarray(FRAME_HEADER_SIZE, total - 1) };
  }

  /** Drops n unread bytes that lie in the oldest chunk. */
  private consume(n: number): void {
    this.available -= n;
    this.headOffset += n;
    if (this.headOffset === this.oldestChunk().length) {
      this.chunks.shift();
      this.headOffset = 0;
    }
  }

  /** Copies the first n unread bytes without consuming them (n is small). */
  private peek(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let offset = this.headOffset;
    for (const chunk of this.chunks) {
      filled += chunk.copy(out, filled, offset, Math.min(chunk.length, offset + n - filled));
      offset = 0;
      if (filled === n) break;
    }
    return out;
  }

  /** The oldest chunk with unread bytes; callers have checked that enough bytes are available. */
  private oldestChunk(): Buffer {
    const chunk = this.chunks[0];
    if (chunk === undefined) throw new Error('FrameReader: bytes were counted as available but no chunk holds them');
    return chunk;
  }

  /** Consumes n unread bytes (n <= available), as a view when they sit in one chunk. */
  private take(n: number): Buffer {
    const head = this.oldestChunk();
    const start = this.headOffset;
    if (head.length - start >= n) {
      this.consume(n);
      return head.subarray(start, start + n);
    }
    this.available -= n;
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.oldestChunk();
      const from = this.headOffset;
      const count = Math.min(chunk.length - from, n - filled);
      chunk.copy(out, filled, from, from + count);
      filled += count;
      if (from + count === chunk.length) {
        this.chunks.shift();
        this.headOffset = 0;
      } else {
        this.headOffset = from + count;
      }
    }
    return out;
  }
}
