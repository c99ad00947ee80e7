/**
 * The broker panel's tables: what `rabbitmqctl list_queues`, `list_exchanges`,
 * `list_bindings`, `list_consumers` and `list_connections` would have printed
 * at one moment of a run, as the command a learner types, the columns under
 * rabbitmqctl's own names and the rows as text; and the notes that say what
 * a list leaves out (direct reply-to, queues already gone). Plain data, no
 * DOM: the panel draws it.
 */
import { listBindings, listConnections, listConsumers, listExchanges, listQueues } from '../../../server/model/rabbitmqctl.js';
import { DIRECT_REPLY_TO } from '../../../server/model/routing.js';
import type { QueueState, RunState } from '../../../server/model/state.js';
import type { JsonTable } from '../../../server/protocol/index.js';
import { EMPTY_KEY } from './event-labels.js';

/** Which list a table is. */
export type ListName = 'list_queues' | 'list_exchanges' | 'list_bindings' | 'list_consumers' | 'list_connections';

/** The lists in the order the panel offers them. */
export const LIST_NAMES: readonly ListName[] = ['list_queues', 'list_exchanges', 'list_bindings', 'list_consumers', 'list_connections'];

/** One cell: its text, dimmed when it stands for something rabbitmqctl prints as empty. */
export interface CtlCell {
  text: string;
  /** Says what an empty name means ("(AMQP default)"); drawn dimmer. */
  standIn?: boolean;
}

/** One column, by the name rabbitmqctl gives it. */
export interface CtlColumn {
  name: string;
  /** Right-aligned figures. */
  number: boolean;
  /** What the column means, for a tooltip. */
  meaning: string;
}

/** One table of the panel. */
export interface CtlTable {
  list: ListName;
  /** The whole command, as a learner would type it. */
  command: string;
  columns: CtlColumn[];
  rows: CtlCell[][];
  /** What to say when there are no rows. */
  empty: string;
  /** Sentences under the table: what the list leaves out and why. */
  notes: string[];
}

/** Where the moment shown is in the run: its end changes what a missing queue means. */
export interface MomentOf {
  /** The run has ended and the moment shown is its last. */
  atEnd: boolean;
}

const DEFAULT_EXCHANGE: CtlCell = { text: '(AMQP default)', standIn: true };

/** The table for one list at the moment `state` is of. */
export function ctlTable(list: ListName, state: RunState, moment: MomentOf): CtlTable {
  switch (list) {
    case 'list_queues':
      return queuesTable(state, moment);
    case 'list_exchanges':
      return exchangesTable(state);
    case 'list_bindings':
      return bindingsTable(state, moment);
    case 'list_consumers':
      return consumersTable(state);
    case 'list_connections':
      return connectionsTable(state, moment);
  }
}

/** How many rows a list has at the moment `state` is of (for the tab that shows it). */
export function ctlRowCount(list: ListName, state: RunState): number {
  switch (list) {
    case 'list_queues':
      return listQueues(state).length;
    case 'list_exchanges':
      return listExchanges(state).length;
    case 'list_bindings':
      return listBindings(state).length;
    case 'list_consumers':
      return listConsumers(state).length;
    case 'list_connections':
      return listConnections(state).length;
  }
}

function queuesTable(state: RunState, moment: MomentOf): CtlTable {
  const columns = [
    column('name', 'the queue’s name; amq.gen-… names are ones the broker made up'),
    column('durable', 'true: the queue itself survives a broker restart'),
    column('auto_delete', 'true: deleted when its last consumer goes'),
    column('exclusive', 'true: only the connection that declared it may use it, and it goes with that connection'),
    column('messages_ready', 'waiting to be delivered', true),
    column('messages_unacknowledged', 'delivered, not yet acknowledged', true),
    column('consumers', 'consumers subscribed to it now', true),
    column('arguments', 'optional arguments given when it was declared (x-message-ttl, x-dead-letter-exchange, …)'),
  ];
  const rows = listQueues(state).map((queue) => [
    { text: queue.name },
    { text: String(queue.durable) },
    { text: String(queue.auto_delete) },
    { text: String(queue.exclusive) },
    { text: String(queue.messages_ready) },
    { text: String(queue.messages_unacknowledged) },
    { text: String(queue.consumers) },
    { text: ctlArguments(queue.arguments) },
  ]);
  const notes: string[] = [];
  const gone = goneQueues(state);
  if (gone.length > 0) notes.push(goneSentence(state, gone, moment, rows.length === 0));
  const replyTo = state.queues.get(DIRECT_REPLY_TO);
  if (replyTo !== undefined) notes.push(directReplyToSentence(state, replyTo));
  return {
    list: 'list_queues',
    command: 'rabbitmqctl list_queues name durable auto_delete exclusive messages_ready messages_unacknowledged consumers arguments',
    columns,
    rows,
    empty: 'No queues.',
    notes,
  };
}

function exchangesTable(state: RunState): CtlTable {
  const rows = listExchanges(state).map((exchange) => [
    exchange.name === '' ? DEFAULT_EXCHANGE : { text: exchange.name },
    { text: exchange.type },
    { text: String(exchange.durable) },
    { text: String(exchange.auto_delete) },
    { text: String(exchange.internal) },
    { text: ctlArguments(exchange.arguments) },
  ]);
  return {
    list: 'list_exchanges',
    command: 'rabbitmqctl list_exchanges name type durable auto_delete internal arguments',
    columns: [
      column('name', 'the exchange’s name; rabbitmqctl prints the default exchange’s as an empty name'),
      column('type', 'direct, fanout, topic or headers: how it matches routing keys to bindings'),
      column('durable', 'true: the exchange survives a broker restart'),
      column('auto_delete', 'true: deleted when its last binding goes'),
      column('internal', 'true: only other exchanges may publish to it'),
      column('arguments', 'optional arguments given when it was declared'),
    ],
    rows,
    empty: 'No exchanges.',
    notes: [],
  };
}

function bindingsTable(state: RunState, moment: MomentOf): CtlTable {
  const rows = listBindings(state).map((binding) => [
    binding.source_name === '' ? DEFAULT_EXCHANGE : { text: binding.source_name },
    { text: binding.source_kind },
    { text: binding.destination_name },
    { text: binding.destination_kind },
    binding.routing_key === '' ? { text: EMPTY_KEY, standIn: true } : { text: binding.routing_key },
    { text: ctlArguments(binding.arguments) },
  ]);
  const notes: string[] = [];
  if (rows.length > 0 && rows.some(([source]) => source === DEFAULT_EXCHANGE)) {
    notes.push('Every queue is bound to the default exchange under its own name: that is how a publish to "" reaches it.');
  }
  const gone = goneQueues(state);
  if (gone.length > 0 && rows.length === 0) notes.push(goneSentence(state, gone, moment, true, 'their bindings went with them'));
  return {
    list: 'list_bindings',
    command: 'rabbitmqctl list_bindings source_name source_kind destination_name destination_kind routing_key arguments',
    columns: [
      column('source_name', 'the exchange messages come from'),
      column('source_kind', 'always exchange'),
      column('destination_name', 'the queue (or exchange) they go to'),
      column('destination_kind', 'queue or exchange'),
      column('routing_key', 'the binding key a message’s routing key is matched against'),
      column('arguments', 'binding arguments (a headers exchange matches on these)'),
    ],
    rows,
    empty: 'No bindings.',
    notes,
  };
}

function consumersTable(state: RunState): CtlTable {
  const rows = listConsumers(state).map((consumer) => [
    { text: consumer.queue_name },
    { text: consumer.channel },
    { text: consumer.consumer_tag },
    { text: String(consumer.ack_required) },
    { text: String(consumer.prefetch_count) },
    { text: String(consumer.active) },
    { text: ctlArguments(consumer.arguments) },
  ]);
  return {
    list: 'list_consumers',
    command: 'rabbitmqctl list_consumers queue_name channel_pid consumer_tag ack_required prefetch_count active arguments',
    columns: [
      column('queue_name', 'the queue it consumes from'),
      column('channel_pid', 'the channel it came on; rabbitmqctl prints an Erlang process id, here the program and channel number'),
      column('consumer_tag', 'the consumer’s name on its channel'),
      column('ack_required', 'false: automatic acknowledgement, the broker forgets each message as it sends it'),
      column('prefetch_count', 'how many unacknowledged messages its channel may hold (0: no limit)', true),
      column('active', 'true: messages are delivered to it'),
      column('arguments', 'consumer arguments'),
    ],
    rows,
    empty: 'No consumers.',
    notes: [],
  };
}

function connectionsTable(state: RunState, moment: MomentOf): CtlTable {
  const rows = listConnections(state).map((connection) => [
    { text: connection.name },
    { text: connection.user },
    { text: connection.vhost },
    { text: connection.state },
    { text: connection.client },
    { text: String(connection.channels) },
  ]);
  const ended = [...state.connections.values()].filter((connection) => connection.endedAt !== undefined).length;
  const notes =
    ended > 0 && rows.length === 0 && moment.atEnd
      ? [`At the end of the run every program has closed its connection (${ended}). Move the timeline back to see them open.`]
      : [];
  return {
    list: 'list_connections',
    command: 'rabbitmqctl list_connections name user vhost state client_properties channels',
    columns: [
      column('name', 'the connection’s name: the program it belongs to'),
      column('user', 'who it logged in as'),
      column('vhost', 'the virtual host it works in (each run has its own)'),
      column('state', 'running, or blocked when the broker stops it publishing'),
      column('client_properties', 'the client library, as it described itself'),
      column('channels', 'channels open on it', true),
    ],
    rows,
    empty: 'No connections.',
    notes,
  };
}

function column(name: string, meaning: string, number = false): CtlColumn {
  return { name, number, meaning };
}

/** Arguments the way rabbitmqctl prints them: [{"x-message-ttl",60000}], [] when there are none. */
export function ctlArguments(table: JsonTable): string {
  const entries = Object.entries(table);
  return `[${entries.map(([name, value]) => `{${JSON.stringify(name)},${JSON.stringify(value)}}`).join(',')}]`;
}

/** Queues the run had that are gone at this moment (direct reply-to was never one). */
function goneQueues(state: RunState): QueueState[] {
  return [...state.queues.values()].filter((queue) => !queue.exists && !queue.pseudo);
}

/** Which queues are gone and why, and how to see them. */
function goneSentence(state: RunState, gone: QueueState[], moment: MomentOf, noneLeft: boolean, tail = ''): string {
  const when = moment.atEnd ? 'At the end of the run' : 'By this moment';
  const exclusive = gone.filter((queue) => queue.exclusive);
  const autoDelete = gone.filter((queue) => !queue.exclusive && queue.autoDelete);
  const deleted = gone.filter((queue) => !queue.exclusive && !queue.autoDelete);
  const parts: string[] = [];
  if (exclusive.length > 0) {
    const owners = unique(exclusive.map((queue) => ownerOf(state, queue)).filter((owner) => owner !== undefined));
    const whose =
      owners.length > 0 ? `the exclusive queue${plural(exclusive)} of ${joinWords(owners)}` : `the exclusive queue${plural(exclusive)}`;
    parts.push(
      `${whose} (${names(exclusive)}) went with ${owners.length === 1 ? 'its' : 'their'} connection${owners.length === 1 ? '' : 's'}`,
    );
  }
  if (autoDelete.length > 0) {
    parts.push(
      `the auto-delete queue${plural(autoDelete)} ${names(autoDelete)} went with ${autoDelete.length === 1 ? 'its' : 'their'} last consumer`,
    );
  }
  if (deleted.length > 0) parts.push(`${names(deleted)} ${deleted.length === 1 ? 'was' : 'were'} deleted`);
  const sentence = `${when} ${joinWords(parts)}${tail === '' ? '' : `; ${tail}`}.`;
  return noneLeft ? `${sentence} Move the timeline back to see ${gone.length === 1 ? 'it' : 'them'}.` : sentence;
}

/** What list_queues leaves out about direct reply-to, and where the replies went. */
function directReplyToSentence(state: RunState, replyTo: QueueState): string {
  const askers = unique(
    [...state.connections.values()]
      .filter((connection) =>
        [...connection.channels.values()].some((channel) =>
          [...channel.consumers.values()].some((consumer) => consumer.queue === DIRECT_REPLY_TO),
        ),
      )
      .map((connection) => connection.actor),
  );
  const who = askers.length > 0 ? joinWords(askers) : 'the program that asked';
  const replies = `${replyTo.delivered} repl${replyTo.delivered === 1 ? 'y' : 'ies'} so far`;
  return `${DIRECT_REPLY_TO} is not listed: direct reply-to is not a queue. The broker hands each reply straight to ${who}, which consumes from it (${replies}).`;
}

function ownerOf(state: RunState, queue: QueueState): string | undefined {
  return queue.owner === undefined ? undefined : state.connections.get(queue.owner)?.actor;
}

function names(queues: QueueState[]): string {
  return joinWords(queues.map((queue) => queue.name));
}

function plural(items: unknown[]): string {
  return items.length === 1 ? '' : 's';
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** "a", "a and b", "a, b and c". */
function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}
