/**
 * The records of the broker's log, and how each is framed on disk.
 *
 * A frame is [length u32][crc32 u32][kind u8][payload]: the length counts
 * kind and payload, the checksum covers them. Reading (log-reader.ts)
 * stops at the first frame that is cut short or does not match its
 * checksum, so a write torn by a crash loses that frame and nothing before
 * it.
 *
 * Definitions (vhosts, exchanges, queues, bindings, and the generic
 * definitions other parts keep) are rare and travel as JSON; messages and
 * their settlements are the hot path and travel as binary.
 */
import { decodeTable, encodeTable, type FieldTable } from '../../amqp/index.js';
import { Message, SLAB_MESSAGE_LIMIT, type SlabAllocator } from '../message.js';
import { checksum } from './checksum.js';

/** What a frame holds. */
export const RecordKind = {
  vhostAdded: 1,
  vhostDeleted: 2,
  exchangeDeclared: 3,
  exchangeDeleted: 4,
  queueDeclared: 5,
  queueDeleted: 6,
  bound: 7,
  unbound: 8,
  definitionPut: 9,
  definitionDeleted: 10,
  message: 11,
  messagesRemoved: 12,
  messagesHandedOut: 13,
  /** Written when a broker opens the log: anything after it is not a clean stop. */
  opened: 14,
  /** Written last by a broker that stopped cleanly. */
  stoppedCleanly: 15,
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** Bytes before a record's kind: its length and checksum. */
export const FRAME_OVERHEAD = 8;

/** A durable exchange as kept. */
export interface StoredExchange {
  vhost: string;
  name: string;
  type: string;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

/** A durable queue as kept; messages name it by id. */
export interface StoredQueue {
  id: number;
  vhost: string;
  name: string;
  autoDelete: boolean;
  arguments: FieldTable;
}

/** A binding between durable things as kept. */
export interface StoredBinding {
  vhost: string;
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: FieldTable;
}

/** A persistent message in a durable queue as kept. */
export interface StoredMessage {
  queueId: number;
  storeId: number;
  /** When it expires (ms since the epoch), 0 for never. */
  expiresAt: number;
  /** How many times it was handed to a consumer or basic.get. */
  handedOut: number;
  exchange: string;
  routingKey: string;
  headerSize: number;
  /** Content header payload followed by the body. */
  content: Buffer;
}

/** Frames a record: kind and payload behind length and checksum. */
export function frame(kind: RecordKind, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(FRAME_OVERHEAD + 1 + payload.length);
  out.writeUInt32BE(1 + payload.length, 0);
  out.writeUInt8(kind, FRAME_OVERHEAD);
  payload.copy(out, FRAME_OVERHEAD + 1);
  out.writeUInt32BE(checksum(out, FRAME_OVERHEAD, out.length), 4);
  return out;
}

/** A JSON record; field tables inside are kept as their AMQP bytes so every wire type survives. */
export function jsonRecord(kind: RecordKind, value: object): Buffer {
  return frame(kind, Buffer.from(JSON.stringify(value, tableReplacer)));
}

/** Reads a JSON record's payload back. */
export function readJson(payload: Buffer): unknown {
  return JSON.parse(payload.toString('utf8'), tableReviver);
}

const TABLE_KEYS = new Set(['arguments']);

function tableReplacer(this: unknown, key: string, value: unknown): unknown {
  if (TABLE_KEYS.has(key) && typeof value === 'object' && value !== null) {
    return { amqpTable: encodeTable(value as FieldTable).toString('base64') };
  }
  return value;
}

/**
 * Declare arguments come back with their wire types, as the broker keeps
 * them for equivalence checks; binding arguments as the codec decodes
 * method fields, so a binding made again after a restart is the same one.
 */
function tableReviver(this: unknown, key: string, value: unknown): unknown {
  if (TABLE_KEYS.has(key) && typeof value === 'object' && value !== null && 'amqpTable' in value) {
    const bytes = Buffer.from(String(value.amqpTable), 'base64');
    const isBinding = typeof this === 'object' && this !== null && 'destinationType' in this;
    return decodeTable(bytes, 0, isBinding ? {} : { exact: true }).value;
  }
  return value;
}

/** Bytes a message record takes on disk. */
export function messageRecordSize(exchange: string, routingKey: string, contentSize: number): number {
  return FRAME_OVERHEAD + 1 + 4 + 8 + 8 + 4 + 2 + Buffer.byteLength(exchange) + Buffer.byteLength(routingKey) + 4 + contentSize;
}

/** A message record. */
export function messageRecord(message: StoredMessage): Buffer {
  const exchangeLength = Buffer.byteLength(message.exchange);
  const keyLength = Buffer.byteLength(message.routingKey);
  const size = messageRecordSize(message.exchange, message.routingKey, message.content.length);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(size - FRAME_OVERHEAD, 0);
  let at = FRAME_OVERHEAD;
  at = out.writeUInt8(RecordKind.message, at);
  at = out.writeUInt32BE(message.queueId, at);
  at = out.writeDoubleBE(message.storeId, at);
  at = out.writeDoubleBE(message.expiresAt, at);
  at = out.writeUInt32BE(message.handedOut, at);
  at = out.writeUInt8(exchangeLength, at);
  at += out.write(message.exchange, at);
  at = out.writeUInt8(keyLength, at);
  at += out.write(message.routingKey, at);
  at = out.writeUInt32BE(message.headerSize, at);
  message.content.copy(out, at);
  out.writeUInt32BE(checksum(out, FRAME_OVERHEAD, out.length), 4);
  return out;
}

/**
 * Decodes a short string, giving back the previous one when the bytes are
 * the same: messages in a queue mostly share their exchange and routing
 * key, and reading a million of them back should not make a million copies.
 */
class RepeatedString {
  private bytes = Buffer.alloc(0);
  private text = '';

  read(from: Buffer, start: number, end: number): string {
    if (!this.holds(from, start, end)) {
      this.bytes = Buffer.from(from.subarray(start, end));
      this.text = this.bytes.toString('utf8');
    }
    return this.text;
  }

  /** Compared a byte at a time: a short string is compared sooner so than through Buffer.compare's checks. */
  private holds(from: Buffer, start: number, end: number): boolean {
    if (end - start !== this.bytes.length) return false;
    for (let i = 0; i < this.bytes.length; i++) if (from[start + i] !== this.bytes[i]) return false;
    return true;
  }
}

const lastExchange = new RepeatedString();
const lastRoutingKey = new RepeatedString();

/**
 * Reads a message record's payload (after the kind byte) into a Message of
 * its own: its bytes are copied out of the payload, into a shared slab when
 * small, so the buffer the log was read into can be reused.
 */
export function readMessage(payload: Buffer, slabs: SlabAllocator): { queueId: number; message: Message } {
  let at = 0;
  const queueId = payload.readUInt32BE(at);
  const storeId = payload.readDoubleBE((at += 4));
  const expiresAt = payload.readDoubleBE((at += 8));
  const handedOut = payload.readUInt32BE((at += 8));
  const exchangeLength = payload.readUInt8((at += 4));
  const exchange = lastExchange.read(payload, (at += 1), (at += exchangeLength));
  const keyLength = payload.readUInt8(at);
  const routingKey = lastRoutingKey.read(payload, (at += 1), (at += keyLength));
  const headerSize = payload.readUInt32BE(at);
  const contentStart = at + 4;
  const size = payload.length - contentStart;
  let data: Buffer;
  let offset = 0;
  if (size <= SLAB_MESSAGE_LIMIT) {
    offset = slabs.reserve(size);
    data = slabs.current;
  } else {
    data = Buffer.allocUnsafeSlow(size);
  }
  payload.copy(data, offset, contentStart);
  const message = new Message(exchange, routingKey, data, offset, headerSize, size - headerSize);
  message.storeId = storeId;
  message.handedOut = handedOut;
  message.expiresAt = expiresAt;
  return { queueId, message };
}

/** Messages acknowledged, dropped or deleted with their queue: gone for good. */
export function removedRecord(storeIds: readonly number[]): Buffer {
  const payload = Buffer.allocUnsafe(8 * storeIds.length);
  storeIds.forEach((id, i) => payload.writeDoubleBE(id, 8 * i));
  return frame(RecordKind.messagesRemoved, payload);
}

/** Messages handed out: store id and how many times so far, in pairs. */
export function handedOutRecord(pairs: readonly number[]): Buffer {
  const payload = Buffer.allocUnsafe(8 * pairs.length);
  pairs.forEach((value, i) => payload.writeDoubleBE(value, 8 * i));
  return frame(RecordKind.messagesHandedOut, payload);
}

/** Reads a list of doubles (removed ids, or handed-out pairs). */
export function readNumbers(payload: Buffer): number[] {
  const numbers: number[] = [];
  for (let at = 0; at + 8 <= payload.length; at += 8) numbers.push(payload.readDoubleBE(at));
  return numbers;
}
