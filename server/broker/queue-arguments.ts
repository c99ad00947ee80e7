/**
 * The x-arguments of queue.declare: checking them the way RabbitMQ does
 * (same order, same reply texts), turning them into settings the queue uses,
 * and deciding whether a redeclaration is equivalent to the queue that exists.
 */
import type { FieldTable, FieldValue } from '../amqp/index.js';
import { preconditionFailed } from './errors.js';
import {
  fieldTypeClass,
  fieldTypeName,
  fieldValuesEqual,
  formatFieldValue,
  integerValue,
  isIntegerValue,
  plainValue,
} from './field-values.js';

/** Queue types RabbitMQ 3.x offers; this broker runs all of them as in-memory queues. */
export type QueueType = 'classic' | 'quorum' | 'stream';

/** What the queue does when x-max-length or x-max-length-bytes is reached. */
export type OverflowBehaviour = 'drop-head' | 'reject-publish' | 'reject-publish-dlx';

/** The queue's behaviour as its arguments define it. */
export interface QueueSettings {
  readonly type: QueueType;
  readonly messageTtl: number | undefined;
  readonly expires: number | undefined;
  readonly maxLength: number | undefined;
  readonly maxLengthBytes: number | undefined;
  readonly overflow: OverflowBehaviour;
  readonly deadLetterExchange: string | undefined;
  readonly deadLetterRoutingKey: string | undefined;
  readonly maxPriority: number | undefined;
  readonly singleActiveConsumer: boolean;
  /** x-delivery-limit of a quorum queue: how often a message may come back before it is dead-lettered. */
  readonly deliveryLimit: number | undefined;
}

/** The declare-time flags that RabbitMQ checks together with the arguments. */
export interface QueueFlags {
  readonly durable: boolean;
  readonly exclusive: boolean;
  readonly autoDelete: boolean;
}

/** Arguments RabbitMQ checks, in the order it checks them; all others are accepted and ignored. */
const CHECKED_ARGUMENTS = [
  'x-expires',
  'x-message-ttl',
  'x-dead-letter-exchange',
  'x-dead-letter-routing-key',
  'x-max-length',
  'x-max-length-bytes',
  'x-max-in-memory-length',
  'x-max-in-memory-bytes',
  'x-max-priority',
  'x-overflow',
  'x-queue-mode',
  'x-single-active-consumer',
  'x-queue-type',
  'x-quorum-initial-group-size',
  'x-max-age',
  'x-stream-max-segment-size-bytes',
  'x-initial-cluster-size',
  'x-queue-leader-locator',
  'x-delivery-limit',
] as const;

/** Arguments a quorum or stream queue refuses (RabbitMQ's "of queue type" error). */
const UNSUPPORTED_BY_TYPE: Readonly<Record<QueueType, readonly string[]>> = {
  classic: [],
  quorum: [
    'x-max-priority',
    'x-queue-mode',
    'x-max-age',
    'x-stream-max-segment-size-bytes',
    'x-initial-cluster-size',
    'x-queue-master-locator',
  ],
  stream: [
    'x-message-ttl',
    'x-expires',
    'x-dead-letter-exchange',
    'x-dead-letter-routing-key',
    'x-max-length',
    'x-max-in-memory-length',
    'x-max-in-memory-bytes',
    'x-max-priority',
    'x-overflow',
    'x-queue-mode',
    'x-single-active-consumer',
    'x-delivery-limit',
    'x-quorum-initial-group-size',
  ],
};

const TYPE_MODULE: Readonly<Record<QueueType, string>> = {
  classic: 'rabbit_classic_queue',
  quorum: 'rabbit_quorum_queue',
  stream: 'rabbit_stream_queue',
};

/** Where the queue is, for error texts: "queue 'q' in vhost '/'". */
function describeQueue(queue: string, vhost: string): string {
  return `queue '${queue}' in vhost '${vhost}'`;
}

/** The queue type the arguments ask for ('classic' when x-queue-type is absent). */
export function requestedQueueType(args: FieldTable): QueueType {
  const value = args['x-queue-type'];
  if (value === undefined) return 'classic';
  const text = stringValue(value);
  return text === 'quorum' || text === 'stream' ? text : 'classic';
}

function stringValue(value: FieldValue): string | undefined {
  const plain = plainValue(value);
  if (typeof plain === 'string') return plain;
  if (Buffer.isBuffer(plain)) return plain.toString('utf8');
  return undefined;
}

/**
 * Checks a new queue's arguments and flags; throws 406 with RabbitMQ's text
 * for the first problem, or returns the settings they define.
 */
export function validateQueueArguments(queue: string, vhost: string, args: FieldTable, flags: QueueFlags): QueueSettings {
  const where = describeQueue(queue, vhost);
  const invalid = (key: string, reason: string) => preconditionFailed(`invalid arg '${key}' for ${where}: ${reason}`);
  for (const key of CHECKED_ARGUMENTS) {
    const value = args[key];
    if (value === undefined) continue;
    const problem = checkArgument(key, value, args);
    if (problem === 'dlx-type') {
      throw preconditionFailed(`invalid type '${fieldTypeName(value)}' for arg '${key}' in ${where}`);
    }
    if (problem !== undefined) throw invalid(key, problem);
  }
  const type = requestedQueueType(args);
  if (type !== 'classic') {
    if (flags.autoDelete) throw preconditionFailed(`invalid property 'auto-delete' for ${where}`);
    if (flags.exclusive) throw preconditionFailed(`invalid property 'exclusive-owner' for ${where}`);
    if (!flags.durable) throw preconditionFailed(`invalid property 'non-durable' for ${where}`);
  }
  for (const key of UNSUPPORTED_BY_TYPE[type]) {
    if (args[key] !== undefined) {
      throw preconditionFailed(`invalid arg '${key}' for ${where} of queue type ${TYPE_MODULE[type]}`);
    }
  }
  return settingsFrom(args, type);
}

/** RabbitMQ's reason for refusing one argument, or undefined when it is acceptable. */
function checkArgument(key: (typeof CHECKED_ARGUMENTS)[number], value: FieldValue, args: FieldTable): string | undefined {
  switch (key) {
    case 'x-expires':
      return checkInteger(value, { positive: true });
    case 'x-message-ttl':
    case 'x-max-length':
    case 'x-max-length-bytes':
    case 'x-max-in-memory-length':
    case 'x-max-in-memory-bytes':
    case 'x-stream-max-segment-size-bytes':
    case 'x-delivery-limit':
    case 'x-quorum-initial-group-size':
    case 'x-initial-cluster-size':
      return checkInteger(value, {});
    case 'x-max-priority':
      return checkInteger(value, { max: 255 });
    case 'x-dead-letter-exchange':
      return fieldTypeName(value) === 'longstr' ? undefined : 'dlx-type';
    case 'x-dead-letter-routing-key':
      if (fieldTypeName(value) !== 'longstr') return 'dlx-type';
      return args['x-dead-letter-exchange'] === undefined ? 'routing_key_but_no_dlx_defined' : undefined;
    case 'x-overflow':
      return checkChoice(value, ['drop-head', 'reject-publish', 'reject-publish-dlx'], () => 'invalid_overflow');
    case 'x-queue-mode':
      return checkChoice(value, ['default', 'lazy'], (text) => `"unsupported queue mode '${text}'"`);
    case 'x-queue-type':
      return checkChoice(value, ['classic', 'quorum', 'stream'], (text) => `"unsupported queue type '${text}'"`);
    case 'x-queue-leader-locator':
      return checkChoice(value, ['client-local', 'balanced', 'random', 'least-leaders'], () => 'invalid_leader_locator');
    case 'x-single-active-consumer':
      return fieldTypeName(value) === 'bool' ? undefined : `{unacceptable_type,${fieldTypeName(value)}}`;
    case 'x-max-age':
      return fieldTypeName(value) === 'longstr' ? undefined : `{unacceptable_type,${fieldTypeName(value)}}`;
  }
}

function checkInteger(value: FieldValue, limits: { positive?: boolean; max?: number }): string | undefined {
  if (!isIntegerValue(value)) return `"expected integer, got ${fieldTypeName(value)}"`;
  const n = integerValue(value);
  if (n < 0) return `{value_negative,${n}}`;
  if (limits.positive && n === 0) return `{value_zero,${n}}`;
  if (limits.max !== undefined && n > limits.max) return `{max_value_exceeded,${n}}`;
  return undefined;
}

function checkChoice(value: FieldValue, allowed: readonly string[], describeBad: (text: string) => string): string | undefined {
  if (fieldTypeName(value) !== 'longstr') return `{unacceptable_type,${fieldTypeName(value)}}`;
  const text = stringValue(value) ?? '';
  return allowed.includes(text) ? undefined : describeBad(text);
}

function optionalInteger(value: FieldValue | undefined): number | undefined {
  return value === undefined ? undefined : integerValue(value);
}

function settingsFrom(args: FieldTable, type: QueueType): QueueSettings {
  const overflow = args['x-overflow'] === undefined ? 'drop-head' : (stringValue(args['x-overflow']) as OverflowBehaviour);
  const dlx = args['x-dead-letter-exchange'];
  const dlrk = args['x-dead-letter-routing-key'];
  return {
    type,
    messageTtl: optionalInteger(args['x-message-ttl']),
    expires: optionalInteger(args['x-expires']),
    maxLength: optionalInteger(args['x-max-length']),
    maxLengthBytes: optionalInteger(args['x-max-length-bytes']),
    overflow,
    deadLetterExchange: dlx === undefined ? undefined : stringValue(dlx),
    deadLetterRoutingKey: dlrk === undefined ? undefined : stringValue(dlrk),
    maxPriority: optionalInteger(args['x-max-priority']),
    singleActiveConsumer: args['x-single-active-consumer'] !== undefined && plainValue(args['x-single-active-consumer']) === true,
    // Classic queues accept the argument and ignore it, as RabbitMQ 3.x does.
    deliveryLimit: type === 'quorum' ? optionalInteger(args['x-delivery-limit']) : undefined,
  };
}

/** How RabbitMQ prints one side of an argument comparison. */
function describeSide(value: FieldValue | undefined): string {
  return value === undefined ? 'none' : `the value '${formatFieldValue(value)}' of type '${fieldTypeName(value)}'`;
}

/**
 * Throws 406 "inequivalent arg ..." when a redeclaration's arguments differ
 * from the existing queue's in an argument RabbitMQ compares.
 */
export function assertEquivalentArguments(queue: string, vhost: string, current: FieldTable, received: FieldTable): void {
  const where = describeQueue(queue, vhost);
  for (const key of CHECKED_ARGUMENTS) {
    const was = current[key];
    const now = received[key];
    if (key === 'x-queue-type') {
      // A classic queue may be redeclared with or without x-queue-type: classic.
      if (was !== undefined && stringValue(was) === 'classic' && now === undefined) continue;
      if (now !== undefined && stringValue(now) === 'classic' && was === undefined) continue;
    }
    if (was === undefined && now === undefined) continue;
    if (was === undefined || now === undefined) {
      throw preconditionFailed(`inequivalent arg '${key}' for ${where}: received ${describeSide(now)} but current is ${describeSide(was)}`);
    }
    if (fieldTypeClass(was) === fieldTypeClass(now) && fieldValuesEqual(was, now)) continue;
    throw preconditionFailed(
      `inequivalent arg '${key}' for ${where}: received '${formatFieldValue(now)}' but current is '${formatFieldValue(was)}'`,
    );
  }
}
