/**
 * Cuts the bytes a client sends into frames, the way RabbitMQ's reader does:
 * the same size limit (a payload may exceed frame-max minus 8 by up to 8
 * bytes, since clients often get that wrong), the same checks and the same
 * FRAME_ERROR texts. Frames are handed to a callback as views into the
 * received chunk, with no Frame object per frame: this is the broker's
 * hottest loop.
 */
import { FRAME_END, FRAME_METHOD, FRAME_HEADER, FRAME_BODY, FRAME_HEARTBEAT } from '../amqp/index.js';
import { AmqpError, ReplyCode } from './errors.js';

const FRAME_HEADER_SIZE = 7;
const EMPTY_FRAME_SIZE = 8;

/** Receives each complete frame. */
export type FrameHandler = (type: number, channel: number, payload: Buffer) => void;

/** RabbitMQ's description of a frame in FRAME_ERROR texts: the type and (the first 16 of) its octets. */
export function describeFrame(type: number, payload: Buffer): string {
  const shown = payload.length <= 16 ? payload : payload.subarray(0, 16);
  return `type ${type}, ${payload.length <= 16 ? 'all' : 'first 16'} octets = <<${[...shown].join(',')}>>`;
}

/** Incremental frame reader; push() calls the handler for every frame completed by the new bytes. */
export class FrameInput {
  private leftover: Buffer | undefined;
  /** Negotiated frame-max (0: no limit). Before tuning RabbitMQ allows the spec minimum, 4096. */
  frameMax = 4096;
  /** Set to stop processing the rest of the current chunk (the connection is closing). */
  stopped = false;
  /** While paused, received bytes are kept unprocessed (a blocked publisher). */
  private paused = false;

  constructor(private readonly onFrame: FrameHandler) {}

  /** Bytes received and not yet processed. */
  get pendingBytes(): number {
    return this.leftover?.length ?? 0;
  }

  /** Stops processing after the current frame; the rest waits for resume(). */
  pause(): void {
    this.paused = true;
  }

  /** Processes what waited while paused, and what arrives from now on. */
  resume(): void {
    this.paused = false;
    const waiting = this.leftover;
    this.leftover = undefined;
    if (waiting !== undefined) this.push(waiting);
  }

  /** Feeds received bytes; throws AmqpError (501) for a malformed frame. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.leftover !== undefined) {
      data = Buffer.concat([this.leftover, chunk]);
      this.leftover = undefined;
    }
    let offset = 0;
    const length = data.length;
    while (!this.stopped && !this.paused && length - offset >= FRAME_HEADER_SIZE) {
      const type = data.readUInt8(offset);
      const channel = data.readUInt16BE(offset + 1);
      const size = data.readUInt32BE(offset + 3);
      if (this.frameMax !== 0 && size > this.frameMax) {
        throw new FrameSyncLost(`type ${type}, all octets = <<>>: {frame_too_large,${size},${this.frameMax - EMPTY_FRAME_SIZE}}`);
      }
      const end = offset + FRAME_HEADER_SIZE + size;
      if (end >= length) break;
      const payload = data.subarray(offset + FRAME_HEADER_SIZE, end);
      if (data[end] !== FRAME_END) {
        throw new FrameSyncLost(`${describeFrame(type, payload)}: {invalid_frame_end_marker,${data[end]}}`);
      }
      if (type !== FRAME_METHOD && type !== FRAME_HEADER && type !== FRAME_BODY && type !== FRAME_HEARTBEAT) {
        throw new AmqpError(ReplyCode.FRAME_ERROR, `${describeFrame(type, payload)}: unknown_frame`, { hard: true });
      }
      offset = end + 1;
      this.onFrame(type, channel, payload);
    }
    if (offset < length && !this.stopped) {
      // Keep the partial frame; copy it when small so a whole socket chunk is not pinned for it.
      const rest = data.subarray(offset);
      this.leftover = rest.length < 4096 ? Buffer.from(rest) : rest;
    }
  }
}

/**
 * A 501 FRAME_ERROR after which the bytes can no longer be cut into frames
 * (a frame over frame-max, a wrong frame-end): the connection reads nothing
 * more from the client.
 */
export class FrameSyncLost extends AmqpError {
  constructor(detail: string) {
    super(ReplyCode.FRAME_ERROR, detail, { hard: true });
  }
}
