/**
 * Valid client-to-broker frames, encoded by amqplib's own encoder so the fuzz
 * test's seeds do not share a single line with the codec under test.
 */
import { defs as definitions } from '../amqp/amqplib-defs.js';

function methodId(name: string): number {
  const id = definitions[name];
  if (typeof id !== 'number') throw new Error(`amqplib has no method ${name}`);
  return id;
}

/** One method frame, encoded by amqplib. */
export function method(name: string, channel: number, fields: Record<string, unknown> = {}): Buffer {
  return definitions.encodeMethod(methodId(name), channel, fields);
}

/** A content header frame for a basic-class message of `size` bytes. */
export function contentHeader(channel: number, size: number, properties: Record<string, unknown> = {}): Buffer {
  return definitions.encodeProperties(methodId('BasicProperties'), channel, size, properties);
}

/** A body frame. */
export function body(channel: number, payload: Buffer): Buffer {
  const frame = Buffer.alloc(payload.length + 8);
  frame.writeUInt8(3, 0);
  frame.writeUInt16BE(channel, 1);
  frame.writeUInt32BE(payload.length, 3);
  payload.copy(frame, 7);
  frame.writeUInt8(0xce, payload.length + 7);
  return frame;
}

/** The frames that take a connection from the protocol header to an open connection on vhost /. */
export function handshake(): Buffer[] {
  return [
    method('ConnectionStartOk', 0, {
      clientProperties: { product: 'fuzzer' },
      mechanism: 'PLAIN',
      response: Buffer.from('\u0000guest\u0000guest'),
      locale: 'en_US',
    }),
    method('ConnectionTuneOk', 0, { channelMax: 0, frameMax: 131072, heartbeat: 0 }),
    method('ConnectionOpen', 0, { virtualHost: '/', capabilities: '', insist: false }),
  ];
}

/** A varied set of well-formed frames a client may send on an open channel. */
export function channelFrames(channel: number, queue: string): Buffer[] {
  const payload = Buffer.from('fuzz message body');
  return [
    method('ChannelOpen', channel, { outOfBand: '' }),
    method('BasicQos', channel, { prefetchSize: 0, prefetchCount: 10, global: false }),
    method('ConfirmSelect', channel, { nowait: false }),
    method('TxSelect', channel),
    method('TxCommit', channel),
    method('TxRollback', channel),
    method('ExchangeDeclare', channel, {
      exchange: `${queue}.x`,
      type: 'topic',
      passive: false,
      durable: false,
      autoDelete: true,
      internal: false,
      nowait: false,
      arguments: {},
    }),
    method('QueueDeclare', channel, {
      queue,
      passive: false,
      durable: false,
      exclusive: true,
      autoDelete: false,
      nowait: false,
      arguments: { 'x-message-ttl': 1000, 'x-max-length': 5 },
    }),
    method('QueueBind', channel, { queue, exchange: `${queue}.x`, routingKey: '#.a.*', nowait: false, arguments: {} }),
    method('QueueUnbind', channel, { queue, exchange: `${queue}.x`, routingKey: '#.a.*', arguments: {} }),
    method('BasicPublish', channel, { exchange: '', routingKey: queue, mandatory: true, immediate: false }),
    contentHeader(channel, payload.length, { deliveryMode: 2, headers: { a: 1, b: [1, 'two', { c: true }] }, expiration: '50' }),
    body(channel, payload),
    method('BasicConsume', channel, {
      queue,
      consumerTag: '',
      noLocal: false,
      noAck: false,
      exclusive: false,
      nowait: false,
      arguments: {},
    }),
    method('BasicGet', channel, { queue, noAck: false }),
    method('BasicAck', channel, { deliveryTag: 1, multiple: true }),
    method('BasicNack', channel, { deliveryTag: 2, multiple: false, requeue: true }),
    method('BasicReject', channel, { deliveryTag: 3, requeue: false }),
    method('BasicRecover', channel, { requeue: true }),
    method('BasicCancel', channel, { consumerTag: 'amq.ctag-none', nowait: false }),
    method('QueuePurge', channel, { queue, nowait: false }),
    method('QueueDelete', channel, { queue, ifUnused: false, ifEmpty: false, nowait: false }),
    method('ExchangeDelete', channel, { exchange: `${queue}.x`, ifUnused: false, nowait: false }),
    method('ChannelFlow', channel, { active: true }),
    method('ChannelClose', channel, { replyCode: 200, replyText: 'bye', classId: 0, methodId: 0 }),
    method('ChannelCloseOk', channel),
  ];
}
