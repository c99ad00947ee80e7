/**
 * What a run's topology looks like to the views: who publishes, who
 * consumes, the exchanges, queues, bindings and consumers, each with what
 * went through it so far. Plain data, read by the topology view and the
 * broker panel.
 */
import type { JsonValue } from '../../../server/protocol/index.js';

/** A program of the run (one connection), by the role it plays. */
export interface ActorInfo {
  name: string;
  /** Sent at least one basic.publish. */
  publishes: boolean;
  /** Started a consumer or asked with basic.get. */
  consumes: boolean;
  published: number;
  /** Deliveries it received (basic.deliver and basic.get-ok). */
  delivered: number;
  /** Deliveries it acknowledged. */
  acked: number;
  /** The prefetch count it set with basic.qos, if it set one. */
  prefetch: number | undefined;
  /** 'closed' once it closed its connection; 'lost' when the connection broke. */
  connection: 'open' | 'closed' | 'lost';
  /** Deliveries it held unacknowledged and gave back (nack, reject or closing with them): the broker requeues those. */
  gaveBack: number;
  /** Deliveries it holds unacknowledged now. */
  holding: number;
  /** Deliveries it lost: received with automatic acknowledgement, and it stopped before it was done with them. */
  lost: number;
  /** What the last few it lost were (their bodies), newest last. */
  recentLost: string[];
  /** The broker closed its connection, or one of its channels, with an error. */
  error: ActorError | undefined;
}

/** A channel or connection error, as the broker said it. */
export interface ActorError {
  /** Where: 'connection', or 'channel 1'. */
  where: string;
  /** The reply code and its name, e.g. 406 PRECONDITION_FAILED. */
  code: number;
  /** The broker's text. */
  text: string;
  /** The method the broker refused, e.g. 'basic.publish', when it said. */
  method: string | undefined;
}

/** An exchange the run declared, published to, bound or named as a dead-letter exchange. */
export interface ExchangeInfo {
  /** '' is the default exchange. */
  name: string;
  /** direct, fanout, topic, headers; '' while only its name is known. */
  type: string;
  /** The run used it, so the topology draws it (the broker's amq.* exchanges are not drawn until used). */
  used: boolean;
  /** In the broker now, as far as the trace tells. */
  exists: boolean;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  /** Messages that came in: published to it, or forwarded to it by another exchange or dead-lettering. */
  received: number;
  /** Messages no binding matched. */
  unroutable: number;
  /** The routing keys of the last few unroutable messages, newest last. */
  recentUnroutable: string[];
}

/** A queue, with its counts as `rabbitmqctl list_queues` would show them now. */
export interface QueueInfo {
  name: string;
  exists: boolean;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  /** amq.rabbitmq.reply-to: not a queue; replies go straight to the consumer that asked. */
  pseudo: boolean;
  /** Messages waiting to be delivered. */
  ready: number;
  /** Messages delivered and not yet acknowledged. */
  unacked: number;
  consumers: number;
  /** Copies routed to it (by its bindings or by dead-lettering). */
  received: number;
  requeued: number;
  deadLettered: number;
  expired: number;
  dropped: number;
  /** Delivered with automatic acknowledgement to a program that stopped before it was done with them. */
  lost: number;
  /** x-dead-letter-exchange, when the queue has one. */
  deadLetterExchange: string | undefined;
  /** What the last few messages routed to it were called (routing key or body), newest last. */
  recent: string[];
}

/** A binding: exchange to queue, or exchange to exchange. */
export interface BindingInfo {
  source: string;
  destination: string;
  destinationType: 'queue' | 'exchange';
  routingKey: string;
  arguments: Record<string, JsonValue>;
  /** The default exchange's binding every queue has: drawn only once a message used it. */
  implicit: boolean;
  exists: boolean;
  /** Messages this binding matched. */
  matched: number;
}

/** A consumer one actor started on one queue. */
export interface ConsumerInfo {
  tag: string;
  actor: string;
  channel: number;
  queue: string;
  /** Started with noAck: the broker forgets each message as it sends it. */
  noAck: boolean;
  active: boolean;
  delivered: number;
}

/** An actor publishing to an exchange. */
export interface PublishInfo {
  actor: string;
  exchange: string;
  published: number;
  /** Messages the broker returned to it (mandatory and unroutable). */
  returned: number;
}

/** The run's totals so far, named as RunSummary names them. */
export interface RunCounters {
  published: number;
  delivered: number;
  acked: number;
  nacked: number;
  requeued: number;
  returned: number;
  /** Unroutable messages and messages a queue dropped. */
  dropped: number;
  deadLettered: number;
  /** Publishes the broker confirmed (publisher confirms). */
  confirmed: number;
  /** Messages lost in a program that stopped before it was done with them (automatic acknowledgement). */
  lost: number;
}

/** The whole picture at one moment. */
export interface Topology {
  actors: ActorInfo[];
  exchanges: ExchangeInfo[];
  queues: QueueInfo[];
  bindings: BindingInfo[];
  consumers: ConsumerInfo[];
  publishes: PublishInfo[];
}

/** How many routing keys of unroutable messages an exchange remembers. */
export const RECENT_UNROUTABLE = 3;

/** How many names of the latest arrivals a queue remembers. */
export const RECENT_ARRIVALS = 5;

/** A counter set with every count at zero. */
export function zeroCounters(): RunCounters {
  return { published: 0, delivered: 0, acked: 0, nacked: 0, requeued: 0, returned: 0, dropped: 0, deadLettered: 0, confirmed: 0, lost: 0 };
}
