/**
 * Reads one direction of a tapped connection (client to broker, or broker
 * to client) and cuts it into the units the tap forwards and reports:
 *
 *   - the protocol header,
 *   - a method frame,
 *   - a whole message: a content-carrying method (basic.publish, deliver,
 *     get-ok, return) together with its content header and body frames,
 *     reported once, when the last body byte has arrived,
 *   - a heartbeat (forwarded, never reported).
 *
 * Every unit keeps the exact bytes it was cut from. Bytes that cannot be
 * decoded still pass: a payload that does not decode becomes a unit
 * reported as 'undecodable' with the reason; a stream that can no longer be
 * cut into frames (a broken frame end, say) is reported once and from then
 * on forwarded as it comes, unread.
 */
import {
  FRAME_BODY,
  FRAME_HEADER,
  FRAME_HEARTBEAT,
  FRAME_METHOD,
  FRAME_OVERHEAD,
  FrameReader,
  PROTOCOL_HEADER,
  decodeContentHeader,
  decodeMethod,
  frameTypeName,
  methodSpecById,
} from '../amqp/index.js';
import type { BasicProperties, DecodedMethod } from '../amqp/index.js';
import type { JsonValue, MessageView } from '../protocol/trace.js';
import { ByteQueue, WireBytes } from './byte-queue.js';
import { BODY_PREVIEW_BYTES, messageView, methodFieldsToJson } from './render.js';

/** One thing the tap forwards as a whole. */
export interface WireUnit {
  /**
   * 'report': a frame or message to pass through the gate and report;
   * 'heartbeat': passes at once, never reported; 'raw': unreadable bytes after the stream broke, passed on unreported.
   */
  kind: 'report' | 'heartbeat' | 'raw';
  /** The bytes exactly as received, as ranges of the received chunks. */
  raw: WireBytes;
  /** Total length of raw. */
  size: number;
  channel: number;
  /** Method name, or 'protocol-header' / 'undecodable'. */
  method: string;
  /** What the trace shows as the method's fields. */
  fields: Record<string, JsonValue>;
  message?: MessageView;
  /** The decoded method, for the routing observer. */
  decoded?: DecodedMethod;
  /** The message's properties (headers are needed to route through a headers exchange). */
  properties?: BasicProperties;
}

/** A message whose header or body frames have not all arrived yet. */
interface PartialMessage {
  method: DecodedMethod;
  raw: WireBytes;
  size: number;
  properties: BasicProperties | undefined;
  bodySize: number;
  received: number;
  /** The first body bytes, for the preview (a few more than shown, to finish a cut character). */
  preview: Buffer[];
  previewBytes: number;
}

/** Cuts one direction's byte stream into WireUnits. */
export class WireReader {
  private readonly frames: FrameReader;
  private readonly bytes = new ByteQueue();
  /** Messages being assembled, by channel. */
  private readonly partial = new Map<number, PartialMessage>();
  /** Nothing has been read yet: the stream may start with a protocol header. */
  private atStart = true;
  /** Set once the stream cannot be cut into frames any more. */
  private broken = false;

  /** maxFrameSize: the largest frame (overhead included) read in whole; past it the stream is passed on unread. 0: no limit. */
  constructor(maxFrameSize = 0) {
    this.frames = new FrameReader({ maxFrameSize });
  }

  /** Takes a received chunk and returns the units it completed, in order. */
  push(chunk: Buffer): WireUnit[] {
    const units: WireUnit[] = [];
    if (this.broken) {
      units.push(rawUnit(WireBytes.of(chunk), chunk.length));
      return units;
    }
    this.frames.push(chunk);
    this.bytes.push(chunk);
    if (this.atStart && !this.readProtocolHeader(units)) return units;
    for (;;) {
      let frame;
      try {
        frame = this.frames.next();
      } catch (error) {
        this.broken = true;
        const raw = new WireBytes();
        const size = this.bytes.length;
        this.bytes.takeInto(size, raw);
        units.push({
          ...undecodable(0, `the byte stream could not be cut into frames any more (${message(error)}); what follows is passed on unread`),
          raw,
          size,
        });
        return units;
      }
      if (frame === null) return units;
      const size = frame.payload.length + FRAME_OVERHEAD;
      // The frames of a message go straight into the message's bytes.
      const raw =
        (frame.type === FRAME_HEADER || frame.type === FRAME_BODY ? this.partial.get(frame.channel)?.raw : undefined) ?? new WireBytes();
      this.bytes.takeInto(size, raw);
      this.readFrame(frame.type, frame.channel, frame.payload, raw, size, units);
    }
  }

  /** Reads the 8-byte protocol header when the stream starts with one; false while more bytes are needed. */
  private readProtocolHeader(units: WireUnit[]): boolean {
    // A frame starts with its type (1, 2, 3 or 8); a protocol header with 'A'.
    if (this.bytes.peekByte() !== PROTOCOL_HEADER[0]) {
      this.atStart = this.bytes.length === 0;
      return true;
    }
    const header = this.frames.takeProtocolHeader();
    if (header === null) return false;
    this.atStart = false;
    const raw = new WireBytes();
    this.bytes.takeInto(header.length, raw);
    units.push({ kind: 'report', raw, size: header.length, channel: 0, method: 'protocol-header', fields: describeProtocolHeader(header) });
    return true;
  }

  /** Reads one frame, whose bytes are in raw (a message's own bytes, for its content frames); pushes the units it completes. */
  private readFrame(type: number, channel: number, payload: Buffer, raw: WireBytes, size: number, units: WireUnit[]): void {
    if (type === FRAME_HEARTBEAT) {
      units.push({ kind: 'heartbeat', raw, size, channel, method: 'heartbeat', fields: {} });
      return;
    }
    if (type === FRAME_METHOD) {
      this.readMethod(channel, payload, raw, size, units);
      return;
    }
    const partial = this.partial.get(channel);
    if (partial === undefined) {
      units.push({
        ...undecodable(channel, `a ${frameTypeName(type)} frame arrived on channel ${channel}, where no message was expected`),
        raw,
        size,
      });
      return;
    }
    partial.size += size;
    if (type === FRAME_HEADER) {
      if (partial.properties !== undefined) {
        units.push(this.abandon(channel, partial, 'a second content header arrived for the same message'));
        return;
      }
      try {
        const header = decodeContentHeader(payload);
        partial.properties = header.properties;
        partial.bodySize = header.bodySize;
      } catch (error) {
        units.push(this.abandon(channel, partial, `its content header does not decode: ${message(error)}`));
        return;
      }
    } else if (type === FRAME_BODY) {
      if (partial.properties === undefined) {
        units.push(this.abandon(channel, partial, 'a body frame arrived before the content header'));
        return;
      }
      partial.received += payload.length;
      if (partial.previewBytes < BODY_PREVIEW_BYTES + 3) {
        // A view, not a copy: the message's bytes keep its chunks alive until it has passed on anyway.
        const room = BODY_PREVIEW_BYTES + 3 - partial.previewBytes;
        const part = payload.length <= room ? payload : payload.subarray(0, room);
        partial.preview.push(part);
        partial.previewBytes += part.length;
      }
    }
    if (partial.properties === undefined || partial.received < partial.bodySize) return;
    this.partial.delete(channel);
    units.push({
      kind: 'report',
      raw: partial.raw,
      size: partial.size,
      channel,
      method: partial.method.name,
      fields: methodFieldsToJson(partial.method.name, partial.method.fields),
      message: messageView(partial.properties, partial.bodySize, joined(partial.preview)),
      decoded: partial.method,
      properties: partial.properties,
    });
  }

  private readMethod(channel: number, payload: Buffer, raw: WireBytes, size: number, units: WireUnit[]): void {
    let method: DecodedMethod;
    try {
      method = decodeMethod(payload);
    } catch (error) {
      units.push({ ...undecodable(channel, `method frame does not decode: ${message(error)}`), raw, size });
      return;
    }
    const cutShort = this.partial.get(channel);
    // The previous message on this channel never got all its frames: report it as such, then go on.
    if (cutShort !== undefined) units.push(this.abandon(channel, cutShort, `${method.name} arrived before the message was complete`));
    if (methodSpecById(method.classId, method.methodId)?.content) {
      this.partial.set(channel, newPartial(method, raw, size));
      return;
    }
    units.push({
      kind: 'report',
      raw,
      size,
      channel,
      method: method.name,
      fields: methodFieldsToJson(method.name, method.fields),
      decoded: method,
    });
  }

  /** Gives up on a message whose frames came out of order: its bytes pass on as one undecodable unit. */
  private abandon(channel: number, partial: PartialMessage, reason: string): WireUnit {
    this.partial.delete(channel);
    return { ...undecodable(channel, `${partial.method.name} on channel ${channel}: ${reason}`), raw: partial.raw, size: partial.size };
  }
}

/** Buffers as one, copied only when there are several. */
function joined(buffers: Buffer[]): Buffer {
  const [only] = buffers;
  return buffers.length === 1 && only !== undefined ? only : Buffer.concat(buffers);
}

function newPartial(method: DecodedMethod, raw: WireBytes, size: number): PartialMessage {
  return { method, raw, size, properties: undefined, bodySize: 0, received: 0, preview: [], previewBytes: 0 };
}

function undecodable(channel: number, reason: string): Omit<WireUnit, 'raw' | 'size'> {
  return { kind: 'report', channel, method: 'undecodable', fields: { reason } };
}

function rawUnit(raw: WireBytes, size: number): WireUnit {
  return { kind: 'raw', raw, size, channel: 0, method: 'undecodable', fields: {} };
}

/** 'AMQP' 0 0 9 1 reads as { protocol: 'AMQP', version: '0-9-1' }; anything else is shown as it is. */
function describeProtocolHeader(header: Buffer): Record<string, JsonValue> {
  const protocol = header
    .subarray(0, 4)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '?');
  return { protocol, version: `${header[5]}-${header[6]}-${header[7]}` };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
