/**
 * One-line descriptions of trace events for the sequence view: the method
 * and its key fields ("topic_logs ← lazy.orange.elephant", "#3 multiple"),
 * in the words a learner meets in the tutorials.
 */
import type { BrokerDecisionEvent, FrameEvent, JsonValue, TraceGapEvent } from '../../../server/protocol/index.js';
import { formatCount } from './number-format.js';

/** The key fields of a frame, in a few words. */
export function frameDetail(event: FrameEvent): string {
  const f = event.fields;
  switch (event.method) {
    case 'basic.publish':
      return `${exchangeName(f.exchange)} ← ${quoted(f.routingKey)}${f.mandatory === true ? ' mandatory' : ''}${body(event)}`;
    case 'basic.deliver':
      return `#${value(f.deliveryTag)} ${quoted(f.routingKey)}${f.redelivered === true ? ' ↻ redelivered' : ''}${body(event)}`;
    case 'basic.get-ok':
      return `#${value(f.deliveryTag)} ${quoted(f.routingKey)}, ${value(f.messageCount)} left${body(event)}`;
    case 'basic.return':
      return `${value(f.replyCode)} ${value(f.replyText)}: ${exchangeName(f.exchange)} ← ${quoted(f.routingKey)}${body(event)}`;
    case 'basic.ack':
      return `#${value(f.deliveryTag)}${f.multiple === true ? ' and all before' : ''}${event.direction === 'to-client' ? ' (confirm)' : ''}`;
    case 'basic.nack':
      return `#${value(f.deliveryTag)}${f.multiple === true ? ' and all before' : ''}${f.requeue === false ? ', no requeue' : ', requeue'}`;
    case 'basic.reject':
      return `#${value(f.deliveryTag)}${f.requeue === false ? ', no requeue' : ', requeue'}`;
    case 'basic.consume':
      return `${quoted(f.queue)}${f.noAck === true ? ' noAck' : ''}${f.exclusive === true ? ' exclusive' : ''}`;
    case 'basic.consume-ok':
    case 'basic.cancel':
    case 'basic.cancel-ok':
      return value(f.consumerTag);
    case 'basic.get':
      return `${quoted(f.queue)}${f.noAck === true ? ' noAck' : ''}`;
    case 'basic.qos':
      return `prefetch ${value(f.prefetchCount)}${f.global === true ? ' (global)' : ''}`;
    case 'basic.recover':
    case 'basic.recover-async':
      return f.requeue === true ? 'requeue' : 'redeliver to me';
    case 'exchange.declare':
      return `${quoted(f.exchange)} ${value(f.type)}${flags(f, ['durable', 'autoDelete', 'internal', 'passive'])}`;
    case 'exchange.delete':
      return quoted(f.exchange);
    case 'queue.declare':
      return `${f.queue === '' ? '(server names it)' : quoted(f.queue)}${flags(f, ['durable', 'exclusive', 'autoDelete', 'passive'])}${args(f.arguments)}`;
    case 'queue.declare-ok':
      return `${quoted(f.queue)}, ${value(f.messageCount)} messages, ${value(f.consumerCount)} consumers`;
    case 'queue.bind':
    case 'queue.unbind':
      return `${quoted(f.queue)} ← ${exchangeName(f.exchange)} key ${quoted(f.routingKey)}${args(f.arguments)}`;
    case 'exchange.bind':
    case 'exchange.unbind':
      return `${quoted(f.destination)} ← ${exchangeName(f.source)} key ${quoted(f.routingKey)}${args(f.arguments)}`;
    case 'queue.purge':
    case 'queue.delete':
      return quoted(f.queue);
    case 'queue.purge-ok':
    case 'queue.delete-ok':
      return `${value(f.messageCount)} messages`;
    case 'channel.close':
    case 'connection.close':
      return `${value(f.replyCode)} ${value(f.replyText)}`;
    case 'connection.start-ok':
      return `as ${value(f.mechanism)}`;
    case 'connection.tune':
    case 'connection.tune-ok':
      return `heartbeat ${value(f.heartbeat)} s, frame max ${value(f.frameMax)}`;
    case 'connection.open':
      return `vhost ${quoted(f.virtualHost)}`;
    case 'protocol-header':
      return `${value(f.protocol)} ${value(f.version)}`;
    default:
      return '';
  }
}

/** A broker decision in a few words. */
export function decisionDetail(event: BrokerDecisionEvent): string {
  switch (event.decision) {
    case 'routed': {
      const via = event.matchedBindings.length > 0 ? ` via ${event.matchedBindings.map(bindingKeyOf).join(', ')}` : '';
      return `${quoted(event.routingKey)} → ${event.queues.length === 1 ? event.queues[0] : `${event.queues.length} queues`}${via}`;
    }
    case 'unroutable':
      return `${quoted(event.routingKey)} matched no binding of ${exchangeName(event.exchange)}`;
    case 'dead-lettered':
      return `${event.reason ?? ''} → ${event.to ?? '?'}${event.queues.length > 0 ? ` → ${event.queues.join(', ')}` : ''}`;
    default:
      return event.reason ?? event.queues.join(', ');
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

/** A JSON value as a short text. */
export function value(field: JsonValue | undefined): string {
  if (field === undefined || field === null) return '';
  if (typeof field === 'object') return JSON.stringify(field);
  return String(field);
}

function quoted(field: JsonValue | undefined): string {
  return `"${value(field)}"`;
}

function body(event: FrameEvent): string {
  if (event.message === undefined) return '';
  const preview = event.message.bodyPreview;
  return ` · ${preview.length > 30 ? `${preview.slice(0, 29)}…` : preview}`;
}

function flags(fields: Record<string, JsonValue>, names: string[]): string {
  const set = names.filter((name) => fields[name] === true);
  return set.length === 0 ? '' : ` ${set.join(' ')}`;
}

function args(field: JsonValue | undefined): string {
  if (field === null || typeof field !== 'object' || Array.isArray(field) || Object.keys(field).length === 0) return '';
  return ` ${JSON.stringify(field)}`;
}

/** "topic_logs -> q (lazy.#)" reads as its key, "lazy.#"; a binding without a key as its destination. */
function bindingKeyOf(description: string): string {
  const open = description.lastIndexOf(' (');
  return open >= 0 && description.endsWith(')') ? description.slice(open + 2, -1) : description.slice(description.indexOf('-> ') + 3);
}
