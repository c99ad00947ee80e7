/**
 * What every exchange type shares: identity, declare-time properties, and
 * the bindings it holds. Subclasses decide which bindings match a message.
 */
import type { FieldTable } from '../../amqp/index.js';
import type { Binding, BindingDestination, RouteCollector, RoutingInput } from './binding.js';

/** The exchange types this broker implements. */
export type ExchangeType = 'direct' | 'fanout' | 'topic' | 'headers';

/** Declare-time properties, compared when an exchange is declared again. */
export interface ExchangeProperties {
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
  readonly arguments: FieldTable;
}

/** An exchange: receives publishes and hands them to the destinations of matching bindings. */
export abstract class Exchange implements BindingDestination {
  readonly kind = 'exchange' as const;
  abstract readonly type: ExchangeType;
  routeMark = 0;
  /** Every binding whose source is this exchange, in creation order. */
  readonly bindings: Binding[] = [];

  constructor(
    readonly name: string,
    readonly properties: ExchangeProperties,
  ) {}

  /** Adds a binding; returns false when an identical binding already exists. */
  addBinding(binding: Binding): boolean {
    if (this.findBinding(binding.destination, binding.routingKey, binding.argumentsKey)) return false;
    this.bindings.push(binding);
    this.indexBinding(binding);
    return true;
  }

  /** Removes the binding with these fields; returns it, or undefined when there was none. */
  removeBinding(destination: BindingDestination, routingKey: string, argumentsKey: string): Binding | undefined {
    const found = this.findBinding(destination, routingKey, argumentsKey);
    if (!found) return undefined;
    this.bindings.splice(this.bindings.indexOf(found), 1);
    this.unindexBinding(found);
    return found;
  }

  /** Removes every binding to destination (it is being deleted); returns them. */
  removeBindingsTo(destination: BindingDestination): Binding[] {
    const removed = this.bindings.filter((binding) => binding.destination === destination);
    for (const binding of removed) this.removeBinding(destination, binding.routingKey, binding.argumentsKey);
    return removed;
  }

  /** Finds a binding by its identity (destination, routing key, arguments). */
  findBinding(destination: BindingDestination, routingKey: string, argumentsKey: string): Binding | undefined {
    return this.bindings.find(
      (binding) => binding.destination === destination && binding.routingKey === routingKey && binding.argumentsKey === argumentsKey,
    );
  }

  /** Adds to `into` every binding that matches the message. */
  abstract route(message: RoutingInput, into: RouteCollector): void;

  /** Validates a new binding's arguments before it is added; throws an AmqpError when they are unacceptable. */
  validateBinding(_arguments: FieldTable): void {
    // Most exchange types accept any binding arguments; those that do not override this.
  }

  /** Keeps the type's lookup structure in step with `bindings`. */
  protected abstract indexBinding(binding: Binding): void;
  protected abstract unindexBinding(binding: Binding): void;
}
