/**
 * What the broker keeps across a restart, in one append-only log in its
 * data directory: virtual hosts, durable exchanges and queues, bindings
 * between durable things, generic definitions (records other parts of the
 * broker keep, by kind and key), and persistent messages in durable queues
 * with how often each was handed out.
 *
 * Settlements (acks, drops) and hand-outs are gathered and written as one
 * record per batch. When the log has grown to more than twice what is
 * still alive, it is rewritten with only the live records, so it never
 * grows without bound.
 */
import { mkdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { tableKey } from '../field-values.js';
import { SlabAllocator, type Message } from '../message.js';
import { DataDirError } from '../data-dir.js';
import { lockDataDirectory } from './lock.js';
import { LogFile } from './log-file.js';
import { readLogFile } from './log-reader.js';
import {
  RecordKind,
  frame,
  handedOutRecord,
  jsonRecord,
  messageRecord,
  messageRecordSize,
  readJson,
  readMessage,
  readNumbers,
  removedRecord,
  type StoredBinding,
  type StoredExchange,
  type StoredMessage,
  type StoredQueue,
} from './records.js';

export type { StoredBinding, StoredExchange, StoredMessage, StoredQueue } from './records.js';

/** The log's file name inside the data directory. */
export const LOG_FILE = 'warren.log';
/** Below this size the log is never rewritten. */
const COMPACT_FLOOR = 32 * 1024 * 1024;
/** Bytes per write while rewriting the log. */
const REWRITE_CHUNK = 1024 * 1024;

/** What the log held when the broker opened it. */
export interface RecoveredState {
  vhosts: string[];
  exchanges: StoredExchange[];
  queues: StoredQueue[];
  bindings: StoredBinding[];
  /** In the order they were stored, which is each queue's order; the store already tracks them as kept. */
  messages: KeptMessage[];
  /** Whether the broker that wrote the log last stopped cleanly (false after a crash or kill -9). */
  stoppedCleanly: boolean;
  /** Bytes of a torn last record that were cut off, 0 if none. */
  tornBytes: number;
}

/** A kept message as the store tracks it while the broker runs. */
export interface KeptMessage {
  readonly queueId: number;
  readonly message: Message;
}

/** A stored JSON record of some kind (users, permissions, ...), by key. */
export interface Definitions {
  /** Keeps value under kind/key, replacing what was there. */
  put(kind: string, key: string, value: unknown): void;
  /** Forgets kind/key. */
  delete(kind: string, key: string): void;
  /** Every record of a kind, by key. */
  all(kind: string): ReadonlyMap<string, unknown>;
}

/** The broker's data directory, open for reading back and writing. */
export class BrokerStore {
  private readonly vhosts = new Set<string>();
  private readonly exchanges = new Map<string, StoredExchange>();
  private readonly queues = new Map<number, StoredQueue>();
  private readonly bindings = new Map<string, StoredBinding>();
  private readonly definitionsByKind = new Map<string, Map<string, unknown>>();
  private readonly live = new Map<number, KeptMessage>();
  private liveBytes = 0;
  private nextStoreId = 1;
  private nextQueueId = 1;
  private removed: number[] = [];
  private handedOut: number[] = [];
  private readonly log: LogFile;
  private readonly unlock: () => void;
  private recovered: RecoveredState | undefined;
  readonly definitions: Definitions;

  /** Opens (or creates) the data directory; throws DataDirectoryLockedError when another broker uses it. */
  constructor(readonly directory: string) {
    try {
      mkdirSync(directory, { recursive: true });
    } catch (error) {
      throw new DataDirError(`${directory} cannot be used: ${(error as Error).message}`);
    }
    this.unlock = lockDataDirectory(directory);
    try {
      const path = join(directory, LOG_FILE);
      const { stoppedCleanly, size, tornBytes } = this.readLog(path);
      if (tornBytes > 0) truncateSync(path, size);
      this.log = new LogFile(path, size);
      this.recovered = {
        vhosts: [...this.vhosts],
        exchanges: [...this.exchanges.values()],
        queues: [...this.queues.values()],
        bindings: [...this.bindings.values()],
        messages: [...this.live.values()],
        stoppedCleanly,
        tornBytes,
      };
    } catch (error) {
      this.unlock();
      throw error;
    }
    this.log.append(frame(RecordKind.opened, Buffer.alloc(0)));
    this.log.betweenBatches = () => this.beforeBatch();
    this.definitions = {
      put: (kind, key, value) => {
        this.definitionKind(kind).set(key, value);
        this.log.append(jsonRecord(RecordKind.definitionPut, { kind, key, value }));
      },
      delete: (kind, key) => {
        if (this.definitionKind(kind).delete(key)) this.log.append(jsonRecord(RecordKind.definitionDeleted, { kind, key }));
      },
      all: (kind) => this.definitionKind(kind),
    };
  }

  // ----------------------------------------------------------- definitions

  vhostAdded(name: string): void {
    if (this.vhosts.has(name)) return;
    this.applyVhostAdded(name);
    this.log.append(jsonRecord(RecordKind.vhostAdded, { name }));
  }

  vhostDeleted(name: string): void {
    if (!this.vhosts.has(name)) return;
    this.applyVhostDeleted(name);
    this.dropMessagesOfMissingQueues();
    this.log.append(jsonRecord(RecordKind.vhostDeleted, { name }));
  }

  exchangeDeclared(exchange: StoredExchange): void {
    this.exchanges.set(exchangeKey(exchange.vhost, exchange.name), exchange);
    this.log.append(jsonRecord(RecordKind.exchangeDeclared, exchange));
  }

  exchangeDeleted(vhost: string, name: string): void {
    if (!this.applyExchangeDeleted({ vhost, name })) return;
    this.log.append(jsonRecord(RecordKind.exchangeDeleted, { vhost, name }));
  }

  /** A durable queue was declared; returns the id its messages are kept under. */
  queueDeclared(queue: Omit<StoredQueue, 'id'>): number {
    const stored = { ...queue, id: this.nextQueueId++ };
    this.queues.set(stored.id, stored);
    this.log.append(jsonRecord(RecordKind.queueDeclared, stored));
    return stored.id;
  }

  queueDeleted(id: number): void {
    if (!this.applyQueueDeleted(id)) return;
    this.dropMessagesOfMissingQueues();
    this.log.append(jsonRecord(RecordKind.queueDeleted, { id }));
  }

  bound(binding: StoredBinding): void {
    this.bindings.set(bindingKey(binding), binding);
    this.log.append(jsonRecord(RecordKind.bound, binding));
  }

  unbound(binding: StoredBinding): void {
    if (this.bindings.delete(bindingKey(binding))) this.log.append(jsonRecord(RecordKind.unbound, binding));
  }

  // -------------------------------------------------------------- messages

  /** A persistent message entered a durable queue: it is written now and gets its store id. */
  messageStored(queueId: number, message: Message): void {
    message.storeId = this.nextStoreId++;
    this.keep(queueId, message);
    this.log.append(messageRecord(storedMessage(queueId, message)));
  }

  /** A quorum queue took a message back at its end: it is kept again there, so it comes back in that place. */
  messageMovedToBack(queueId: number, message: Message): void {
    this.messageRemoved(message);
    this.messageStored(queueId, message);
  }

  /** A kept message went to a consumer or basic.get and may come back redelivered. */
  messageHandedOut(message: Message): void {
    message.handedOut++;
    if (this.live.has(message.storeId)) this.handedOut.push(message.storeId, message.handedOut);
  }

  /** A kept message left its queue for good: acknowledged, expired, dropped or dead-lettered. */
  messageRemoved(message: Message): void {
    if (this.live.get(message.storeId)?.message !== message) return;
    this.forget(message.storeId);
    this.removed.push(message.storeId);
  }

  /** Calls done once everything recorded so far is on disk (for publisher confirms); see LogFile.afterSync for taken. */
  afterSync(done: () => void, taken?: () => void): void {
    this.log.afterSync(done, taken);
  }

  /** What the log held when opened, handed over once. */
  takeRecovered(): RecoveredState {
    const recovered = this.recovered;
    if (recovered === undefined) throw new Error('the data directory was already read back');
    this.recovered = undefined;
    return recovered;
  }

  /** Number of messages kept. */
  get messageCount(): number {
    return this.live.size;
  }

  /** Writes what is pending, marks the stop as clean, and releases the directory. */
  async close(): Promise<void> {
    this.flushSettlements();
    await this.log.flushed();
    this.flushSettlements();
    this.log.closeNow(frame(RecordKind.stoppedCleanly, Buffer.alloc(0)));
    this.unlock();
  }

  // --------------------------------------------------------------- batches

  private beforeBatch(): void {
    if (this.log.size > COMPACT_FLOOR && this.log.size > 2 * (this.liveBytes + COMPACT_FLOOR / 4)) {
      this.removed = [];
      this.handedOut = [];
      this.log.replaceWith(this.liveRecords());
      return;
    }
    this.flushSettlements();
  }

  private flushSettlements(): void {
    if (this.removed.length > 0) {
      this.log.append(removedRecord(this.removed));
      this.removed = [];
    }
    if (this.handedOut.length > 0) {
      this.log.append(handedOutRecord(this.handedOut));
      this.handedOut = [];
    }
  }

  /** Every live record, in an order that reads back to the same state, in chunks of about a megabyte. */
  private *liveRecords(): Generator<Buffer> {
    let chunk: Buffer[] = [];
    let size = 0;
    const take = (record: Buffer): Buffer | undefined => {
      chunk.push(record);
      size += record.length;
      if (size < REWRITE_CHUNK) return undefined;
      const out = Buffer.concat(chunk);
      chunk = [];
      size = 0;
      return out;
    };
    const definitionRecords = [
      ...[...this.vhosts].map((name) => jsonRecord(RecordKind.vhostAdded, { name })),
      ...[...this.exchanges.values()].map((exchange) => jsonRecord(RecordKind.exchangeDeclared, exchange)),
      ...[...this.queues.values()].map((queue) => jsonRecord(RecordKind.queueDeclared, queue)),
      ...[...this.bindings.values()].map((binding) => jsonRecord(RecordKind.bound, binding)),
    ];
    for (const [kind, records] of this.definitionsByKind) {
      for (const [key, value] of records) definitionRecords.push(jsonRecord(RecordKind.definitionPut, { kind, key, value }));
    }
    for (const record of definitionRecords) {
      const out = take(record);
      if (out) yield out;
    }
    for (const { queueId, message } of this.live.values()) {
      const out = take(messageRecord(storedMessage(queueId, message)));
      if (out) yield out;
    }
    const out = take(frame(RecordKind.opened, Buffer.alloc(0)));
    yield out ?? Buffer.concat(chunk);
  }

  // ------------------------------------------------------- reading the log

  /** Replays the log into the store's state, messages included, one record at a time as it is read. */
  private readLog(path: string): { stoppedCleanly: boolean; size: number; tornBytes: number } {
    const slabs = new SlabAllocator();
    let lastKind = 0;
    const { goodLength, fileSize } = readLogFile(path, (kind, payload) => {
      lastKind = kind;
      this.replay(kind, payload, slabs);
    });
    this.dropMessagesOfMissingQueues();
    return { stoppedCleanly: lastKind === RecordKind.stoppedCleanly, size: goodLength, tornBytes: fileSize - goodLength };
  }

  private replay(kind: number, payload: Buffer, slabs: SlabAllocator): void {
    switch (kind) {
      case RecordKind.message: {
        const { queueId, message } = readMessage(payload, slabs);
        this.keep(queueId, message);
        this.nextStoreId = Math.max(this.nextStoreId, message.storeId + 1);
        return;
      }
      case RecordKind.messagesRemoved:
        for (const id of readNumbers(payload)) this.forget(id);
        return;
      case RecordKind.messagesHandedOut: {
        const pairs = readNumbers(payload);
        for (let i = 0; i + 1 < pairs.length; i += 2) {
          const message = this.live.get(pairs[i] ?? 0)?.message;
          if (message !== undefined) message.handedOut = Math.max(message.handedOut, pairs[i + 1] ?? 0);
        }
        return;
      }
      case RecordKind.vhostAdded:
        this.applyVhostAdded((readJson(payload) as { name: string }).name);
        return;
      case RecordKind.vhostDeleted:
        this.applyVhostDeleted((readJson(payload) as { name: string }).name);
        return;
      case RecordKind.exchangeDeclared: {
        const exchange = readJson(payload) as StoredExchange;
        this.exchanges.set(exchangeKey(exchange.vhost, exchange.name), exchange);
        return;
      }
      case RecordKind.exchangeDeleted:
        this.applyExchangeDeleted(readJson(payload) as { vhost: string; name: string });
        return;
      case RecordKind.queueDeclared: {
        const queue = readJson(payload) as StoredQueue;
        this.queues.set(queue.id, queue);
        this.nextQueueId = Math.max(this.nextQueueId, queue.id + 1);
        return;
      }
      case RecordKind.queueDeleted:
        this.applyQueueDeleted((readJson(payload) as { id: number }).id);
        return;
      case RecordKind.bound: {
        const binding = readJson(payload) as StoredBinding;
        this.bindings.set(bindingKey(binding), binding);
        return;
      }
      case RecordKind.unbound:
        this.bindings.delete(bindingKey(readJson(payload) as StoredBinding));
        return;
      case RecordKind.definitionPut: {
        const { kind: definitionKind, key, value } = readJson(payload) as { kind: string; key: string; value: unknown };
        this.definitionKind(definitionKind).set(key, value);
        return;
      }
      case RecordKind.definitionDeleted: {
        const { kind: definitionKind, key } = readJson(payload) as { kind: string; key: string };
        this.definitionKind(definitionKind).delete(key);
        return;
      }
      default:
        // opened / stoppedCleanly carry nothing; an unknown kind from a newer version is skipped.
        return;
    }
  }

  // ------------------------------------------------ shared by live and replay

  private applyVhostAdded(name: string): void {
    this.vhosts.add(name);
  }

  private applyVhostDeleted(name: string): void {
    this.vhosts.delete(name);
    for (const [key, exchange] of this.exchanges) if (exchange.vhost === name) this.exchanges.delete(key);
    for (const [id, queue] of this.queues) if (queue.vhost === name) this.queues.delete(id);
    for (const [key, binding] of this.bindings) if (binding.vhost === name) this.bindings.delete(key);
  }

  private applyExchangeDeleted({ vhost, name }: { vhost: string; name: string }): boolean {
    if (!this.exchanges.delete(exchangeKey(vhost, name))) return false;
    for (const [key, binding] of this.bindings) {
      const touches = binding.source === name || (binding.destinationType === 'exchange' && binding.destination === name);
      if (binding.vhost === vhost && touches) this.bindings.delete(key);
    }
    return true;
  }

  private applyQueueDeleted(id: number): boolean {
    const queue = this.queues.get(id);
    if (queue === undefined) return false;
    this.queues.delete(id);
    for (const [key, binding] of this.bindings) {
      if (binding.vhost === queue.vhost && binding.destinationType === 'queue' && binding.destination === queue.name) {
        this.bindings.delete(key);
      }
    }
    return true;
  }

  private dropMessagesOfMissingQueues(): void {
    for (const [storeId, { queueId }] of this.live) if (!this.queues.has(queueId)) this.forget(storeId);
  }

  private keep(queueId: number, message: Message): void {
    this.live.set(message.storeId, { queueId, message });
    this.liveBytes += messageRecordSize(message.exchange, message.routingKey, message.headerSize + message.bodySize);
  }

  private forget(storeId: number): void {
    const entry = this.live.get(storeId);
    if (entry === undefined) return;
    const { message } = entry;
    this.live.delete(storeId);
    this.liveBytes -= messageRecordSize(message.exchange, message.routingKey, message.headerSize + message.bodySize);
  }

  private definitionKind(kind: string): Map<string, unknown> {
    let records = this.definitionsByKind.get(kind);
    if (records === undefined) {
      records = new Map();
      this.definitionsByKind.set(kind, records);
    }
    return records;
  }
}

function exchangeKey(vhost: string, name: string): string {
  return `${vhost}\u0000${name}`;
}

function bindingKey(binding: StoredBinding): string {
  return [
    binding.vhost,
    binding.source,
    binding.destinationType,
    binding.destination,
    binding.routingKey,
    tableKey(binding.arguments),
  ].join('\u0000');
}

function storedMessage(queueId: number, message: Message): StoredMessage {
  return {
    queueId,
    storeId: message.storeId,
    expiresAt: message.expiresAt,
    handedOut: message.handedOut,
    exchange: message.exchange,
    routingKey: message.routingKey,
    headerSize: message.headerSize,
    content: message.data.subarray(message.offset, message.offset + message.headerSize + message.bodySize),
  };
}
