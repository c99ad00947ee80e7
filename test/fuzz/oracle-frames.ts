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
    // channel_max 0 would ask for no limit, which the broker refuses (its own is 2047), as RabbitMQ does.
    method('ConnectionTuneOk', 0, { channelMax: 2047, frameMax: 131072, heartbeat: 0 }),
    method('ConnectionOpen', 0, { virtualHost: '/', capabilities: '', insist: false }),
  ];
}

/** The frame that opens `channel`. */
export function openChannel(channel: number): Buffer {
  return method('ChannelOpen', channel, { outOfBand: '' });
}

/** The frame that closes `channel` normally. */
export function closeChannel(channel: number): Buffer {
  return method('ChannelClose', channel, { replyCode: 200, replyText: 'bye', classId: 0, methodId: 0 });
}

/** The frame that closes the connection normally. */
export function closeConnection(): Buffer {
  return method('ConnectionClose', 0, { replyCode: 200, replyText: 'bye', classId: 0, methodId: 0 });
}

/** The frame that answers the broker's connection.close. */
export function closeConnectionOk(): Buffer {
  return method('ConnectionCloseOk', 0);
}

/** How a fuzzing channel publishes: plainly, with publisher confirms, or in transactions. */
export type ChannelMode = 'plain' | 'confirm' | 'tx';

/** Well-formed frames a client may send on an open channel, grouped by what they need to be accepted. */
export interface ChannelOperations {
  /** Declares what the everyday operations use, and selects the channel's mode. */
  setup: Buffer[];
  /**
   * Operations that are accepted after the setup, in any order and any
   * number of times; each is the frames that belong together (a publish is
   * its method, content header and body).
   */
  everyday: Buffer[][];
  /**
   * Well-formed operations the broker may refuse with a channel error (an
   * ack of a tag never delivered, deleting what the everyday operations
   * use), which closes only that channel.
   */
  refusable: Buffer[][];
}

/** The operations of one fuzzing channel, on its own queue and exchange. */
export function channelOperations(channel: number, queue: string, mode: ChannelMode): ChannelOperations {
  const payload = Buffer.from('fuzz message body');
  const exchange = `${queue}.x`;
  const modeFrames = {
    plain: [],
    confirm: [method('ConfirmSelect', channel, { nowait: false })],
    tx: [method('TxSelect', channel)],
  }[mode];
  const transactions = mode === 'tx' ? [[method('TxCommit', channel)], [method('TxRollback', channel)]] : [];
  return {
    setup: [
      method('ExchangeDeclare', channel, {
        exchange,
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
      method('QueueBind', channel, { queue, exchange, routingKey: '#.a.*', nowait: false, arguments: {} }),
      ...modeFrames,
    ],
    everyday: [
      [method('BasicQos', channel, { prefetchSize: 0, prefetchCount: 10, global: false })],
      [method('QueueBind', channel, { queue, exchange, routingKey: '*.b', nowait: false, arguments: {} })],
      [method('QueueUnbind', channel, { queue, exchange, routingKey: '*.b', arguments: {} })],
      [
        method('BasicPublish', channel, { exchange: '', routingKey: queue, mandatory: true, immediate: false }),
        contentHeader(channel, payload.length, { deliveryMode: 2, headers: { a: 1, b: [1, 'two', { c: true }] }, expiration: '50' }),
        body(channel, payload),
      ],
      [
        method('BasicPublish', channel, { exchange, routingKey: 'b.a.c', mandatory: false, immediate: false }),
        contentHeader(channel, 0, { priority: 3 }),
      ],
      [
        method('BasicPublish', channel, { exchange, routingKey: 'nowhere', mandatory: true, immediate: false }),
        contentHeader(channel, 2 * payload.length, { contentType: 'text/plain' }),
        body(channel, payload),
        body(channel, payload),
      ],
      [
        method('BasicConsume', channel, {
          queue,
          consumerTag: '',
          noLocal: false,
          noAck: false,
          exclusive: false,
          nowait: false,
          arguments: {},
        }),
      ],
      [method('BasicGet', channel, { queue, noAck: false })],
      [method('BasicGet', channel, { queue, noAck: true })],
      [method('BasicRecover', channel, { requeue: true })],
      [method('BasicCancel', channel, { consumerTag: 'amq.ctag-none', nowait: false })],
      [method('QueuePurge', channel, { queue, nowait: false })],
      [method('ChannelFlow', channel, { active: true })],
      ...transactions,
    ],
    refusable: [
      [method('BasicAck', channel, { deliveryTag: 1, multiple: true })],
      [method('BasicNack', channel, { deliveryTag: 2, multiple: false, requeue: true })],
      [method('BasicReject', channel, { deliveryTag: 3, requeue: false })],
      [method('TxCommit', channel)],
      [method('ConfirmSelect', channel, { nowait: false })],
      [method('TxSelect', channel)],
      [method('QueueDelete', channel, { queue, ifUnused: false, ifEmpty: false, nowait: false })],
      [method('ExchangeDelete', channel, { exchange, ifUnused: false, nowait: false })],
      [
        method('QueueDeclare', channel, {
          queue,
          passive: false,
          durable: true,
          exclusive: true,
          autoDelete: false,
          nowait: false,
          arguments: {},
        }),
      ],
    ],
  };
}
