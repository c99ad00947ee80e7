/**
 * The state of a run at one moment, as the run model folds it from the
 * trace: connections with their channels and consumers, the exchanges,
 * queues and bindings of the run's virtual host, where every message is
 * (ready in a queue, unacknowledged on a channel, in a program's hands),
 * and the run's totals. Plain data with no Node or DOM types, shared by the
 * server and the browser; `cloneState` copies it for the timeline's
 * checkpoints.
 */
import type { BrokerStateEvent, JsonTable, MethodFrameEvent } from '../protocol/trace.js';
import type { ReadyMessages } from './ready-messages.js';

export type { QueuedCopy } from './ready-messages.js';

/** A connection error or a channel error, as the broker said it. */
export interface ClosedWithError {
  /** The AMQP reply code: 403 ACCESS_REFUSED, 404 NOT_FOUND, 406 PRECONDITION_FAILED, ... */
  code: number;
  text: string;
  /** The method the broker refused, e.g. 'basic.publish', when it said. */
  method: string | undefined;
  /** Where in the trace it happened. */
  seq: number;
}

/** How many bodies of the messages it lost a connection remembers. */
export const RECENT_LOST = 5;

/** One consumer (basic.consume) on a channel. */
export interface ConsumerState {
  tag: string;
  queue: string;
  /** Started with noAck: the broker forgets each message as it sends it. */
  noAck: boolean;
  exclusive: boolean;
  arguments: JsonTable;
  active: boolean;
  /** Messages delivered to it. */
  delivered: number;
}

/** A delivery the client holds and has not settled (ack, nack or reject). */
export interface HeldDelivery {
  /** The message (an id in the model's message list). */
  message: number;
  /** Its body's first bytes as text: how a delivery is told apart from the others in its queue. */
  body: string;
  /** The queue it came from, and its place there (messages requeue to where they were). */
  queue: string;
  order: number;
  /** Published persistent: back in a durable queue, it survives a broker restart. */
  persistent: boolean;
}

/** One channel of a connection. */
export interface ChannelState {
  number: number;
  /** 'closing' between a channel.close and its close-ok. */
  state: 'open' | 'closing' | 'closed';
  /** basic.qos prefetch count (0: no limit). */
  prefetch: number;
  /** confirm.select was accepted: the broker confirms every publish. */
  confirming: boolean;
  /** The publish sequence number the next publish gets (publisher confirms). */
  nextPublishTag: number;
  /** Publishes not yet confirmed, by publish sequence number -> message id. */
  unconfirmed: Map<number, number>;
  /** Requests sent and waiting for the broker's reply (the client sends one at a time per channel, mostly). */
  pending: MethodFrameEvent[];
  consumers: Map<string, ConsumerState>;
  /** Deliveries not yet settled, by delivery tag, in the order they came. */
  unacked: Map<number, HeldDelivery>;
  /** No-ack deliveries the program has in hand: the broker has forgotten them. By delivery tag. */
  inHand: Map<number, HeldDelivery>;
  /** The broker closed the channel with an error. */
  error: ClosedWithError | undefined;
}

/** One client connection through the tap. */
export interface ConnectionState {
  /** The tap's number for it; unique within the run. */
  id: number;
  /** The actor it belongs to, by its connection name ("worker 1"). */
  actor: string;
  /** 'opening' until connection.open-ok; 'closing' between connection.close and its close-ok. */
  state: 'opening' | 'open' | 'closing' | 'closed' | 'lost' | 'unreachable';
  vhost: string;
  user: string;
  /** The client library, as it described itself ("amqplib 2.3.1", "pika 1.2.0"). */
  client: string;
  /** The broker blocked it (resource alarm): it may not publish until unblocked. */
  blocked: boolean;
  channels: Map<number, ChannelState>;
  error: ClosedWithError | undefined;
  /** It started a consumer or asked with basic.get. */
  consumes: boolean;
  /** The prefetch count it set last with basic.qos, if it set one. */
  prefetch: number | undefined;
  /** Messages it published, delivered to it, acked by it, and given back by it (nack, reject, or closing with them). */
  published: number;
  delivered: number;
  acked: number;
  gaveBack: number;
  /** No-ack deliveries it lost: it stopped before it was done with them, and the broker had already forgotten them. */
  lost: number;
  /** The bodies of the last few it lost, newest last. */
  recentLost: string[];
  /** What it published to each exchange, and how many of those came back to it (basic.return). */
  publishedTo: Map<string, { published: number; returned: number }>;
  /** Where in the trace it opened and ended (seq). */
  openedAt: number;
  endedAt: number | undefined;
}

/** An exchange of the run's virtual host. */
export interface ExchangeState {
  /** '' is the default exchange. */
  name: string;
  /** direct, fanout, topic, headers, or a plugin's type. */
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: JsonTable;
  /** Declared by the broker itself (amq.direct, amq.topic, ...). */
  predeclared: boolean;
  /** In the broker at this moment, as far as the trace tells. */
  exists: boolean;
  /** Messages that came in: published to it, or passed on to it. */
  received: number;
  /** Messages that matched no binding. */
  unroutable: number;
  /** The routing keys of the last few unroutable messages, newest last. */
  recentUnroutable: string[];
}

/** A queue of the run's virtual host. */
export interface QueueState {
  name: string;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: JsonTable;
  /** The connection that owns an exclusive queue: it goes when that connection ends. */
  owner: number | undefined;
  /** amq.rabbitmq.reply-to: not a queue at all; a reply goes straight to the consumer that asked. */
  pseudo: boolean;
  exists: boolean;
  /** The messages ready to deliver, in queue order. */
  ready: ReadyMessages;
  /** Delivered and not yet settled. */
  unacked: number;
  consumers: number;
  /** Had a consumer once (an auto-delete queue goes when its last consumer does, never before its first). */
  hadConsumer: boolean;
  /** Copies routed to it (by bindings or by dead-lettering). */
  received: number;
  delivered: number;
  acked: number;
  requeued: number;
  deadLettered: number;
  expired: number;
  dropped: number;
  /** No-ack deliveries lost in a program that stopped before it was done with them. */
  lost: number;
  /** What the last few messages to arrive were called, newest last. */
  recent: string[];
  /** The next order number for a message joining it. */
  nextOrder: number;
}

/** A binding: exchange to queue, or exchange to exchange. */
export interface BindingState {
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: JsonTable;
  /** The default exchange's binding every queue has implicitly. */
  implicit: boolean;
  exists: boolean;
  /** Messages it matched. */
  matched: number;
}

/** The run's totals so far (RunSummary's names, plus confirms, expiries and losses). */
export interface RunCounts {
  published: number;
  /** Copies routed, per queue. */
  routed: Map<string, number>;
  /** Deliveries (basic.deliver and basic.get-ok), per actor. */
  delivered: Map<string, number>;
  /** Deliveries a viewer was too slow to see, counted by a gap: to whom is not known. */
  unseenDeliveries: number;
  acked: number;
  nacked: number;
  requeued: number;
  returned: number;
  /** Messages no binding matched, and messages a queue dropped. */
  dropped: number;
  deadLettered: number;
  expired: number;
  /** Publishes the broker confirmed. */
  confirmed: number;
  /** Publishes the broker refused to confirm (basic.nack from the broker). */
  refused: number;
  /** Messages lost in a program: delivered with automatic acknowledgement to a program that stopped before it was done. */
  lost: number;
}

/** A published message waiting for the broker's routing decision. */
export interface AwaitingDecision {
  message: number;
  body: string;
  /** What to call it on screen. */
  label: string;
  exchange: string;
  routingKey: string;
  mandatory: boolean;
  /** Published with delivery mode 2. */
  persistent: boolean;
}

/** The state of a run at one moment. */
export interface RunState {
  /** The seq and time of the last event folded in. */
  seq: number;
  time: number;
  connections: Map<number, ConnectionState>;
  exchanges: Map<string, ExchangeState>;
  queues: Map<string, QueueState>;
  /** By bindingKey(). */
  bindings: Map<string, BindingState>;
  counts: RunCounts;
  /** The id the next message gets. */
  nextMessage: number;
  /** Publishes waiting for their routing decision, oldest first. */
  awaitingDecision: AwaitingDecision[];
  /** Unroutable mandatory publishes the broker will return, oldest first. */
  awaitingReturn: AwaitingDecision[];
  /** Messages that just left a queue (expired, over its limit) and may be dead-lettered next, by queue. */
  leaving: Map<string, number[]>;
  /** The newest snapshot of the broker's own counts, when the run took one. */
  snapshot: BrokerStateEvent | undefined;
  /** Events a viewer was too slow for and that were summarised away: the state cannot follow them. */
  missedEvents: number;
  /** How many times the broker has come back from a restart during the run. */
  restarts: number;
  /** The broker is restarting: the connections it closes now (320 CONNECTION_FORCED) are no error of theirs. */
  restarting: boolean;
}

/** The exchanges every virtual host has from the start, as RabbitMQ declares them. */
export const PREDECLARED: readonly { name: string; type: 'direct' | 'fanout' | 'topic' | 'headers'; internal: boolean }[] = [
  { name: '', type: 'direct', internal: false },
  { name: 'amq.direct', type: 'direct', internal: false },
  { name: 'amq.fanout', type: 'fanout', internal: false },
  { name: 'amq.topic', type: 'topic', internal: false },
  { name: 'amq.headers', type: 'headers', internal: false },
  { name: 'amq.match', type: 'headers', internal: false },
  { name: 'amq.rabbitmq.trace', type: 'topic', internal: true },
];

/** A new run's state: no connections, the predeclared exchanges, nothing else. */
export function emptyState(): RunState {
  const exchanges = new Map<string, ExchangeState>();
  for (const { name, type, internal } of PREDECLARED) {
    exchanges.set(name, {
      name,
      type,
      durable: true,
      autoDelete: false,
      internal,
      arguments: {},
      predeclared: true,
      exists: true,
      received: 0,
      unroutable: 0,
      recentUnroutable: [],
    });
  }
  return {
    seq: 0,
    time: 0,
    connections: new Map(),
    exchanges,
    queues: new Map(),
    bindings: new Map(),
    counts: {
      published: 0,
      routed: new Map(),
      delivered: new Map(),
      unseenDeliveries: 0,
      acked: 0,
      nacked: 0,
      requeued: 0,
      returned: 0,
      dropped: 0,
      deadLettered: 0,
      expired: 0,
      confirmed: 0,
      refused: 0,
      lost: 0,
    },
    nextMessage: 1,
    awaitingDecision: [],
    awaitingReturn: [],
    leaving: new Map(),
    snapshot: undefined,
    missedEvents: 0,
    restarts: 0,
    restarting: false,
  };
}

/** The key a binding is kept under: the same binding declared twice is one binding, as on RabbitMQ. */
export function bindingKey(
  source: string,
  destination: string,
  destinationType: 'queue' | 'exchange',
  routingKey: string,
  args: JsonTable,
): string {
  return `${destinationType}\u0000${source}\u0000${destination}\u0000${routingKey}\u0000${stableJson(args)}`;
}

/** JSON with object keys sorted, so equal tables give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** A deep copy: folding more events into the copy leaves the original as it was. */
export function cloneState(state: RunState): RunState {
  const connections = new Map<number, ConnectionState>();
  for (const [id, connection] of state.connections) {
    const channels = new Map<number, ChannelState>();
    for (const [number, channel] of connection.channels) {
      const consumers = new Map<string, ConsumerState>();
      for (const [tag, consumer] of channel.consumers) consumers.set(tag, { ...consumer });
      channels.set(number, {
        ...channel,
        unconfirmed: new Map(channel.unconfirmed),
        pending: [...channel.pending],
        consumers,
        unacked: new Map(channel.unacked),
        inHand: new Map(channel.inHand),
      });
    }
    const publishedTo = new Map<string, { published: number; returned: number }>();
    for (const [exchange, counts] of connection.publishedTo) publishedTo.set(exchange, { ...counts });
    connections.set(id, { ...connection, channels, publishedTo, recentLost: [...connection.recentLost] });
  }
  const exchanges = new Map<string, ExchangeState>();
  for (const [name, exchange] of state.exchanges) exchanges.set(name, { ...exchange, recentUnroutable: [...exchange.recentUnroutable] });
  const queues = new Map<string, QueueState>();
  for (const [name, queue] of state.queues) queues.set(name, { ...queue, ready: queue.ready.copy(), recent: [...queue.recent] });
  const bindings = new Map<string, BindingState>();
  for (const [key, binding] of state.bindings) bindings.set(key, { ...binding });
  return {
    seq: state.seq,
    time: state.time,
    connections,
    exchanges,
    queues,
    bindings,
    counts: { ...state.counts, routed: new Map(state.counts.routed), delivered: new Map(state.counts.delivered) },
    nextMessage: state.nextMessage,
    awaitingDecision: [...state.awaitingDecision],
    awaitingReturn: [...state.awaitingReturn],
    leaving: new Map([...state.leaving].map(([queue, ids]) => [queue, [...ids]])),
    snapshot: state.snapshot,
    missedEvents: state.missedEvents,
    restarts: state.restarts,
    restarting: state.restarting,
  };
}
