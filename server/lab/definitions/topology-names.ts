/** Names the lab's definitions code shares: which exchanges are built in, a binding's label, a vhost's AMQP URL. */

/** The default exchange ('') and the amq.* ones: every vhost has them, and nobody may declare their like. */
export function isBuiltInExchange(name: string): boolean {
  return name === '' || name.startsWith('amq.');
}

/** A binding as a person reads it: 'logs → q1 (routing key "info")'. */
export function bindingLabel(binding: { source: string; destination: string; destination_type: string; routing_key?: string }): string {
  const destination = binding.destination_type === 'exchange' ? `exchange ${binding.destination}` : binding.destination;
  return `${binding.source === '' ? '(default exchange)' : binding.source} → ${destination} (routing key "${binding.routing_key ?? ''}")`;
}

/** The broker's AMQP URL with `vhost` as its path. */
export function vhostUrl(url: string, vhost: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(vhost)}`;
  return parsed.toString();
}
