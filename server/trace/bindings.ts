/**
 * How bindings read in the trace, e.g. "logs -> amq.gen-JzTY (black)".
 * One function, so routing decisions look the same whether they were
 * observed by the tap or reported by the embedded broker.
 */

/** What the default exchange ('') is called where RabbitMQ shows it (management UI). */
export const DEFAULT_EXCHANGE_LABEL = '(AMQP default)';

/** A binding as the trace describes it. */
export interface BindingDescription {
  source: string;
  destination: string;
  routingKey: string;
  /** Shown only for headers exchanges, where the arguments are what matches. */
  arguments?: Record<string, unknown>;
}

/** "source -> destination (routing key)"; the key is left out when empty, arguments are shown when given. */
export function describeBinding(binding: BindingDescription): string {
  const source = binding.source === '' ? DEFAULT_EXCHANGE_LABEL : binding.source;
  let text = `${source} -> ${binding.destination}`;
  if (binding.routingKey !== '') text += ` (${binding.routingKey})`;
  if (binding.arguments !== undefined && Object.keys(binding.arguments).length > 0) {
    const pairs = Object.entries(binding.arguments).map(([key, value]) => `${key}=${describeValue(value)}`);
    text += ` [${pairs.join(', ')}]`;
  }
  return text;
}

function describeValue(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value !== null && typeof value === 'object') {
    // amqplib's typed form { '!': type, value } reads as its value.
    if ('value' in value && '!' in value) return describeValue(value.value);
    return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? inner.toString() : inner));
  }
  return String(value);
}
