/**
 * How bindings read in the trace, e.g. "logs -> amq.gen-JzTY (black)". One
 * function, so routing decisions read the same whether the run model
 * worked them out (runs on RabbitMQ) or the embedded broker reported them.
 */
import type { JsonTable, JsonValue } from '../protocol/trace.js';

/** What the default exchange ('') is called where RabbitMQ shows it (management UI). */
export const DEFAULT_EXCHANGE_LABEL = '(AMQP default)';

/** A binding as the trace describes it. */
export interface BindingDescription {
  source: string;
  destination: string;
  routingKey: string;
  /** Shown when there are any (a headers exchange matches on them). */
  arguments: JsonTable;
}

/** "source -> destination (routing key) [arguments]"; the key is left out when empty, the arguments when there are none. */
export function describeBinding(binding: BindingDescription): string {
  const source = binding.source === '' ? DEFAULT_EXCHANGE_LABEL : binding.source;
  let text = `${source} -> ${binding.destination}`;
  if (binding.routingKey !== '') text += ` (${binding.routingKey})`;
  const pairs = Object.entries(binding.arguments).map(([key, value]) => `${key}=${describeValue(value)}`);
  if (pairs.length > 0) text += ` [${pairs.join(', ')}]`;
  return text;
}

function describeValue(value: JsonValue): string {
  if (value !== null && typeof value === 'object') {
    // A binary value reads as its text.
    if (!Array.isArray(value) && typeof value.base64 === 'string' && Object.keys(value).length === 1) {
      return new TextDecoder().decode(Uint8Array.from(atob(value.base64), (c) => c.charCodeAt(0)));
    }
    return JSON.stringify(value);
  }
  return String(value);
}
