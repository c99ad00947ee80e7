/**
 * The exchanges, queues and bindings of one virtual host as the tap has
 * seen them declared, and where a publish goes according to them. This is
 * how runs against RabbitMQ get the same routing decisions in their trace
 * as the embedded broker reports: the matching itself is the embedded
 * broker's exchange code, fed with the observed bindings.
 *
 * The model only knows what passed through the tap. Publishing to an
 * exchange it has not seen declared gives no decision (the broker's answer,
 * a channel.close, is in the trace anyway); a queue it has not seen is
 * taken not to exist.
 */
import type { FieldTable } from '../amqp/index.js';
import { RouteCollector } from '../broker/exchanges/binding.js';
import type { Binding, BindingDestination, RoutingInput } from '../broker/exchanges/binding.js';
import { PREDECLARED_EXCHANGES, createExchange, isExchangeType } from '../broker/exchanges/index.js';
import { Exchange } from '../broker/exchanges/exchange.js';
import { describeBinding } from '../trace/bindings.js';
import { toJson } from './render.js';

/** A queue as the model knows it. */
class ObservedQueue implements BindingDestination {
  readonly kind = 'queue' as const;
  routeMark = 0;
  consumers = 0;

  constructor(
    readonly name: string,
    /** The connection an exclusive queue belongs to; it goes when that connection closes. */
    readonly exclusiveOwner: number | undefined,
    /** Deleted when its last consumer goes. */
    readonly autoDelete: boolean,
  ) {}
}

/** Where one publish went. */
export interface RouteResult {
  /** The queues that got a copy, in the order they were reached. */
  queues: string[];
  /** The bindings that matched, as the trace shows them. */
  matchedBindings: string[];
}

/** The name RabbitMQ gives the pseudo-queue behind direct reply-to. */
const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** Exchanges, queues and bindings of one virtual host, kept up to date from observed frames. */
export class ObservedTopology {
  private readonly exchanges = new Map<string, Exchange>();
  /** Exchanges known to exist whose routing the model cannot follow (types it does not implement). */
  private readonly opaqueExchanges = new Set<string>();
  private readonly queues = new Map<string, ObservedQueue>();

  constructor() {
    for (const { name, type, internal } of PREDECLARED_EXCHANGES) {
      // The default exchange has no binding objects; route() handles it by queue name.
      if (name === '') continue;
      this.exchanges.set(name, createExchange(name, type, { durable: true, autoDelete: false, internal, arguments: {} }));
    }
  }

  /** exchange.declare-ok: a new exchange exists (a redeclaration changes nothing). */
  declareExchange(
    name: string,
    type: string,
    properties: { durable: boolean; autoDelete: boolean; internal: boolean; arguments: FieldTable },
  ): void {
    if (this.exchanges.has(name) || this.opaqueExchanges.has(name)) return;
    if (isExchangeType(type)) this.exchanges.set(name, createExchange(name, type, properties));
    else this.opaqueExchanges.add(name);
  }

  /** A passive exchange.declare-ok: the exchange exists, whatever its type. */
  exchangeExists(name: string): void {
    if (!this.exchanges.has(name)) this.opaqueExchanges.add(name);
  }

  /** exchange.delete-ok: the exchange and every binding from or to it are gone. */
  deleteExchange(name: string): void {
    this.opaqueExchanges.delete(name);
    const exchange = this.exchanges.get(name);
    if (exchange === undefined) return;
    this.exchanges.delete(name);
    for (const other of this.exchanges.values()) this.removeBindingsTo(other, exchange);
  }

  /** queue.declare-ok: the queue exists under this name (the broker's, for server-named queues). */
  declareQueue(name: string, options: { exclusiveOwner: number | undefined; autoDelete: boolean }): void {
    if (!this.queues.has(name)) this.queues.set(name, new ObservedQueue(name, options.exclusiveOwner, options.autoDelete));
  }

  /** queue.delete-ok, or an exclusive or auto-delete queue going away: it and its bindings are gone. */
  deleteQueue(name: string): void {
    const queue = this.queues.get(name);
    if (queue === undefined) return;
    this.queues.delete(name);
    for (const exchange of [...this.exchanges.values()]) this.removeBindingsTo(exchange, queue);
  }

  /** queue.bind-ok / exchange.bind-ok. */
  bind(source: string, destination: string, kind: 'queue' | 'exchange', routingKey: string, args: FieldTable): void {
    const exchange = this.exchanges.get(source);
    const target = kind === 'queue' ? this.queues.get(destination) : this.exchanges.get(destination);
    if (exchange === undefined || target === undefined) return;
    exchange.addBinding({ source, destination: target, routingKey, arguments: args, argumentsKey: argumentsKey(args) });
  }

  /** queue.unbind-ok / exchange.unbind-ok. */
  unbind(source: string, destination: string, kind: 'queue' | 'exchange', routingKey: string, args: FieldTable): void {
    const exchange = this.exchanges.get(source);
    const target = kind === 'queue' ? this.queues.get(destination) : this.exchanges.get(destination);
    if (exchange === undefined || target === undefined) return;
    if (exchange.removeBinding(target, routingKey, argumentsKey(args))) this.autoDeleteIfUnused(exchange);
  }

  /** A consumer started on a queue (basic.consume-ok). */
  consumerAdded(queue: string): void {
    const found = this.queues.get(queue);
    if (found) found.consumers += 1;
  }

  /** A consumer went away; an auto-delete queue goes with its last consumer. */
  consumerRemoved(queue: string): void {
    const found = this.queues.get(queue);
    if (found === undefined) return;
    found.consumers = Math.max(0, found.consumers - 1);
    if (found.autoDelete && found.consumers === 0) this.deleteQueue(queue);
  }

  /** A connection closed: the exclusive queues it declared go with it. */
  connectionClosed(connectionId: number): void {
    for (const queue of [...this.queues.values()]) {
      if (queue.exclusiveOwner === connectionId) this.deleteQueue(queue.name);
    }
  }

  /**
   * Where a message published to `exchange` with `routingKey` goes. Follows
   * exchange-to-exchange bindings and alternate exchanges. Undefined when
   * the model cannot tell (an exchange it has not seen, or cannot route).
   */
  route(exchangeName: string, routingKey: string, headers: FieldTable | undefined): RouteResult | undefined {
    if (exchangeName === '') return this.routeByQueueName(routingKey);
    const input: RoutingInput = { routingKey, headers: () => headers };
    const matched: string[] = [];
    const tried = new Set<string>();
    let name: string | undefined = exchangeName;
    // An exchange that routes nowhere hands the message to its alternate exchange, if it has one.
    while (name !== undefined && !tried.has(name)) {
      tried.add(name);
      const exchange = this.exchanges.get(name);
      if (exchange === undefined) return undefined;
      const collector = new RouteCollector();
      collector.reset(true);
      exchange.route(input, collector);
      // Exchange-to-exchange bindings: route again through every exchange reached, once each.
      // The loop also visits the destinations it adds.
      for (const destination of collector.destinations) {
        if (destination instanceof Exchange) destination.route(input, collector);
      }
      for (const binding of collector.matchedBindings ?? []) matched.push(this.describe(binding));
      const queues = collector.destinations.filter((d) => d.kind === 'queue').map((d) => d.name);
      if (queues.length > 0) return { queues, matchedBindings: matched };
      const alternate = textValue(exchange.properties.arguments['alternate-exchange']);
      if (alternate !== undefined) matched.push(`${name} -> ${alternate} (alternate exchange)`);
      name = alternate;
    }
    return { queues: [], matchedBindings: matched };
  }

  /** The default exchange: every queue is bound to it under its own name. */
  private routeByQueueName(routingKey: string): RouteResult {
    const queue = routingKey.startsWith(DIRECT_REPLY_TO) ? DIRECT_REPLY_TO : this.queues.get(routingKey)?.name;
    if (queue === undefined) return { queues: [], matchedBindings: [] };
    return { queues: [queue], matchedBindings: [describeBinding({ source: '', destination: queue, routingKey })] };
  }

  private describe(binding: Binding): string {
    const isHeaders = this.exchanges.get(binding.source)?.type === 'headers';
    return describeBinding({
      source: binding.source,
      destination: binding.destination.name,
      routingKey: binding.routingKey,
      ...(isHeaders ? { arguments: toJson(binding.arguments) as Record<string, unknown> } : {}),
    });
  }

  private removeBindingsTo(exchange: Exchange, destination: BindingDestination): void {
    if (exchange.removeBindingsTo(destination).length > 0) this.autoDeleteIfUnused(exchange);
  }

  /** An auto-delete exchange goes when its last binding does. */
  private autoDeleteIfUnused(exchange: Exchange): void {
    if (exchange.properties.autoDelete && exchange.bindings.length === 0) this.deleteExchange(exchange.name);
  }
}

/** A stable text form of binding arguments: the same arguments in any key order give the same key. */
function argumentsKey(args: FieldTable): string {
  const json = toJson(args);
  return JSON.stringify(json, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

function textValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value !== null && typeof value === 'object' && 'value' in value) return textValue(value.value);
  return undefined;
}
