/**
 * The AMQP 0-9-1 method catalogue as data, with RabbitMQ's extensions
 * (connection.blocked/unblocked, connection.update-secret, basic.nack,
 * confirm.*, exchange.bind/unbind).
 *
 * Each entry says how a method is identified on the wire (classId,
 * methodId), what its arguments are in order, whether a message body follows
 * it, whether the sender waits for a reply and which replies are allowed, and
 * which side may send it. Field names are the camelCase names amqplib uses,
 * including its names for the spec's reserved fields (ticket, outOfBand,
 * channelId, capabilities, insist, knownHosts, clusterId).
 *
 * A field with a `default` may be left out when encoding (the default is
 * the spec's, as amqplib applies it); a field without one is mandatory.
 * Everything else in this folder is derived from this table.
 */

/** Wire types of method arguments and properties. */
export type FieldType = 'bit' | 'octet' | 'short' | 'long' | 'longlong' | 'timestamp' | 'shortstr' | 'longstr' | 'table';

/** Which peer may send a method. */
export type Sender = 'client' | 'server' | 'both';

/** Class ids and their names. */
export const CLASSES = {
  10: 'connection',
  20: 'channel',
  30: 'access',
  40: 'exchange',
  50: 'queue',
  60: 'basic',
  85: 'confirm',
  90: 'tx',
} as const;

export const METHODS = [
  // connection (10): the handshake, tuning, and closing a connection.
  {
    classId: 10,
    methodId: 10,
    name: 'connection.start',
    sentBy: 'server',
    content: false,
    synchronous: true,
    replies: ['connection.start-ok'],
    fields: [
      { name: 'versionMajor', type: 'octet', default: 0 },
      { name: 'versionMinor', type: 'octet', default: 9 },
      { name: 'serverProperties', type: 'table' },
      { name: 'mechanisms', type: 'longstr', default: 'PLAIN' },
      { name: 'locales', type: 'longstr', default: 'en_US' },
    ],
  },
  {
    classId: 10,
    methodId: 11,
    name: 'connection.start-ok',
    sentBy: 'client',
    content: false,
    synchronous: false,
    replies: [],
    fields: [
      { name: 'clientProperties', type: 'table' },
      { name: 'mechanism', type: 'shortstr', default: 'PLAIN' },
      { name: 'response', type: 'longstr' },
      { name: 'locale', type: 'shortstr', default: 'en_US' },
    ],
  },
  {
    classId: 10,
    methodId: 20,
    name: 'connection.secure',
    sentBy: 'server',
    content: false,
    synchronous: true,
    replies: ['connection.secure-ok'],
    fields: [{ name: 'challenge', type: 'longstr' }],
  },
  {
    classId: 10,
    methodId: 21,
    name: 'connection.secure-ok',
    sentBy: 'client',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'response', type: 'longstr' }],
  },
  {
    classId: 10,
    methodId: 30,
    name: 'connection.tune',
    sentBy: 'server',
    content: false,
    synchronous: true,
    replies: ['connection.tune-ok'],
    fields: [
      { name: 'channelMax', type: 'short', default: 0 },
      { name: 'frameMax', type: 'long', default: 0 },
      { name: 'heartbeat', type: 'short', default: 0 },
    ],
  },
  {
    classId: 10,
    methodId: 31,
    name: 'connection.tune-ok',
    sentBy: 'client',
    content: false,
    synchronous: false,
    replies: [],
    fields: [
      { name: 'channelMax', type: 'short', default: 0 },
      { name: 'frameMax', type: 'long', default: 0 },
      { name: 'heartbeat', type: 'short', default: 0 },
    ],
  },
  {
    classId: 10,
    methodId: 40,
    name: 'connection.open',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['connection.open-ok'],
    fields: [
      { name: 'virtualHost', type: 'shortstr', default: '/' },
      { name: 'capabilities', type: 'shortstr', default: '' },
      { name: 'insist', type: 'bit', default: false },
    ],
  },
  {
    classId: 10,
    methodId: 41,
    name: 'connection.open-ok',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'knownHosts', type: 'shortstr', default: '' }],
  },
  {
    classId: 10,
    methodId: 50,
    name: 'connection.close',
    sentBy: 'both',
    content: false,
    synchronous: true,
    replies: ['connection.close-ok'],
    fields: [
      { name: 'replyCode', type: 'short' },
      { name: 'replyText', type: 'shortstr', default: '' },
      { name: 'classId', type: 'short' },
      { name: 'methodId', type: 'short' },
    ],
  },
  { classId: 10, methodId: 51, name: 'connection.close-ok', sentBy: 'both', content: false, synchronous: false, replies: [], fields: [] },
  {
    classId: 10,
    methodId: 60,
    name: 'connection.blocked',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'reason', type: 'shortstr', default: '' }],
  },
  {
    classId: 10,
    methodId: 61,
    name: 'connection.unblocked',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [],
  },
  {
    classId: 10,
    methodId: 70,
    name: 'connection.update-secret',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['connection.update-secret-ok'],
    fields: [
      { name: 'newSecret', type: 'longstr' },
      { name: 'reason', type: 'shortstr' },
    ],
  },
  {
    classId: 10,
    methodId: 71,
    name: 'connection.update-secret-ok',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [],
  },

  // channel (20): opening, flow control and closing a channel.
  {
    classId: 20,
    methodId: 10,
    name: 'channel.open',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['channel.open-ok'],
    fields: [{ name: 'outOfBand', type: 'shortstr', default: '' }],
  },
  {
    classId: 20,
    methodId: 11,
    name: 'channel.open-ok',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'channelId', type: 'longstr', default: '' }],
  },
  {
    classId: 20,
    methodId: 20,
    name: 'channel.flow',
    sentBy: 'both',
    content: false,
    synchronous: true,
    replies: ['channel.flow-ok'],
    fields: [{ name: 'active', type: 'bit' }],
  },
  {
    classId: 20,
    methodId: 21,
    name: 'channel.flow-ok',
    sentBy: 'both',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'active', type: 'bit' }],
  },
  {
    classId: 20,
    methodId: 40,
    name: 'channel.close',
    sentBy: 'both',
    content: false,
    synchronous: true,
    replies: ['channel.close-ok'],
    fields: [
      { name: 'replyCode', type: 'short' },
      { name: 'replyText', type: 'shortstr', default: '' },
      { name: 'classId', type: 'short' },
      { name: 'methodId', type: 'short' },
    ],
  },
  { classId: 20, methodId: 41, name: 'channel.close-ok', sentBy: 'both', content: false, synchronous: false, replies: [], fields: [] },

  // access (30): dropped from AMQP 0-9-1, but RabbitMQ still answers access.request from old clients.
  {
    classId: 30,
    methodId: 10,
    name: 'access.request',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['access.request-ok'],
    fields: [
      { name: 'realm', type: 'shortstr', default: '/data' },
      { name: 'exclusive', type: 'bit', default: false },
      { name: 'passive', type: 'bit', default: true },
      { name: 'active', type: 'bit', default: true },
      { name: 'write', type: 'bit', default: true },
      { name: 'read', type: 'bit', default: true },
    ],
  },
  {
    classId: 30,
    methodId: 11,
    name: 'access.request-ok',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'ticket', type: 'short', default: 1 }],
  },

  // exchange (40)
  {
    classId: 40,
    methodId: 10,
    name: 'exchange.declare',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['exchange.declare-ok'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'exchange', type: 'shortstr' },
      { name: 'type', type: 'shortstr', default: 'direct' },
      { name: 'passive', type: 'bit', default: false },
      { name: 'durable', type: 'bit', default: false },
      { name: 'autoDelete', type: 'bit', default: false },
      { name: 'internal', type: 'bit', default: false },
      { name: 'nowait', type: 'bit', default: false },
      { name: 'arguments', type: 'table', default: {} },
    ],
  },
  { classId: 40, methodId: 11, name: 'exchange.declare-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },
  {
    classId: 40,
    methodId: 20,
    name: 'exchange.delete',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['exchange.delete-ok'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'exchange', type: 'shortstr' },
      { name: 'ifUnused', type: 'bit', default: false },
      { name: 'nowait', type: 'bit', default: false },
    ],
  },
  { classId: 40, methodId: 21, name: 'exchange.delete-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },
  {
    classId: 40,
    methodId: 30,
    name: 'exchange.bind',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['exchange.bind-ok'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'destination', type: 'shortstr' },
      { name: 'source', type: 'shortstr' },
      { name: 'routingKey', type: 'shortstr', default: '' },
      { name: 'nowait', type: 'bit', default: false },
      { name: 'arguments', type: 'table', default: {} },
    ],
  },
  { classId: 40, methodId: 31, name: 'exchange.bind-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },
  {
    classId: 40,
    methodId: 40,
    name: 'exchange.unbind',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['exchange.unbind-ok'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'destination', type: 'shortstr' },
      { name: 'source', type: 'shortstr' },
      { name: 'routingKey', type: 'shortstr', default: '' },
      { name: 'nowait', type: 'bit', default: false },
      { name: 'arguments', type: 'table', default: {} },
    ],
  },
  // 51, not 41: RabbitMQ's extension numbered it that way and clients follow.
  { classId: 40, methodId: 51, name: 'exchange.unbind-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },

  // queue (50)
  {
    classId: 50,
    methodId: 10,
    name: 'queue.declare',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['queue.declare-ok'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'queue', type: 'shortstr', default: '' },
      { name: 'passive', type: 'bit', default: false },
      { name: 'durable', type: 'bit', default: false },
      { name: 'exclusive', type: 'bit', default: false },
      { name: 'autoDelete', type: 'bit', default: false },
      { name: 'nowait', type: 'bit', default: false },
      { name: 'arguments', type: 'table', default: {} },
    ],
  },
  {
    classId: 50,
    methodId: 11,
    name: 'queue.declare-ok',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [
      { name: 'queue', type: 'shortstr' },
      { name: 'messageCount', type: 'long' },
      { name: 'consumerCount', type: 'long' },
    ],
  },
  {
    classId: 50,
    methodId: 20,
    name: 'queue.bind',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['queue.bind-ok'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'queue', type: 'shortstr', default: '' },
      { name: 'exchange', type: 'shortstr' },
      { name: 'routingKey', type: 'shortstr', default: '' },
      { name: 'nowait', type: 'bit', default: false },
      { name: 'arguments', type: 'table', default: {} },
    ],
  },
  { classId: 50, methodId: 21, name: 'queue.bind-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },
  {
    classId: 50,
    methodId: 30,
    name: 'queue.purge',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['queue.purge-ok'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'queue', type: 'shortstr', default: '' },
      { name: 'nowait', type: 'bit', default: false },
    ],
  },
  {
    classId: 50,
    methodId: 31,
    name: 'queue.purge-ok',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'messageCount', type: 'long' }],
  },
  {
    classId: 50,
    methodId: 40,
    name: 'queue.delete',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['queue.delete-ok'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'queue', type: 'shortstr', default: '' },
      { name: 'ifUnused', type: 'bit', default: false },
      { name: 'ifEmpty', type: 'bit', default: false },
      { name: 'nowait', type: 'bit', default: false },
    ],
  },
  {
    classId: 50,
    methodId: 41,
    name: 'queue.delete-ok',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'messageCount', type: 'long' }],
  },
  {
    classId: 50,
    methodId: 50,
    name: 'queue.unbind',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['queue.unbind-ok'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'queue', type: 'shortstr', default: '' },
      { name: 'exchange', type: 'shortstr' },
      { name: 'routingKey', type: 'shortstr', default: '' },
      { name: 'arguments', type: 'table', default: {} },
    ],
  },
  { classId: 50, methodId: 51, name: 'queue.unbind-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },

  // basic (60): consuming, publishing, delivering and acknowledging messages.
  {
    classId: 60,
    methodId: 10,
    name: 'basic.qos',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['basic.qos-ok'],
    fields: [
      { name: 'prefetchSize', type: 'long', default: 0 },
      { name: 'prefetchCount', type: 'short', default: 0 },
      { name: 'global', type: 'bit', default: false },
    ],
  },
  { classId: 60, methodId: 11, name: 'basic.qos-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },
  {
    classId: 60,
    methodId: 20,
    name: 'basic.consume',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['basic.consume-ok'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'queue', type: 'shortstr', default: '' },
      { name: 'consumerTag', type: 'shortstr', default: '' },
      { name: 'noLocal', type: 'bit', default: false },
      { name: 'noAck', type: 'bit', default: false },
      { name: 'exclusive', type: 'bit', default: false },
      { name: 'nowait', type: 'bit', default: false },
      { name: 'arguments', type: 'table', default: {} },
    ],
  },
  {
    classId: 60,
    methodId: 21,
    name: 'basic.consume-ok',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'consumerTag', type: 'shortstr' }],
  },
  // RabbitMQ also sends basic.cancel to a consumer whose queue went away.
  {
    classId: 60,
    methodId: 30,
    name: 'basic.cancel',
    sentBy: 'both',
    content: false,
    synchronous: true,
    replies: ['basic.cancel-ok'],
    fields: [
      { name: 'consumerTag', type: 'shortstr' },
      { name: 'nowait', type: 'bit', default: false },
    ],
  },
  {
    classId: 60,
    methodId: 31,
    name: 'basic.cancel-ok',
    sentBy: 'both',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'consumerTag', type: 'shortstr' }],
  },
  {
    classId: 60,
    methodId: 40,
    name: 'basic.publish',
    sentBy: 'client',
    content: true,
    synchronous: false,
    replies: [],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'exchange', type: 'shortstr', default: '' },
      { name: 'routingKey', type: 'shortstr', default: '' },
      { name: 'mandatory', type: 'bit', default: false },
      { name: 'immediate', type: 'bit', default: false },
    ],
  },
  {
    classId: 60,
    methodId: 50,
    name: 'basic.return',
    sentBy: 'server',
    content: true,
    synchronous: false,
    replies: [],
    fields: [
      { name: 'replyCode', type: 'short' },
      { name: 'replyText', type: 'shortstr', default: '' },
      { name: 'exchange', type: 'shortstr' },
      { name: 'routingKey', type: 'shortstr' },
    ],
  },
  {
    classId: 60,
    methodId: 60,
    name: 'basic.deliver',
    sentBy: 'server',
    content: true,
    synchronous: false,
    replies: [],
    fields: [
      { name: 'consumerTag', type: 'shortstr' },
      { name: 'deliveryTag', type: 'longlong' },
      { name: 'redelivered', type: 'bit', default: false },
      { name: 'exchange', type: 'shortstr' },
      { name: 'routingKey', type: 'shortstr' },
    ],
  },
  {
    classId: 60,
    methodId: 70,
    name: 'basic.get',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['basic.get-ok', 'basic.get-empty'],
    fields: [
      { name: 'ticket', type: 'short', default: 0 },
      { name: 'queue', type: 'shortstr', default: '' },
      { name: 'noAck', type: 'bit', default: false },
    ],
  },
  {
    classId: 60,
    methodId: 71,
    name: 'basic.get-ok',
    sentBy: 'server',
    content: true,
    synchronous: false,
    replies: [],
    fields: [
      { name: 'deliveryTag', type: 'longlong' },
      { name: 'redelivered', type: 'bit', default: false },
      { name: 'exchange', type: 'shortstr' },
      { name: 'routingKey', type: 'shortstr' },
      { name: 'messageCount', type: 'long' },
    ],
  },
  {
    classId: 60,
    methodId: 72,
    name: 'basic.get-empty',
    sentBy: 'server',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'clusterId', type: 'shortstr', default: '' }],
  },
  // With publisher confirms the broker sends basic.ack and basic.nack too.
  {
    classId: 60,
    methodId: 80,
    name: 'basic.ack',
    sentBy: 'both',
    content: false,
    synchronous: false,
    replies: [],
    fields: [
      { name: 'deliveryTag', type: 'longlong', default: 0 },
      { name: 'multiple', type: 'bit', default: false },
    ],
  },
  {
    classId: 60,
    methodId: 90,
    name: 'basic.reject',
    sentBy: 'client',
    content: false,
    synchronous: false,
    replies: [],
    fields: [
      { name: 'deliveryTag', type: 'longlong' },
      { name: 'requeue', type: 'bit', default: true },
    ],
  },
  {
    classId: 60,
    methodId: 100,
    name: 'basic.recover-async',
    sentBy: 'client',
    content: false,
    synchronous: false,
    replies: [],
    fields: [{ name: 'requeue', type: 'bit', default: false }],
  },
  {
    classId: 60,
    methodId: 110,
    name: 'basic.recover',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['basic.recover-ok'],
    fields: [{ name: 'requeue', type: 'bit', default: false }],
  },
  { classId: 60, methodId: 111, name: 'basic.recover-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },
  {
    classId: 60,
    methodId: 120,
    name: 'basic.nack',
    sentBy: 'both',
    content: false,
    synchronous: false,
    replies: [],
    fields: [
      { name: 'deliveryTag', type: 'longlong', default: 0 },
      { name: 'multiple', type: 'bit', default: false },
      { name: 'requeue', type: 'bit', default: true },
    ],
  },

  // confirm (85): publisher confirms.
  {
    classId: 85,
    methodId: 10,
    name: 'confirm.select',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['confirm.select-ok'],
    fields: [{ name: 'nowait', type: 'bit', default: false }],
  },
  { classId: 85, methodId: 11, name: 'confirm.select-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },

  // tx (90): transactions.
  {
    classId: 90,
    methodId: 10,
    name: 'tx.select',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['tx.select-ok'],
    fields: [],
  },
  { classId: 90, methodId: 11, name: 'tx.select-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },
  {
    classId: 90,
    methodId: 20,
    name: 'tx.commit',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['tx.commit-ok'],
    fields: [],
  },
  { classId: 90, methodId: 21, name: 'tx.commit-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },
  {
    classId: 90,
    methodId: 30,
    name: 'tx.rollback',
    sentBy: 'client',
    content: false,
    synchronous: true,
    replies: ['tx.rollback-ok'],
    fields: [],
  },
  { classId: 90, methodId: 31, name: 'tx.rollback-ok', sentBy: 'server', content: false, synchronous: false, replies: [], fields: [] },
] as const satisfies readonly MethodSpecEntry[];

/** The 14 basic properties in wire order; the flag bit of entry i is 1 << (15 - i). */
export const BASIC_PROPERTIES = [
  { name: 'contentType', type: 'shortstr' },
  { name: 'contentEncoding', type: 'shortstr' },
  { name: 'headers', type: 'table' },
  { name: 'deliveryMode', type: 'octet' },
  { name: 'priority', type: 'octet' },
  { name: 'correlationId', type: 'shortstr' },
  { name: 'replyTo', type: 'shortstr' },
  { name: 'expiration', type: 'shortstr' },
  { name: 'messageId', type: 'shortstr' },
  { name: 'timestamp', type: 'timestamp' },
  { name: 'type', type: 'shortstr' },
  { name: 'userId', type: 'shortstr' },
  { name: 'appId', type: 'shortstr' },
  { name: 'clusterId', type: 'shortstr' },
] as const satisfies readonly FieldSpec[];

/** One argument of a method (or one property). */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** Value used when the field is left out when encoding; absent means the field is mandatory. */
  readonly default?: boolean | number | string | Readonly<Record<string, unknown>>;
}

/** The shape every METHODS entry satisfies (replies checked as strings, since MethodName comes from the table). */
interface MethodSpecEntry {
  readonly classId: number;
  readonly methodId: number;
  readonly name: string;
  readonly sentBy: Sender;
  readonly content: boolean;
  readonly synchronous: boolean;
  readonly replies: readonly string[];
  readonly fields: readonly FieldSpec[];
}

/** One method of the catalogue. */
export interface MethodSpec extends MethodSpecEntry {
  readonly name: MethodName;
  /** True when a content header and body frames follow the method. */
  readonly content: boolean;
  /** True when the sender waits for one of `replies` (unless it set nowait). */
  readonly synchronous: boolean;
  readonly replies: readonly MethodName[];
}

/** One entry of the METHODS table, with its literal types. */
export type MethodEntry = (typeof METHODS)[number];

/** Every method name, e.g. 'basic.publish' or 'queue.declare-ok'. */
export type MethodName = MethodEntry['name'];

/** Methods that are followed by a content header and body. */
export type ContentMethodName = Extract<MethodEntry, { content: true }>['name'];

/** Makes a mapped type read as a plain object in editor hints. */
export type Simplify<T> = { -readonly [K in keyof T]: T[K] } & {};

/** The field specs of one method, as a union. */
export type FieldsOf<N extends MethodName> = Extract<MethodEntry, { name: N }>['fields'][number];
