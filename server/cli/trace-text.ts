/**
 * A run's trace as lines a person reads in a terminal: one line per event
 * (time, actor, direction, method, the fields that matter), the actors' own
 * lines, and broker state as `rabbitmqctl list_queues` prints it.
 */
import { restartText } from '../model/restart-words.js';
import type { FrameEvent, JsonValue, QueueState, RunSummary, TraceEvent } from '../protocol/index.js';

const ACTOR_WIDTH = 12;

/** Fields worth a place on a frame's line, in the order shown; the rest are in --json. */
const KEY_FIELDS = [
  'virtualHost',
  'exchange',
  'type',
  'queue',
  'passive',
  'routingKey',
  'source',
  'destination',
  'consumerTag',
  'deliveryTag',
  'multiple',
  'requeue',
  'redelivered',
  'noAck',
  'exclusive',
  'durable',
  'autoDelete',
  'mandatory',
  'prefetchCount',
  'messageCount',
  'consumerCount',
  'replyCode',
  'replyText',
  'closedBy',
  'reason',
  'host',
  'port',
];

/** One event as one line (or, for broker state, a small table). */
export function formatEvent(event: TraceEvent): string {
  const time = (event.time / 1000).toFixed(3).padStart(8);
  switch (event.kind) {
    case 'frame':
      return `${time}  ${pad(event.actor)} ${event.direction === 'to-broker' ? '→' : '←'} ${describeFrame(event)}`;
    case 'broker': {
      const where = event.queues.length > 0 ? ` → ${event.queues.join(', ')}` : '';
      // The default exchange's bindings only repeat the queue's name.
      const via = event.matchedBindings.length > 0 && event.exchange !== '' ? `  via ${event.matchedBindings.join('; ')}` : '';
      const what =
        event.exchange !== '' || event.routingKey !== '' ? ` exchange=${quote(event.exchange)} routingKey=${quote(event.routingKey)}` : '';
      const why = event.reason !== undefined ? `  (${event.reason})` : '';
      const to = event.to !== undefined ? ` to ${quote(event.to)}` : '';
      return `${time}  ${pad('broker')} ⇢ ${event.decision}${what}${to}${where}${via}${why}`;
    }
    case 'log':
      return `${time}  ${pad(event.actor)}   ${event.text}`;
    case 'state':
      return `${time}  ${pad('broker')}   state:\n${formatQueueTable(event.queues)}`;
    case 'restart':
      return `${time}  ${pad('broker')} ⟳ ${restartText(event)}`;
    case 'gap':
      return `${time}  ${pad('trace')}   ${event.dropped} events not shown: ${Object.entries(event.counts)
        .map(([what, count]) => `${what} ×${count}`)
        .join(', ')}`;
  }
}

/** The queues as `rabbitmqctl list_queues name messages_ready messages_unacknowledged consumers` shows them. */
export function formatQueueTable(queues: QueueState[]): string {
  const header = ['name', 'messages_ready', 'messages_unacknowledged', 'consumers'];
  const rows = queues.map((queue) => [
    queue.name,
    String(queue.messagesReady),
    String(queue.messagesUnacknowledged),
    String(queue.consumers),
  ]);
  if (rows.length === 0) return '    (no queues)';
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  return [header, ...rows]
    .map(
      (row) =>
        `    ${row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join('  ')
          .trimEnd()}`,
    )
    .join('\n');
}

/** The totals of a run in a few lines, ending with the final queue table. */
export function formatSummary(summary: RunSummary): string {
  const perName = (counts: Record<string, number>): string => {
    const entries = Object.entries(counts);
    return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
  };
  return [
    `published ${summary.published}; routed: ${perName(summary.routed)}; delivered: ${perName(summary.delivered)}`,
    `acked ${summary.acked}, nacked ${summary.nacked}, requeued ${summary.requeued}, returned ${summary.returned}, dropped ${summary.dropped}, dead-lettered ${summary.deadLettered}, lost ${summary.lost}`,
    'list_queues:',
    formatQueueTable(summary.queues),
  ].join('\n');
}

function describeFrame(event: FrameEvent): string {
  const parts = [event.channel > 0 ? `${event.method} [ch ${event.channel}]` : event.method];
  for (const name of KEY_FIELDS) {
    // Any method's fields, looked up by name: each of these names means the same wherever it occurs.
    const value = (event.fields as Record<string, JsonValue | undefined>)[name];
    if (value === undefined || (value === '' && name !== 'exchange' && name !== 'routingKey')) continue;
    if (value === false && name !== 'redelivered') continue;
    parts.push(`${name}=${render(value)}`);
  }
  if (event.message !== undefined) {
    // amqplib always sends a headers table, mostly empty: not worth a place on the line.
    const properties = Object.entries(event.message.properties)
      .filter(([, value]) => !(typeof value === 'object' && value !== null && Object.keys(value).length === 0))
      .map(([name, value]) => `${name}=${render(value)}`);
    if (properties.length > 0) parts.push(`{${properties.join(' ')}}`);
    parts.push(JSON.stringify(event.message.bodyPreview));
  }
  return parts.join(' ');
}

function render(value: JsonValue): string {
  return typeof value === 'string' ? quote(value) : JSON.stringify(value);
}

/** Strings quoted only when they need it: empty, or with spaces. */
function quote(text: string): string {
  return text === '' || /\s/.test(text) ? `'${text}'` : text;
}

function pad(actor: string): string {
  return actor.length >= ACTOR_WIDTH ? actor : actor.padEnd(ACTOR_WIDTH);
}
