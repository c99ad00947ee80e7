/**
 * A virtual host: its exchanges, queues and bindings, and the routing of
 * publishes through them. Every rule here follows RabbitMQ 3.x, including
 * its reply texts, so clients see the same errors on both brokers.
 */
import type { FieldTable } from '../amqp/index.js';
import { isDeadLetterCycle, makeDeadLetter } from './dead-lettering.js';
import { AmqpError, ReplyCode, accessRefused, notFound, preconditionFailed, resourceLocked } from './errors.js';
import type { BindingInfo, BrokerEventMap, BrokerEvents, DeadLetterReason } from './events.js';
import { type Binding, type BindingDestination, RouteCollector, type RoutingInput } from './exchanges/binding.js';
import { Exchange } from './exchanges/exchange.js';
import { createExchange, isExchangeType, PREDECLARED_EXCHANGES, type ExchangeProperties } from './exchanges/index.js';
import { fieldTypeName, fieldValuesEqual, formatFieldValue, tableKey } from './field-values.js';
import { PropertyFlag, type Message } from './message.js';
import { resourceName, UNCHECKED, type ResourceAccess } from './access/resource-access.js';
import { generatedQueueName } from './names.js';
import { assertEquivalentArguments, validateQueueArguments, requestedQueueType } from './queue-arguments.js';
import { Accepted, Queue, type QueueHost } from './queue.js';
import type { BrokerStore, StoredBinding } from './storage/store.js';

/** Where a direct reply-to response goes: the channel consuming from amq.rabbitmq.reply-to. */
export interface DirectReplyTarget {
  /** Delivers a reply straight to the waiting consumer. */
  deliverReply(message: Message): void;
}

/** Result bits of routing a publish. */
export const Routed = {
  /** At least one queue (or reply-to consumer) matched. */
  SOME: 1,
  /** A matched queue refused the message (overflow reject-publish): confirm with a nack. */
  REJECTED: 2,
  /** A queue wrote it to the data directory: its confirm waits until it is on disk. */
  KEPT: 4,
} as const;

/** The direct reply-to pseudo-queue a requester consumes from. */
export const REPLY_TO_QUEUE = 'amq.rabbitmq.reply-to';
/** Routing-key prefix of replies: amq.rabbitmq.reply-to.<token of the requester's channel>. */
export const REPLY_TO_PREFIX = 'amq.rabbitmq.reply-to.';

/** Exchange type names that are atoms in RabbitMQ's VM; it calls those 'invalid' rather than 'unknown'. */
const ERLANG_ATOM_TYPES = new Set([
  'foo',
  'bar',
  'test',
  'unknown',
  'invalid',
  'Direct',
  'queue',
  'stream',
  'undefined',
  'error',
  'ok',
  'true',
  'false',
  'none',
  'default',
  'classic',
  'quorum',
  'all',
  'any',
  'exchange',
  'binding',
]);

/** Snapshot of one queue for the workbook. */
export interface QueueSnapshot {
  name: string;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: FieldTable;
  messagesReady: number;
  messagesUnacknowledged: number;
  consumers: number;
}

/** Snapshot of one exchange for the workbook. */
export interface ExchangeSnapshot {
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

/** Everything a virtual host holds, as plain data. */
export interface BrokerSnapshot {
  vhost: string;
  queues: QueueSnapshot[];
  exchanges: ExchangeSnapshot[];
  bindings: BindingInfo[];
}

/** Routing input for one publish; the headers are decoded only if a headers exchange asks. */
class PublishInput implements RoutingInput {
  routingKey = '';
  private message: Message | undefined;
  private decoded = false;
  private cachedHeaders: FieldTable | undefined;

  reset(routingKey: string, message: Message): void {
    this.routingKey = routingKey;
    this.message = message;
    this.decoded = false;
    this.cachedHeaders = undefined;
  }

  headers(): FieldTable | undefined {
    if (!this.decoded) {
      this.decoded = true;
      const message = this.message;
      this.cachedHeaders = message?.hasProperty(PropertyFlag.headers) ? message.properties().headers : undefined;
    }
    return this.cachedHeaders;
  }
}

/** One virtual host. */
export class VirtualHost implements QueueHost {
  readonly exchanges = new Map<string, Exchange>();
  readonly queues = new Map<string, Queue>();
  /** Direct reply-to consumers by the token in their reply-to address. */
  readonly replyTargets = new Map<string, DirectReplyTarget>();
  private readonly collector = new RouteCollector();
  private readonly input = new PublishInput();
  private readonly defaultExchange: Exchange;
  /** The data directory durable things are written to; undefined in memory, and while the vhost is being read back. */
  store: BrokerStore | undefined;

  constructor(
    readonly name: string,
    readonly events: BrokerEvents,
  ) {
    for (const { name: exchangeName, type, internal } of PREDECLARED_EXCHANGES) {
      this.exchanges.set(exchangeName, createExchange(exchangeName, type, { durable: true, autoDelete: false, internal, arguments: {} }));
    }
    const defaultExchange = this.exchanges.get('');
    if (defaultExchange === undefined) throw new Error('the predeclared exchanges must include the default exchange');
    this.defaultExchange = defaultExchange;
  }

  // ------------------------------------------------------------ exchanges

  /** exchange.declare; returns the exchange (existing or new). */
  declareExchange(
    name: string,
    type: string,
    properties: ExchangeProperties,
    passive: boolean,
    access: ResourceAccess = UNCHECKED,
  ): Exchange {
    if (name === '') throw accessRefused('operation not permitted on the default exchange');
    const existing = this.exchanges.get(name);
    if (passive) {
      if (!existing) throw notFound('exchange', name, this.name);
      return existing;
    }
    if (!isExchangeType(type)) {
      throw new AmqpError(ReplyCode.COMMAND_INVALID, `${ERLANG_ATOM_TYPES.has(type) ? 'invalid' : 'unknown'} exchange type '${type}'`);
    }
    access.check('exchange', name, 'configure');
    if (existing) {
      this.assertEquivalentExchange(existing, type, properties);
      return existing;
    }
    if (name.startsWith('amq.')) throw accessRefused(`exchange name '${name}' contains reserved prefix 'amq.*'`);
    const alternateExchange = resourceName(properties.arguments['alternate-exchange']);
    if (alternateExchange !== undefined) {
      access.check('exchange', name, 'read');
      access.check('exchange', alternateExchange, 'write');
    }
    const exchange = createExchange(name, type, properties);
    this.exchanges.set(name, exchange);
    if (properties.durable) {
      this.store?.exchangeDeclared({
        vhost: this.name,
        name,
        type,
        autoDelete: properties.autoDelete,
        internal: properties.internal,
        arguments: properties.arguments,
      });
    }
    if (this.events.wants('exchange-declared')) this.events.emit('exchange-declared', { vhost: this.name, exchange: name, type });
    return exchange;
  }

  private assertEquivalentExchange(existing: Exchange, type: string, wanted: ExchangeProperties): void {
    const where = `exchange '${existing.name}' in vhost '${this.name}'`;
    const differ = (field: string, received: unknown, current: unknown) =>
      preconditionFailed(`inequivalent arg '${field}' for ${where}: received '${String(received)}' but current is '${String(current)}'`);
    if (existing.type !== type) throw differ('type', type, existing.type);
    if (existing.properties.durable !== wanted.durable) throw differ('durable', wanted.durable, existing.properties.durable);
    if (existing.properties.autoDelete !== wanted.autoDelete)
      throw differ('auto_delete', wanted.autoDelete, existing.properties.autoDelete);
    if (existing.properties.internal !== wanted.internal) throw differ('internal', wanted.internal, existing.properties.internal);
    const was = existing.properties.arguments['alternate-exchange'];
    const now = wanted.arguments['alternate-exchange'];
    if (was === undefined && now === undefined) return;
    const describe = (value: typeof was) =>
      value === undefined ? 'none' : `the value '${formatFieldValue(value)}' of type '${fieldTypeName(value)}'`;
    if (was === undefined || now === undefined) {
      throw preconditionFailed(
        `inequivalent arg 'alternate-exchange' for ${where}: received ${describe(now)} but current is ${describe(was)}`,
      );
    }
    if (!fieldValuesEqual(was, now)) {
      throw preconditionFailed(
        `inequivalent arg 'alternate-exchange' for ${where}: received '${formatFieldValue(now)}' but current is '${formatFieldValue(was)}'`,
      );
    }
  }

  /** exchange.delete; deleting one that does not exist is not an error. */
  deleteExchange(name: string, ifUnused: boolean, access: ResourceAccess = UNCHECKED): void {
    if (name === '') throw accessRefused('operation not permitted on the default exchange');
    if (name.startsWith('amq.')) throw accessRefused(`deletion of system exchange '${name}' in vhost '${this.name}' not allowed`);
    access.check('exchange', name, 'configure');
    const exchange = this.exchanges.get(name);
    if (!exchange) return;
    if (ifUnused && exchange.bindings.length > 0) throw preconditionFailed(`exchange '${name}' in vhost '${this.name}' in use`);
    this.removeExchange(exchange, 'deleted');
  }

  private removeExchange(exchange: Exchange, reason: 'deleted' | 'auto-delete' | 'vhost-deleted'): void {
    this.exchanges.delete(exchange.name);
    if (exchange.properties.durable && reason !== 'vhost-deleted') this.store?.exchangeDeleted(this.name, exchange.name);
    exchange.bindings.length = 0;
    for (const source of this.exchanges.values()) {
      if (source.removeBindingsTo(exchange).length > 0) this.maybeAutoDeleteExchange(source);
    }
    if (this.events.wants('exchange-deleted')) this.events.emit('exchange-deleted', { vhost: this.name, exchange: exchange.name, reason });
  }

  private maybeAutoDeleteExchange(exchange: Exchange): void {
    if (exchange.properties.autoDelete && exchange.bindings.length === 0 && this.exchanges.get(exchange.name) === exchange) {
      this.removeExchange(exchange, 'auto-delete');
    }
  }

  /** The exchange a publish or binding names; 404 if there is none. */
  exchange(name: string): Exchange {
    const exchange = this.exchanges.get(name);
    if (!exchange) throw notFound('exchange', name, this.name);
    return exchange;
  }

  // --------------------------------------------------------------- queues

  /**
   * queue.declare. `owner` is the declaring connection (it owns the queue
   * if exclusive). Returns the queue and whether it was created.
   */
  declareQueue(
    requestedName: string,
    options: { passive: boolean; durable: boolean; exclusive: boolean; autoDelete: boolean; arguments: FieldTable },
    owner: object,
    access: ResourceAccess = UNCHECKED,
  ): Queue {
    if (options.passive) {
      const queue = this.queues.get(requestedName);
      if (!queue) throw notFound('queue', requestedName, this.name);
      this.assertCanUse(queue, owner);
      queue.touch();
      return queue;
    }
    if (requestedName === '') {
      const type = requestedQueueType(options.arguments);
      if (type !== 'classic') {
        throw preconditionFailed(`Cannot declare a server-named queue for type rabbit_${type}_queue`);
      }
    } else if (requestedName.startsWith('amq.')) {
      throw accessRefused(`queue name '${requestedName}' contains reserved prefix 'amq.*'`);
    }
    const name = requestedName === '' ? generatedQueueName() : requestedName;
    access.check('queue', name, 'configure');
    const existing = this.queues.get(name);
    if (existing) {
      this.assertCanUse(existing, owner);
      if (existing.exclusive !== options.exclusive) throw resourceLocked(name, this.name);
      const where = `queue '${name}' in vhost '${this.name}'`;
      if (existing.declaration.durable !== options.durable) {
        throw preconditionFailed(
          `inequivalent arg 'durable' for ${where}: received '${options.durable}' but current is '${existing.declaration.durable}'`,
        );
      }
      if (existing.declaration.autoDelete !== options.autoDelete) {
        throw preconditionFailed(
          `inequivalent arg 'auto_delete' for ${where}: received '${options.autoDelete}' but current is '${existing.declaration.autoDelete}'`,
        );
      }
      assertEquivalentArguments(name, this.name, existing.declaration.arguments, options.arguments);
      existing.touch();
      return existing;
    }
    const deadLetterExchange = resourceName(options.arguments['x-dead-letter-exchange']);
    if (deadLetterExchange !== undefined) {
      access.check('queue', name, 'read');
      access.check('exchange', deadLetterExchange, 'write');
    }
    const settings = validateQueueArguments(name, this.name, options.arguments, options);
    const queue = new Queue(
      name,
      this,
      {
        durable: options.durable,
        autoDelete: options.autoDelete,
        exclusiveOwner: options.exclusive ? owner : undefined,
        arguments: options.arguments,
      },
      settings,
    );
    this.queues.set(name, queue);
    if (options.durable && !options.exclusive && this.store !== undefined) {
      queue.storeQueueId = this.store.queueDeclared({
        vhost: this.name,
        name,
        autoDelete: options.autoDelete,
        arguments: options.arguments,
      });
    }
    if (this.events.wants('queue-declared')) this.events.emit('queue-declared', { vhost: this.name, queue: name });
    return queue;
  }

  /** The named queue, usable by owner: 404 if missing, 405 if another connection holds it exclusively. */
  queue(name: string, owner: object): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw notFound('queue', name, this.name);
    this.assertCanUse(queue, owner);
    return queue;
  }

  /** 405 when an exclusive queue belongs to another connection. */
  assertCanUse(queue: Queue, owner: object): void {
    const exclusiveOwner = queue.declaration.exclusiveOwner;
    if (exclusiveOwner !== undefined && exclusiveOwner !== owner) throw resourceLocked(queue.name, this.name);
  }

  /** queue.delete; returns the number of ready messages deleted with it. */
  deleteQueue(queue: Queue, options: { ifUnused: boolean; ifEmpty: boolean }): number {
    const where = `queue '${queue.name}' in vhost '${this.name}'`;
    if (options.ifUnused && queue.consumers.length > 0) throw preconditionFailed(`${where} in use`);
    if (options.ifEmpty && queue.messageCount > 0) throw preconditionFailed(`${where} not empty`);
    return this.removeQueue(queue, 'deleted');
  }

  /** Called by a queue that expired (x-expires) or lost its last consumer (auto-delete). */
  deleteUnusedQueue(queue: Queue, reason: 'auto-delete' | 'expired'): void {
    this.removeQueue(queue, reason);
  }

  /** Deletes the exclusive queues a closing connection owns. */
  deleteExclusiveQueues(owner: object): void {
    for (const queue of [...this.queues.values()]) {
      if (queue.declaration.exclusiveOwner === owner) this.removeQueue(queue, 'exclusive-owner-closed');
    }
  }

  private removeQueue(queue: Queue, reason: 'deleted' | 'auto-delete' | 'exclusive-owner-closed' | 'expired' | 'vhost-deleted'): number {
    if (queue.deleted || this.queues.get(queue.name) !== queue) return 0;
    this.queues.delete(queue.name);
    if (queue.storeQueueId !== 0 && reason !== 'vhost-deleted') this.store?.queueDeleted(queue.storeQueueId);
    for (const exchange of [...this.exchanges.values()]) {
      if (exchange.removeBindingsTo(queue).length > 0) this.maybeAutoDeleteExchange(exchange);
    }
    const count = queue.close();
    if (this.events.wants('queue-deleted')) this.events.emit('queue-deleted', { vhost: this.name, queue: queue.name, reason });
    return count;
  }

  // ------------------------------------------------------------- bindings

  /** queue.bind / exchange.bind: adding an existing binding again is fine. */
  bind(source: Exchange, destination: BindingDestination, routingKey: string, args: FieldTable): void {
    source.validateBinding(args);
    const binding: Binding = { source: source.name, destination, routingKey, arguments: args, argumentsKey: tableKey(args) };
    if (source.addBinding(binding) && this.isDurableBinding(binding)) this.store?.bound(this.storedBinding(binding));
  }

  /** A binding survives a restart when both ends do. */
  private isDurableBinding(binding: Binding): boolean {
    const exchange = this.exchanges.get(binding.source);
    const destination = binding.destination;
    const destinationKept =
      destination instanceof Queue ? destination.storeQueueId !== 0 : destination instanceof Exchange && destination.properties.durable;
    return exchange?.properties.durable === true && destinationKept;
  }

  private storedBinding(binding: Binding): StoredBinding {
    return {
      vhost: this.name,
      source: binding.source,
      destination: binding.destination.name,
      destinationType: binding.destination.kind,
      routingKey: binding.routingKey,
      arguments: binding.arguments,
    };
  }

  /** queue.unbind / exchange.unbind: removing a binding that does not exist is fine. */
  unbind(source: Exchange, destination: BindingDestination, routingKey: string, args: FieldTable): void {
    const removed = source.removeBinding(destination, routingKey, tableKey(args));
    if (removed === undefined) return;
    if (this.isDurableBinding(removed)) this.store?.unbound(this.storedBinding(removed));
    this.maybeAutoDeleteExchange(source);
  }

  /** 403 for binding operations that name the default exchange. */
  assertNotDefaultExchange(name: string): void {
    if (name === '') throw accessRefused('operation not permitted on the default exchange');
  }

  // -------------------------------------------------------------- routing

  /**
   * Routes a published message and enqueues it in every matching queue.
   * Returns Routed bits. `messageTtl` is the message's own expiration (ms);
   * `extraRoutingKeys` are the keys of its CC and BCC headers.
   */
  publish(exchange: Exchange, message: Message, messageTtl: number | undefined, extraRoutingKeys?: readonly string[]): number {
    const recording = this.events.wants('routed');
    this.route(exchange, message, extraRoutingKeys, recording);
    // Enqueueing can dead-letter (and so route again), so the queues are taken out of the collector first.
    const queues = this.routedQueues();
    const routedEvent = recording && queues.length > 0 ? this.routedEvent(exchange.name, message.routingKey, queues) : undefined;
    let result = queues.length > 0 ? Routed.SOME : 0;
    for (const [i, queue] of queues.entries()) {
      const accepted = queue.enqueue(i === 0 ? message : message.copy(), messageTtl);
      if (accepted === Accepted.REFUSED) result |= Routed.REJECTED;
      else if (accepted === Accepted.KEPT) result |= Routed.KEPT;
    }
    if (routedEvent !== undefined) this.events.emit('routed', routedEvent);
    return result;
  }

  /** Fills the collector with every destination the message's routing keys reach from exchange. */
  private route(exchange: Exchange, message: Message, extraRoutingKeys: readonly string[] | undefined, recordBindings: boolean): void {
    this.collector.reset(recordBindings);
    this.input.reset(message.routingKey, message);
    this.collectFrom(exchange);
    if (extraRoutingKeys === undefined) return;
    for (const key of extraRoutingKeys) {
      this.input.reset(key, message);
      this.collectFrom(exchange);
    }
  }

  /** The queues among the collected destinations, as a new array. */
  private routedQueues(): Queue[] {
    const queues: Queue[] = [];
    for (const destination of this.collector.destinations) {
      if (destination instanceof Queue) queues.push(destination);
    }
    return queues;
  }

  /**
   * Routes the current input from one exchange, then through every
   * exchange bound to it; if that reaches no queue and the exchange has an
   * alternate-exchange, through that one.
   */
  private collectFrom(exchange: Exchange): void {
    const collector = this.collector;
    collector.addDestination(exchange);
    const start = collector.destinations.length;
    if (exchange === this.defaultExchange) {
      const queue = this.queues.get(this.input.routingKey);
      if (queue) collector.addDestination(queue);
    } else {
      exchange.route(this.input, collector);
    }
    let reachedQueue = false;
    // The loop also visits the destinations it adds.
    for (let i = start; ; i++) {
      const destination = collector.destinations[i];
      if (destination === undefined) break;
      if (destination instanceof Exchange) destination.route(this.input, collector);
      else reachedQueue = true;
    }
    if (!reachedQueue) {
      const alternate = exchange.properties.arguments['alternate-exchange'];
      const alternateName = typeof alternate === 'string' ? alternate : Buffer.isBuffer(alternate) ? alternate.toString('utf8') : undefined;
      const alternateExchange = alternateName === undefined ? undefined : this.exchanges.get(alternateName);
      // An exchange already on this pass has had its say; going back to it would loop.
      if (alternateExchange && alternateExchange.routeMark !== exchange.routeMark) this.collectFrom(alternateExchange);
    }
  }

  private routedEvent(exchange: string, routingKey: string, queues: Queue[]): BrokerEventMap['routed'][0] {
    return {
      vhost: this.name,
      exchange,
      routingKey,
      matchedBindings: (this.collector.matchedBindings ?? []).map(bindingInfo),
      queues: queues.map((queue) => queue.name),
    };
  }

  /** Queues' dead-lettering: republish to the dead-letter exchange, or drop. */
  deadLetter(queue: Queue, messages: Message[], reason: DeadLetterReason): void {
    const dlxName = queue.settings.deadLetterExchange;
    const dlx = dlxName === undefined ? undefined : this.exchanges.get(dlxName);
    if (dlx === undefined) {
      if (this.events.wants('dropped'))
        this.events.emit('dropped', { vhost: this.name, queue: queue.name, count: messages.length, reason });
      return;
    }
    const reached = new Set<string>();
    const cycles = new Set<string>();
    let routingKeys: string[] = [];
    for (const original of messages) {
      const dead = makeDeadLetter(original, reason, queue.name, dlx.name, queue.settings.deadLetterRoutingKey);
      routingKeys = dead.routingKeys;
      this.route(dlx, dead.message, dead.routingKeys.slice(1), false);
      const targets = this.routedQueues();
      let first = true;
      for (const target of targets) {
        if (reason !== 'rejected' && isDeadLetterCycle(dead.message, target.name)) {
          cycles.add(target.name);
          continue;
        }
        target.accept(first ? dead.message : dead.message.copy(), undefined);
        first = false;
        reached.add(target.name);
      }
    }
    if (this.events.wants('dead-lettered')) {
      this.events.emit('dead-lettered', {
        vhost: this.name,
        queue: queue.name,
        count: messages.length,
        reason,
        to: dlx.name,
        routingKeys,
        queues: [...reached],
        cycles: [...cycles],
      });
    }
  }

  // ------------------------------------------------------------- snapshot

  /** Queues, exchanges and bindings as plain data. */
  snapshot(): BrokerSnapshot {
    const queues = [...this.queues.values()].map((queue) => ({
      name: queue.name,
      durable: queue.declaration.durable,
      exclusive: queue.exclusive,
      autoDelete: queue.declaration.autoDelete,
      arguments: queue.declaration.arguments,
      messagesReady: queue.messageCount,
      messagesUnacknowledged: queue.unackedCount,
      consumers: queue.consumers.length,
    }));
    const exchanges = [...this.exchanges.values()].map((exchange) => ({
      name: exchange.name,
      type: exchange.type,
      durable: exchange.properties.durable,
      autoDelete: exchange.properties.autoDelete,
      internal: exchange.properties.internal,
      arguments: exchange.properties.arguments,
    }));
    const bindings: BindingInfo[] = [];
    for (const queue of this.queues.values()) {
      bindings.push({ source: '', destination: queue.name, destinationType: 'queue', routingKey: queue.name, arguments: {} });
    }
    for (const exchange of this.exchanges.values()) bindings.push(...exchange.bindings.map(bindingInfo));
    return { vhost: this.name, queues, exchanges, bindings };
  }

  /** Deletes every queue (the vhost or the broker is going away). */
  close(): void {
    for (const queue of [...this.queues.values()]) this.removeQueue(queue, 'vhost-deleted');
  }
}

function bindingInfo(binding: Binding): BindingInfo {
  return {
    source: binding.source,
    destination: binding.destination.name,
    destinationType: binding.destination.kind,
    routingKey: binding.routingKey,
    arguments: binding.arguments,
  };
}
