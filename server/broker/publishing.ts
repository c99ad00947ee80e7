/**
 * The publishing half of a channel: assembling basic.publish with its
 * content header and body frames into a message, the checks RabbitMQ makes
 * before routing it, mandatory returns, publisher confirms and the publish
 * buffer of a transaction.
 *
 * Confirms are batched: every routed publish moves a "confirmed up to" mark,
 * and one basic.ack (multiple when it covers more than one) goes out with
 * the next write. A basic.return is always written before the ack of the
 * same message, and acks pending before a nack are written before it.
 * A persistent message a durable queue wrote to the data directory is
 * confirmed only once that write is on disk; confirms after it wait too,
 * so they stay in order.
 */
import { CodecError, decodeContentHeader, readUInt64, type BasicProperties, type FieldTable } from '../amqp/index.js';
import type { ChannelHost } from './channel-host.js';
import { AmqpError, ReplyCode, accessRefused, preconditionFailed } from './errors.js';
import { fieldTypeName, plainValue } from './field-values.js';
import type { Exchange } from './exchanges/index.js';
import { Message, PropertyFlag, SLAB_MESSAGE_LIMIT } from './message.js';
import { REPLY_TO_PREFIX, REPLY_TO_QUEUE, Routed } from './vhost.js';

/** Largest message body accepted (RabbitMQ's default max_message_size, 128 MiB). */
const MAX_MESSAGE_SIZE = 134217728;
/**
 * Room for the first body frames of a large message. A content header may
 * announce any size; memory grows with the frames that actually arrive.
 */
const FIRST_BODY_ROOM = 128 * 1024;
const NO_BYTES = Buffer.alloc(0);
/** Largest per-message TTL RabbitMQ accepts in the expiration property. */
const MAX_EXPIRATION = 4294967295;

/** Where the channel is in reading a publish: a method next, or its content header, or body frames. */
export const ContentState = { Method: 0, Header: 1, Body: 2 } as const;
/** One of the ContentState values. */
export type ContentState = (typeof ContentState)[keyof typeof ContentState];

/** A publish waiting for tx.commit. */
interface HeldPublish {
  exchange: Exchange;
  message: Message;
  mandatory: boolean;
  ttl: number | undefined;
  extraKeys: string[] | undefined;
}

/** Reads a message's expiration property as RabbitMQ does; throws 406 with its wording when invalid. */
export function parseExpiration(expiration: string): number {
  const match = /^[+-]?\d+/.exec(expiration);
  if (match === null) throw preconditionFailed(`invalid expiration '${expiration}': no_integer`);
  if (match[0].length < expiration.length) {
    throw preconditionFailed(`invalid expiration '${expiration}': {leftover_string,"${expiration.slice(match[0].length)}"}`);
  }
  const value = Number(match[0]);
  if (value < 0) throw preconditionFailed(`invalid expiration '${expiration}': {value_negative,${match[0]}}`);
  if (value > MAX_EXPIRATION) throw preconditionFailed(`invalid expiration '${expiration}': {value_too_large,${match[0]}}`);
  return value;
}

/** Property flags of a header carrying only an empty headers table, which amqplib sends by default. */
const ONLY_EMPTY_HEADERS = 1 << 13;

/**
 * Checks a content header's properties decode, so that the broker can
 * decode them later (TTL, dead-lettering, another consumer's delivery)
 * without failing far from the client that sent them. Headers without
 * properties, or with only an empty headers table, need no decoding.
 */
function assertDecodableProperties(payload: Buffer): void {
  const flags = payload.readUInt16BE(12);
  if (flags === 0 && payload.length === 14) return;
  if (flags === ONLY_EMPTY_HEADERS && payload.length === 18 && payload.readUInt32BE(14) === 0) return;
  try {
    decodeContentHeader(payload);
  } catch (error) {
    if (error instanceof CodecError) throw new AmqpError(ReplyCode.SYNTAX_ERROR, error.message, { hard: true, classId: 60, methodId: 40 });
    throw error;
  }
}

/**
 * Routing keys from a CC or BCC header (sender-selected distribution): the
 * header must be an array; its long strings are extra routing keys.
 */
function senderSelectedKeys(headers: FieldTable, name: 'CC' | 'BCC'): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw preconditionFailed(`invalid message: {unacceptable_type_in_header,"${name}",${fieldTypeName(value)}}`);
  const keys: string[] = [];
  for (const item of value) {
    if (typeof item === 'string') keys.push(item);
    else if (fieldTypeName(item) === 'longstr') keys.push(String(plainValue(item)));
  }
  return keys;
}

/** The message with its BCC header removed: BCC recipients are not told about each other. */
function withoutBcc(message: Message, headers: FieldTable): Message {
  const rest: FieldTable = { ...headers };
  delete rest.BCC;
  return message.withHeader({ ...message.properties(), headers: rest });
}

/** Why a publish reached no queue, in words for a trace. */
function unroutableReason(exchange: Exchange, routingKey: string): string {
  if (exchange.name === '') {
    return routingKey.startsWith(REPLY_TO_PREFIX) ? 'the requester waiting for this reply has gone' : `no queue is named '${routingKey}'`;
  }
  if (exchange.bindings.length === 0) return `exchange '${exchange.name}' has no bindings`;
  return `no binding of exchange '${exchange.name}' matches routing key '${routingKey}'`;
}

/** Publishing state of one channel. */
export class Publishing {
  /** What the next frame on the channel must be. */
  state: ContentState = ContentState.Method;
  private exchangeName = '';
  private routingKey = '';
  private mandatory = false;
  private immediate = false;
  private data: Buffer = NO_BYTES;
  private dataOffset = 0;
  /** Bytes set aside for the publish being received. */
  private reserved = 0;
  private headerSize = 0;
  private bodySize = 0;
  private received = 0;
  /** Publisher confirms (confirm.select) are on. */
  confirming = false;
  private publishSeq = 0;
  private confirmedUpTo = 0;
  private routedUpTo = 0;
  /** The last publish written to the data directory, and how far such writes are known to be on disk. */
  private keptUpTo = 0;
  private durableUpTo = 0;
  private syncRequested = false;
  private flushRequested = false;
  /** Publishes to nack once the confirms before them may go out (ascending). */
  private nacked: number[] = [];
  private closed = false;
  /** Publishes held for tx.commit, when the channel is transactional. */
  private held: HeldPublish[] | undefined;
  private heldFootprint = 0;
  private readonly flushConfirms = () => this.writeConfirms();

  constructor(
    private readonly host: ChannelHost,
    private readonly channelNumber: number,
    /** The address to put in reply-to for amq.rabbitmq.reply-to, if the channel consumes replies. */
    private readonly replyToAddress: () => string | undefined,
  ) {}

  /** Starts holding publishes back for tx.commit. */
  beginTransaction(): void {
    this.held ??= [];
  }

  /** basic.publish arrived: its content header comes next. */
  start(exchange: string, routingKey: string, mandatory: boolean, immediate: boolean): void {
    // Publishers reuse a few names; keeping the first copy saves a string per stored message.
    this.exchangeName = exchange === this.exchangeName ? this.exchangeName : exchange;
    this.routingKey = routingKey === this.routingKey ? this.routingKey : routingKey;
    this.mandatory = mandatory;
    this.immediate = immediate;
    this.state = ContentState.Header;
  }

  /** The content header frame of the publish in progress. */
  header(payload: Buffer): void {
    if (payload.length < 14)
      throw new AmqpError(ReplyCode.FRAME_ERROR, `cannot decode content header of ${payload.length} bytes`, {
        hard: true,
        classId: 60,
        methodId: 40,
      });
    const classId = payload.readUInt16BE(0);
    if (classId !== 60) {
      throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, `expected content header for class 60, got one for class ${classId} instead`, {
        hard: true,
        classId: 60,
        methodId: 40,
      });
    }
    assertDecodableProperties(payload);
    const bodySize = readUInt64(payload, 4);
    this.headerSize = payload.length;
    this.bodySize = bodySize;
    this.received = 0;
    const size = payload.length + bodySize;
    if (size <= SLAB_MESSAGE_LIMIT) {
      const slabs = this.host.slabs;
      this.dataOffset = slabs.reserve(size);
      this.data = slabs.current;
      this.reserved = size;
    } else if (bodySize <= MAX_MESSAGE_SIZE) {
      this.data = Buffer.allocUnsafeSlow(payload.length + Math.min(bodySize, FIRST_BODY_ROOM));
      this.dataOffset = 0;
      this.reserved = this.data.length;
    } else {
      // Refused once complete, as RabbitMQ does; until then its body is counted, not kept.
      this.data = NO_BYTES;
      this.reserved = 0;
    }
    if (this.data !== NO_BYTES) payload.copy(this.data, this.dataOffset);
    if (bodySize === 0) this.complete();
    else this.state = ContentState.Body;
  }

  /** A body frame of the publish in progress. */
  body(payload: Buffer): void {
    if (this.received + payload.length > this.bodySize) {
      throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, `content body is larger than the ${this.bodySize} bytes its header announced`, {
        hard: true,
        classId: 60,
        methodId: 40,
      });
    }
    if (this.data !== NO_BYTES) {
      this.makeRoom(payload.length);
      payload.copy(this.data, this.dataOffset + this.headerSize + this.received);
    }
    this.received += payload.length;
    if (this.received === this.bodySize) this.complete();
  }

  /** Grows a large message's buffer, doubling up to the announced size, so the next body frame fits. */
  private makeRoom(length: number): void {
    const needed = this.headerSize + this.received + length;
    if (needed <= this.data.length - this.dataOffset) return;
    const grown = Buffer.allocUnsafeSlow(Math.min(this.headerSize + this.bodySize, Math.max(needed, 2 * this.data.length)));
    this.data.copy(grown, 0, this.dataOffset, this.dataOffset + this.headerSize + this.received);
    this.data = grown;
    this.dataOffset = 0;
    this.reserved = grown.length;
  }

  /** Memory this channel's publishing keeps: a publish being received and publishes held for tx.commit. */
  get heldBytes(): number {
    return (this.state === ContentState.Body ? this.reserved : 0) + this.heldFootprint;
  }

  /** The whole message has arrived: check it, then route it (or hold it for tx.commit). */
  private complete(): void {
    this.state = ContentState.Method;
    const data = this.data;
    this.data = NO_BYTES;
    if (this.immediate) throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, 'immediate=true', { classId: 60, methodId: 40 });
    if (this.bodySize > MAX_MESSAGE_SIZE) {
      throw preconditionFailed(`message size ${this.bodySize} is larger than configured max size ${MAX_MESSAGE_SIZE}`);
    }
    let message = new Message(this.exchangeName, this.routingKey, data, this.dataOffset, this.headerSize, this.bodySize);
    const vhost = this.host.vhost;
    this.host.access.check('exchange', this.exchangeName, 'write');
    const exchange = vhost.exchange(this.exchangeName);
    if (exchange.properties.internal) {
      throw accessRefused(`cannot publish to internal exchange '${exchange.name}' in vhost '${vhost.name}'`);
    }
    let ttl: number | undefined;
    if ((message.propertyFlags() & (PropertyFlag.expiration | PropertyFlag.userId | PropertyFlag.replyTo)) !== 0) {
      const properties = message.properties();
      if (properties.userId !== undefined && properties.userId !== this.host.username && !this.host.impersonator) {
        throw preconditionFailed(`user_id property set to '${properties.userId}' but authenticated user was '${this.host.username}'`);
      }
      if (properties.expiration !== undefined) ttl = parseExpiration(properties.expiration);
      if (properties.replyTo === REPLY_TO_QUEUE) message = this.withReplyAddress(message, properties);
    }
    let extraKeys: string[] | undefined;
    if (message.hasHeaderEntries()) {
      const headers = message.exactHeaders() ?? {};
      if (headers.CC !== undefined || headers.BCC !== undefined) {
        extraKeys = [...senderSelectedKeys(headers, 'CC'), ...senderSelectedKeys(headers, 'BCC')];
        if (headers.BCC !== undefined) message = withoutBcc(message, headers);
      }
    }
    if (this.held !== undefined) {
      this.held.push({ exchange, message, mandatory: this.mandatory, ttl, extraKeys });
      this.heldFootprint += message.footprint;
      return;
    }
    this.route(exchange, message, this.mandatory, ttl, extraKeys);
  }

  /** Requests with reply-to amq.rabbitmq.reply-to get this channel's private reply address instead. */
  private withReplyAddress(message: Message, properties: BasicProperties): Message {
    const address = this.replyToAddress();
    if (address === undefined) throw preconditionFailed('fast reply consumer does not exist');
    return message.withHeader({ ...properties, replyTo: address });
  }

  /** Routes a message; returns it to the publisher if mandatory and unroutable; confirms it. */
  private route(exchange: Exchange, message: Message, mandatory: boolean, ttl: number | undefined, extraKeys: string[] | undefined): void {
    const vhost = this.host.vhost;
    let result: number;
    if (exchange.name === '' && message.routingKey.startsWith(REPLY_TO_PREFIX)) {
      const target = vhost.replyTargets.get(message.routingKey.slice(REPLY_TO_PREFIX.length));
      // RabbitMQ reports a reply as routed to the pseudo-queue amq.rabbitmq.reply-to: so does this broker.
      if (target !== undefined && this.host.events.wants('routed')) {
        this.host.events.emit('routed', {
          vhost: vhost.name,
          exchange: '',
          routingKey: message.routingKey,
          matchedBindings: [],
          queues: [REPLY_TO_QUEUE],
        });
      }
      target?.deliverReply(message);
      result = target === undefined ? 0 : Routed.SOME;
    } else {
      result = vhost.publish(exchange, message, ttl, extraKeys);
    }
    if ((result & Routed.SOME) === 0) {
      const events = this.host.events;
      if (events.wants('unroutable')) {
        events.emit('unroutable', {
          vhost: vhost.name,
          exchange: exchange.name,
          routingKey: message.routingKey,
          mandatory,
          reason: unroutableReason(exchange, message.routingKey),
        });
      }
      if (mandatory) {
        this.writeConfirms();
        this.host.output.basicReturn(this.channelNumber, ReplyCode.NO_ROUTE, 'NO_ROUTE', message);
      }
    }
    if (!this.confirming) return;
    const seq = ++this.publishSeq;
    if ((result & Routed.REJECTED) !== 0 && this.keptUpTo <= this.durableUpTo) {
      this.writeConfirms();
      this.host.output.confirm(this.channelNumber, seq, false, true);
      this.confirmedUpTo = seq;
      this.routedUpTo = seq;
      return;
    }
    if ((result & Routed.REJECTED) !== 0) this.nacked.push(seq);
    else if ((result & Routed.KEPT) !== 0) {
      this.keptUpTo = seq;
      this.requestSync();
    }
    this.routedUpTo = seq;
    this.requestFlush();
  }

  private requestFlush(): void {
    if (this.flushRequested || this.closed) return;
    this.flushRequested = true;
    this.host.confirmsPending(this.flushConfirms);
  }

  /** Asks the data directory to say when what this channel kept so far is on disk. */
  private requestSync(): void {
    const store = this.host.vhost.store;
    if (this.syncRequested || store === undefined) return;
    this.syncRequested = true;
    let upTo = 0;
    store.afterSync(
      () => {
        this.syncRequested = false;
        this.durableUpTo = upTo;
        if (this.closed) return;
        if (this.keptUpTo > upTo) this.requestSync();
        this.requestFlush();
      },
      () => {
        upTo = this.keptUpTo;
      },
    );
  }

  /** Writes one basic.ack covering every routed publish that may be confirmed, and the nacks among them in order. */
  writeConfirms(): void {
    this.flushRequested = false;
    const upTo = this.keptUpTo > this.durableUpTo ? this.durableUpTo : this.routedUpTo;
    const output = this.host.output;
    for (let nack = this.nacked[0]; nack !== undefined && nack <= upTo; nack = this.nacked[0]) {
      this.nacked.shift();
      if (nack - 1 > this.confirmedUpTo) output.confirm(this.channelNumber, nack - 1, nack - 1 - this.confirmedUpTo > 1, false);
      output.confirm(this.channelNumber, nack, false, true);
      this.confirmedUpTo = nack;
    }
    if (upTo <= this.confirmedUpTo) return;
    output.confirm(this.channelNumber, upTo, upTo - this.confirmedUpTo > 1, false);
    this.confirmedUpTo = upTo;
  }

  /** The channel is closed: confirms still waiting for the disk are never sent. */
  close(): void {
    this.closed = true;
  }

  /** tx.commit: routes the held publishes in order. */
  commit(): void {
    const held = this.held ?? [];
    this.held = [];
    this.heldFootprint = 0;
    for (const publish of held) this.route(publish.exchange, publish.message, publish.mandatory, publish.ttl, publish.extraKeys);
  }

  /** tx.rollback: the held publishes are dropped. */
  rollback(): void {
    this.held = [];
    this.heldFootprint = 0;
  }
}
