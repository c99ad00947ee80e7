/**
 * One-line descriptions of trace events for the sequence view: the method
 * and its key fields ("topic_logs ← lazy.orange.elephant", "#3 multiple"),
 * in the words a learner meets in the tutorials.
 */
import type { BrokerDecisionEvent, FrameEvent, JsonValue, TraceGapEvent } from '../../../server/protocol/index.js';
import { methodName } from '../../../server/model/run-model.js';
import { DIRECT_REPLY_TO } from '../../../server/model/routing.js';
import { formatCount } from './number-format.js';

/** The key fields of a frame, in a few words. */
export function frameDetail(event: FrameEvent): string {
  switch (event.method) {
    case 'basic.publish':
      return `${exchangeName(event.fields.exchange)} ← ${keyText(event.fields.routingKey, quoted)}${event.fields.mandatory ? ' mandatory' : ''}${body(event)}`;
    case 'basic.deliver':
      return `#${value(event.fields.deliveryTag)} ${keyText(event.fields.routingKey, quoted)}${event.fields.redelivered ? ' ↻ redelivered' : ''}${body(event)}`;
    case 'basic.get-ok':
      return `#${value(event.fields.deliveryTag)} ${keyText(event.fields.routingKey, quoted)}, ${value(event.fields.messageCount)} left${body(event)}`;
    case 'basic.return':
      return `${value(event.fields.replyCode)} ${value(event.fields.replyText)}: ${exchangeName(event.fields.exchange)} ← ${keyText(event.fields.routingKey, quoted)}${body(event)}`;
    case 'basic.ack':
      return `#${value(event.fields.deliveryTag)}${event.fields.multiple ? ' and all before' : ''}${event.direction === 'to-client' ? ' (confirm)' : ''}`;
    case 'basic.nack':
      return `#${value(event.fields.deliveryTag)}${event.fields.multiple ? ' and all before' : ''}${!event.fields.requeue ? ', no requeue' : ', requeue'}`;
    case 'basic.reject':
      return `#${value(event.fields.deliveryTag)}${!event.fields.requeue ? ', no requeue' : ', requeue'}`;
    case 'basic.consume':
      return `${quoted(event.fields.queue)}${event.fields.noAck ? ' noAck' : ''}${event.fields.exclusive ? ' exclusive' : ''}`;
    case 'basic.consume-ok':
    case 'basic.cancel':
    case 'basic.cancel-ok':
      return value(event.fields.consumerTag);
    case 'basic.get':
      return `${quoted(event.fields.queue)}${event.fields.noAck ? ' noAck' : ''}`;
    case 'basic.qos':
      return `prefetch ${value(event.fields.prefetchCount)}${event.fields.global ? ' (global)' : ''}`;
    case 'basic.recover':
    case 'basic.recover-async':
      return event.fields.requeue ? 'requeue' : 'redeliver to me';
    case 'exchange.declare':
      return `${quoted(event.fields.exchange)} ${value(event.fields.type)}${flags(event.fields, ['durable', 'autoDelete', 'internal', 'passive'])}`;
    case 'exchange.delete':
      return quoted(event.fields.exchange);
    case 'queue.declare':
      return `${event.fields.queue === '' ? '(server names it)' : quoted(event.fields.queue)}${flags(event.fields, ['durable', 'exclusive', 'autoDelete', 'passive'])}${args(event.fields.arguments)}`;
    case 'queue.declare-ok':
      return `${quoted(event.fields.queue)}, ${value(event.fields.messageCount)} messages, ${value(event.fields.consumerCount)} consumers`;
    case 'queue.bind':
    case 'queue.unbind':
      return `${quoted(event.fields.queue)} ← ${exchangeName(event.fields.exchange)} key ${keyText(event.fields.routingKey, quoted)}${args(event.fields.arguments)}`;
    case 'exchange.bind':
    case 'exchange.unbind':
      return `${quoted(event.fields.destination)} ← ${exchangeName(event.fields.source)} key ${keyText(event.fields.routingKey, quoted)}${args(event.fields.arguments)}`;
    case 'queue.purge':
    case 'queue.delete':
      return quoted(event.fields.queue);
    case 'queue.purge-ok':
    case 'queue.delete-ok':
      return `${value(event.fields.messageCount)} messages`;
    case 'channel.close':
    case 'connection.close': {
      const refused = methodName(event.fields.classId, event.fields.methodId);
      return `${value(event.fields.replyCode)} ${value(event.fields.replyText)}${refused === undefined ? '' : ` (refused ${refused})`}`;
    }
    case 'connection.start-ok':
      return `as ${value(event.fields.mechanism)}`;
    case 'connection.tune':
    case 'connection.tune-ok':
      return `heartbeat ${value(event.fields.heartbeat)} s, frame max ${value(event.fields.frameMax)}`;
    case 'connection.open':
      return `vhost ${quoted(event.fields.virtualHost)}`;
    case 'protocol-header':
      return `${value(event.fields.protocol)} ${value(event.fields.version)}`;
    default:
      return '';
  }
}

/**
 * A broker decision in a few words, led by the body of the message it was
 * about (`body`) when known: a decision's box is narrow, and which message it
 * was is what tells one decision from the next.
 */
export function decisionDetail(event: BrokerDecisionEvent, body?: string): string {
  return body === undefined ? decisionWords(event) : `${shortBody(body)} · ${decisionWords(event)}`;
}

function decisionWords(event: BrokerDecisionEvent): string {
  switch (event.decision) {
    case 'routed': {
      const queues = event.queues.length === 1 ? shortName(event.queues[0] ?? '') : `${event.queues.length} queues`;
      const keys = [...new Set(event.matchedBindings.map(bindingKeyOf))];
      // The default exchange routes by the queue's own name: "via" it would only repeat the name.
      const byName = event.exchange === '' && keys.every((key) => event.queues.includes(key));
      const via = keys.length > 0 && !byName ? ` via ${keys.map((key) => keyText(key, shortName)).join(', ')}` : '';
      return `${keyText(event.routingKey, quoted)} → ${queues}${via}`;
    }
    case 'unroutable':
      return `${keyText(event.routingKey, quoted)} matched no binding of ${exchangeName(event.exchange)}`;
    case 'dead-lettered':
      return `${event.reason ?? ''} → ${event.to ?? '?'}${event.queues.length > 0 ? ` → ${event.queues.map(shortName).join(', ')}` : ''}`;
    default:
      return event.reason ?? event.queues.map(shortName).join(', ');
  }
}

/** What a gap summarised, largest first. */
export function gapDetail(event: TraceGapEvent): string {
  const parts = Object.entries(event.counts)
    .sort((a, b) => b[1] - a[1])
    .map(([what, count]) => `${what} ×${formatCount(count)}`);
  return `${formatCount(event.dropped)} events not shown (the page could not keep up): ${parts.join(', ')}`;
}

/** The default exchange has an empty name; the trace and RabbitMQ call it this. */
export function exchangeName(name: JsonValue | undefined): string {
  if (name === '' || name === undefined) return '(AMQP default)';
  return typeof name === 'string' ? name : JSON.stringify(name);
}

/** What the views write for an empty routing or binding key, which would otherwise read as nothing at all. */
export const EMPTY_KEY = '(empty)';

/** A routing or binding key as the views write it: EMPTY_KEY when it is empty, else the key (through `show`, e.g. quoted). */
export function keyText(key: JsonValue | undefined, show: (key: string) => string = (key) => key): string {
  const text = value(key);
  return text === '' ? EMPTY_KEY : show(text);
}

/** A JSON value as a short text. */
export function value(field: JsonValue | undefined): string {
  if (field === undefined || field === null) return '';
  if (typeof field === 'object') return JSON.stringify(field);
  return String(field);
}

/** A name or key in quotes; a name the broker made up is shortened (see shortName). */
function quoted(field: JsonValue | undefined): string {
  return `"${shortName(value(field))}"`;
}

/** Where the broker made up a name (a server-named queue, a direct reply-to address), the first characters tell it apart in a row; the inspector shows it whole. */
function shortName(name: string): string {
  if (name.startsWith('amq.gen-') && name.length > SERVER_NAME_CHARS + 1) return `${name.slice(0, SERVER_NAME_CHARS)}…`;
  if (name.startsWith(`${DIRECT_REPLY_TO}.`)) return `${DIRECT_REPLY_TO}.…`;
  return name;
}

/** How much of a made-up name a row shows: "amq.gen-" and five characters. */
const SERVER_NAME_CHARS = 13;

function body(event: FrameEvent): string {
  return event.message === undefined ? '' : ` · ${shortBody(event.message.bodyPreview)}`;
}

/** A message's body as a row writes it, cut when long. */
function shortBody(preview: string): string {
  return preview.length > 30 ? `${preview.slice(0, 29)}…` : preview;
}

function flags<F extends object>(fields: F, names: (keyof F & string)[]): string {
  const set = names.filter((name) => fields[name] === true);
  return set.length === 0 ? '' : ` ${set.join(' ')}`;
}

function args(field: JsonValue | undefined): string {
  if (field === null || typeof field !== 'object' || Array.isArray(field) || Object.keys(field).length === 0) return '';
  return ` ${JSON.stringify(field)}`;
}

/** "topic_logs -> q (lazy.#)" reads as its key, "lazy.#"; "logs -> q", a binding without a key, as the empty key. */
function bindingKeyOf(description: string): string {
  const binding = description.endsWith(']') ? description.slice(0, description.lastIndexOf(' [')) : description;
  const open = binding.lastIndexOf(' (');
  return open >= 0 && binding.endsWith(')') ? binding.slice(open + 2, -1) : '';
}

/** A close the broker sent with an error code: the channel or connection ends because the broker refused something. */
export function isBrokerError(event: FrameEvent): boolean {
  return (
    event.direction === 'to-client' &&
    (event.method === 'channel.close' || event.method === 'connection.close') &&
    event.fields.replyCode !== 200
  );
}
