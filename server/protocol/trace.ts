/**
 * What a run reports, event by event: the frames the tap saw, what the broker
 * decided, what the actors said, and snapshots of broker state. Shared by the
 * server and the browser; types only.
 */
import type { FieldsOf, MethodName, Simplify } from '../amqp/spec.js';

/** Which way a frame went through the tap. */
export type FrameDirection = 'to-broker' | 'to-client';

/** A plain-JSON rendering of an AMQP field value (Buffers as {base64}, bigints as strings). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A field table as the trace shows it. */
export type JsonTable = Record<string, JsonValue>;

/**
 * A long string argument as the trace shows it: its bytes as base64, or a
 * few words instead where the value is a secret ("(hidden)").
 */
export type JsonLongString = { base64: string } | string;

/** How each wire type of a method argument reads in the trace. */
interface TraceFieldTypes {
  bit: boolean;
  octet: number;
  short: number;
  long: number;
  longlong: number;
  timestamp: number;
  shortstr: string;
  longstr: JsonLongString;
  table: JsonTable;
}

/** Each method's arguments as the trace shows them, typed from the codec's method table: FrameFields['basic.ack'] is { deliveryTag: number; multiple: boolean }. */
export type FrameFields = {
  [N in MethodName]: Simplify<{ [F in FieldsOf<N> as F['name']]: TraceFieldTypes[F['type']] }>;
};

/** What every frame event carries, whatever the frame. */
interface FrameBase {
  kind: 'frame';
  /** Position in the run's trace, from 1. */
  seq: number;
  /** Milliseconds since the run started. */
  time: number;
  /** The actor whose connection carried the frame ("producer", "worker 1"; "connection 3" until it names itself). */
  actor: string;
  /** The tap's number for the connection that carried it: unique within the run, while names may repeat. */
  connection: number;
  direction: FrameDirection;
  channel: number;
  /** For methods that carry a message (publish, deliver, get-ok, return). */
  message?: MessageView;
}

/** One AMQP method frame decoded by the tap; switch on `method` for its typed fields. */
export type MethodFrameEvent = {
  [N in MethodName]: FrameBase & { method: N; fields: FrameFields[N] };
}[MethodName];

/** What the tap reports besides method frames: the protocol header, heartbeats, and what happened to the connection. */
export type WireFrameEvent =
  | (FrameBase & { method: 'protocol-header'; fields: { protocol: string; version: string } })
  | (FrameBase & { method: 'heartbeat'; fields: Record<string, never> })
  /** Bytes that are not a frame the codec can read; the broker closes the connection over them. */
  | (FrameBase & { method: 'undecodable'; fields: { reason?: string } })
  /** The tap could not reach the broker for this connection. */
  | (FrameBase & { method: 'broker-unreachable'; fields: { host: string; port: number; reason: string; code?: string } })
  /** The connection ended without the close handshake. */
  | (FrameBase & { method: 'connection-lost'; fields: { closedBy: 'client' | 'broker'; reason?: string } });

/** One frame (or wire happening) the tap saw. */
export type FrameEvent = MethodFrameEvent | WireFrameEvent;

/** Every name a frame event's `method` may have. */
export type FrameMethod = FrameEvent['method'];

/** The frame event of one method, e.g. FrameOf<'basic.deliver'>. */
export type FrameOf<M extends FrameMethod> = Extract<FrameEvent, { method: M }>;

/** A message as a learner sees it in the trace. */
export interface MessageView {
  /** The 14 basic properties that were set, by amqplib name (deliveryMode, correlationId, ...). */
  properties: Record<string, JsonValue>;
  bodySize: number;
  /** The first bytes of the body as text (UTF-8, with a marker when cut). */
  bodyPreview: string;
}

/** What the embedded broker decided; RabbitMQ runs get the same events computed from the observed topology. */
export interface BrokerDecisionEvent {
  kind: 'broker';
  seq: number;
  time: number;
  decision: 'routed' | 'unroutable' | 'dropped' | 'requeued' | 'dead-lettered' | 'expired';
  /** The exchange the message was published to ('' is the default exchange). */
  exchange: string;
  routingKey: string;
  /** The bindings that matched, as "exchange -> queue (key)". */
  matchedBindings: string[];
  /** The queues that got a copy. */
  queues: string[];
  /** Why, in a learner's words, for dropped/requeued/dead-lettered/expired. */
  reason?: string;
  /** Where a dead-lettered message went. */
  to?: string;
  /** The queue a dead-lettered message left. */
  from?: string;
  /**
   * The broker's own word for why (rejected, expired, maxlen, delivery_limit,
   * reject-publish, nack, reject, recover, channel-closed), for requeued,
   * dropped and dead-lettered messages.
   */
  cause?: string;
}

/** A line an actor printed, like the tutorials' " [x] Received 'Hello World!'". */
export interface ActorLogEvent {
  kind: 'log';
  seq: number;
  time: number;
  actor: string;
  text: string;
  /**
   * Deliveries the program had in hand and lost, unfinished (it stopped
   * halfway): with automatic acknowledgement the broker had already
   * forgotten them, so they are gone.
   */
  lost?: LostDelivery[];
  /** The program printed it on its standard error (a traceback, say). */
  stream?: 'stderr';
  /** Set when the line tells what happened to the program's process rather than what it printed. */
  process?: ActorProcessNote;
}

/** A no-ack delivery a program lost: where it came, by channel and delivery tag. */
export interface LostDelivery {
  channel: number;
  deliveryTag: number;
}

/** What happened to an actor's process: an action taken on it (by you, or planned by the lesson), or its end. */
export type ActorProcessNote =
  | { what: 'kill' | 'stop' | 'start'; by: 'you' | 'plan' }
  /** action 'restart': it was running when the broker restarted, and ended then (its connection closed under it). */
  | { what: 'ended'; code: number | null; signal: string | null; action?: 'kill' | 'stop' | 'restart'; by?: 'you' | 'plan' };

/** One queue as `rabbitmqctl list_queues name messages_ready messages_unacknowledged consumers` shows it. */
export interface QueueState {
  name: string;
  messagesReady: number;
  messagesUnacknowledged: number;
  consumers: number;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
}

/** One exchange as `rabbitmqctl list_exchanges name type` shows it. */
export interface ExchangeState {
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
}

/** One binding as `rabbitmqctl list_bindings` shows it. */
export interface BindingState {
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: Record<string, JsonValue>;
}

/** A moment of a run the lesson's prose refers to by name ("while worker 1 is stopped"). */
export interface NamedMoment {
  /** Unique within the cell, e.g. 'worker-stopped'; prose links to it as #moment:seven-tasks/worker-stopped. */
  id: string;
  /** How the timeline and the prose call it. */
  title: string;
}

/** Broker state at one moment of a run. */
export interface BrokerStateEvent {
  kind: 'state';
  seq: number;
  time: number;
  /** The moment of the lesson this snapshot marks, when it marks one. */
  moment?: NamedMoment;
  queues: QueueState[];
  exchanges: ExchangeState[];
  bindings: BindingState[];
}

/**
 * The broker restarted during the run (rabbitmqctl stop_app and start_app, or
 * the embedded broker in place): it closed every connection, then came back
 * with what a broker keeps across a restart, durable queues and exchanges
 * and the persistent messages in durable queues.
 */
export interface BrokerRestartEvent {
  kind: 'restart';
  seq: number;
  time: number;
  /** stopping: it is going down and closing its connections; started: it is back. */
  phase: 'stopping' | 'started';
  /** You pressed "Restart the broker", or the lesson planned it. */
  by: 'you' | 'plan';
}

/** Events the trace dropped because a viewer could not keep up: never lost silently. */
export interface TraceGapEvent {
  kind: 'gap';
  seq: number;
  time: number;
  /** How many events were summarised away. */
  dropped: number;
  /** Their counts by method or decision, e.g. { 'basic.deliver': 1200 }. */
  counts: Record<string, number>;
}

/** Every event a run's trace carries. */
export type TraceEvent = FrameEvent | BrokerDecisionEvent | ActorLogEvent | BrokerStateEvent | BrokerRestartEvent | TraceGapEvent;

/** The totals at the end of a run (also printed by `npm run scenario -- --json`). */
export interface RunSummary {
  published: number;
  /** Copies routed, per queue. */
  routed: Record<string, number>;
  /** Deliveries (basic.deliver and basic.get-ok), per actor. */
  delivered: Record<string, number>;
  acked: number;
  nacked: number;
  requeued: number;
  returned: number;
  dropped: number;
  deadLettered: number;
  /** Delivered with automatic acknowledgement to a program that stopped before it was done with them: gone. */
  lost: number;
  /** Every queue's final ready, unacked and consumer counts. */
  queues: QueueState[];
}
