/**
 * What a run reports, event by event: the frames the tap saw, what the broker
 * decided, what the actors said, and snapshots of broker state. Shared by the
 * server and the browser; types only.
 */

/** Which way a frame went through the tap. */
export type FrameDirection = 'to-broker' | 'to-client';

/** A plain-JSON rendering of an AMQP field value (Buffers as {base64}, bigints as strings). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One AMQP frame decoded by the tap. */
export interface FrameEvent {
  kind: 'frame';
  /** Position in the run's trace, from 1. */
  seq: number;
  /** Milliseconds since the run started. */
  time: number;
  /** The actor whose connection carried the frame ("producer", "worker 1"). */
  actor: string;
  direction: FrameDirection;
  channel: number;
  /** 'basic.publish', 'queue.declare-ok', ... or 'heartbeat' / 'protocol-header'. */
  method: string;
  /** The method's arguments by name (routingKey, deliveryTag, ...). */
  fields: Record<string, JsonValue>;
  /** For methods that carry a message (publish, deliver, get-ok, return). */
  message?: MessageView;
}

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
}

/** A line an actor printed, like the tutorials' " [x] Received 'Hello World!'". */
export interface ActorLogEvent {
  kind: 'log';
  seq: number;
  time: number;
  actor: string;
  text: string;
}

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

/** Broker state at one moment of a run. */
export interface BrokerStateEvent {
  kind: 'state';
  seq: number;
  time: number;
  queues: QueueState[];
  exchanges: ExchangeState[];
  bindings: BindingState[];
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
export type TraceEvent = FrameEvent | BrokerDecisionEvent | ActorLogEvent | BrokerStateEvent | TraceGapEvent;

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
  /** Every queue's final ready, unacked and consumer counts. */
  queues: QueueState[];
}
