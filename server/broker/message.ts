/**
 * A message as a queue holds it.
 *
 * The content header payload and the body are kept as raw bytes, side by
 * side, so delivering a message copies them straight into the outgoing
 * frames without decoding or re-encoding properties. Properties are decoded
 * only when something needs them (TTL, headers routing, dead-lettering).
 *
 * Bytes live in shared slabs (see SlabAllocator) rather than one Buffer per
 * message: a Buffer object costs more than a 100-byte message itself, and a
 * queue may hold a million of them.
 */
import { decodeContentHeader, decodeTable, encodeContentHeader, type BasicProperties, type FieldTable } from '../amqp/index.js';

/** Property flag bits in the content header (bit 15 is the first property). */
export const PropertyFlag = {
  headers: 1 << 13,
  deliveryMode: 1 << 12,
  priority: 1 << 11,
  replyTo: 1 << 9,
  expiration: 1 << 8,
  userId: 1 << 4,
} as const;

/**
 * What a queued message costs besides its content: the Message object, its
 * place in a queue and its share of a slab, measured with 1- to 2000-byte
 * bodies (about 110 to 160 bytes). The memory alarm counts this much.
 */
export const MESSAGE_OVERHEAD = 160;

const FLAGS_OFFSET = 12;
const FIRST_PROPERTY_OFFSET = 14;
const CONTENT_TYPE_FLAG = 1 << 15;
const CONTENT_ENCODING_FLAG = 1 << 14;

/** One copy of a published message in one queue. */
export class Message {
  /** When the message expires (ms since the epoch), 0 for never; set by the queue from its TTL and the message's. */
  expiresAt = 0;
  /** Position in the queue, so requeued messages go back where they were. */
  seq = 0;
  /** How many times the message was handed out and came back (requeued); > 0 means redelivered. */
  deliveryCount = 0;
  /** Its id in the broker's data directory while a durable queue keeps it there; 0 when not kept. */
  storeId = 0;
  /** How many times it was handed to a consumer or basic.get (kept, for the redelivered flag after a restart). */
  handedOut = 0;

  constructor(
    /** Exchange it was published to. */
    readonly exchange: string,
    /** Routing key it was published with. */
    readonly routingKey: string,
    /** Slab holding the content header payload followed by the body. */
    readonly data: Buffer,
    /** Where the content header payload starts in data. */
    readonly offset: number,
    /** Content header payload length. */
    readonly headerSize: number,
    /** Body length. */
    readonly bodySize: number,
  ) {}

  /** Bytes the message keeps in memory, as the memory alarm counts them. */
  get footprint(): number {
    return this.headerSize + this.bodySize + MESSAGE_OVERHEAD;
  }

  /** Whether the message was delivered before (the redelivered flag of basic.deliver). */
  get redelivered(): boolean {
    return this.deliveryCount > 0;
  }

  /** A copy for another queue: same bytes, its own queue position and expiry. */
  copy(): Message {
    return new Message(this.exchange, this.routingKey, this.data, this.offset, this.headerSize, this.bodySize);
  }

  /** The content header payload (a view, no copy). */
  headerPayload(): Buffer {
    return this.data.subarray(this.offset, this.offset + this.headerSize);
  }

  /** The body (a view, no copy). */
  body(): Buffer {
    const start = this.offset + this.headerSize;
    return this.data.subarray(start, start + this.bodySize);
  }

  /** The property flags word, to test cheaply whether a property is present. */
  propertyFlags(): number {
    return this.data.readUInt16BE(this.offset + FLAGS_OFFSET);
  }

  /** Whether the given property (a PropertyFlag) is set. */
  hasProperty(flag: number): boolean {
    return (this.propertyFlags() & flag) !== 0;
  }

  /** A copy with other properties (same routing, same body), in bytes of its own. */
  withHeader(properties: BasicProperties, exchange = this.exchange, routingKey = this.routingKey): Message {
    const frame = encodeContentHeader(0, this.bodySize, properties);
    const headerSize = frame.length - 8;
    const data = Buffer.allocUnsafe(headerSize + this.bodySize);
    frame.copy(data, 0, 7, 7 + headerSize);
    this.body().copy(data, headerSize);
    return new Message(exchange, routingKey, data, 0, headerSize, this.bodySize);
  }

  /** Whether it was published persistent (delivery-mode 2), read straight from the header bytes. */
  isPersistent(): boolean {
    const flags = this.propertyFlags();
    if ((flags & PropertyFlag.deliveryMode) === 0) return false;
    let at = this.offset + FIRST_PROPERTY_OFFSET;
    if (flags & CONTENT_TYPE_FLAG) at += 1 + this.data.readUInt8(at);
    if (flags & CONTENT_ENCODING_FLAG) at += 1 + this.data.readUInt8(at);
    if (flags & PropertyFlag.headers) at += 4 + this.data.readUInt32BE(at);
    return this.data.readUInt8(at) === 2;
  }

  /** The decoded properties (decoded on every call: callers are rare paths). */
  properties(): BasicProperties {
    return decodeContentHeader(this.headerPayload()).properties;
  }

  /**
   * The headers property decoded with every wire type kept, so it can be
   * changed and re-encoded without altering what the publisher sent.
   */
  exactHeaders(): FieldTable | undefined {
    const at = this.headersOffset();
    if (at < 0) return undefined;
    return decodeTable(this.data.subarray(0, this.offset + this.headerSize), at, { exact: true }).value;
  }

  /** Whether the message has a headers property with at least one entry (amqplib always sends an empty one). */
  hasHeaderEntries(): boolean {
    const at = this.headersOffset();
    return at >= 0 && at + 4 <= this.offset + this.headerSize && this.data.readUInt32BE(at) > 0;
  }

  /** Where the headers table starts in data, or -1 without headers. */
  private headersOffset(): number {
    const flags = this.propertyFlags();
    if ((flags & PropertyFlag.headers) === 0) return -1;
    let at = this.offset + FIRST_PROPERTY_OFFSET;
    if (flags & CONTENT_TYPE_FLAG) at += 1 + this.data.readUInt8(at);
    if (flags & CONTENT_ENCODING_FLAG) at += 1 + this.data.readUInt8(at);
    return at;
  }
}

const SLAB_SIZE = 64 * 1024;
/** Messages larger than this get a Buffer of their own, so one big message does not pin a slab. */
export const SLAB_MESSAGE_LIMIT = 8 * 1024;

/**
 * Hands out space for message bytes from 64 KB slabs. A slab is freed by
 * the garbage collector once no message points into it any more.
 */
export class SlabAllocator {
  /** The buffer the last reserve() placed its bytes in. */
  current: Buffer = Buffer.alloc(0);
  private slab: Buffer = Buffer.allocUnsafeSlow(SLAB_SIZE);
  private used = 0;

  /** Bytes of the slab being filled (full slabs are counted by the messages in them). */
  get heldBytes(): number {
    return this.slab.length;
  }

  /** Reserves size bytes (at most SLAB_MESSAGE_LIMIT); they are at the returned offset in `current`. */
  reserve(size: number): number {
    if (this.used + size > SLAB_SIZE) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
      this.used = 0;
    }
    this.current = this.slab;
    const offset = this.used;
    this.used += size;
    return offset;
  }
}
