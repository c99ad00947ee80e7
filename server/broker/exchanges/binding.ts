/**
 * Bindings and the set of destinations a publish is routed to.
 */
import type { FieldTable } from '../../amqp/index.js';

/** Something a binding can point at: a queue, or another exchange (exchange-to-exchange binding). */
export interface BindingDestination {
  readonly name: string;
  readonly kind: 'queue' | 'exchange';
  /** Stamp of the last routing pass that collected this destination; lets a pass skip duplicates without a Set. */
  routeMark: number;
}

/** One binding: messages the source exchange accepts under routingKey/arguments go to destination. */
export interface Binding {
  readonly source: string;
  readonly destination: BindingDestination;
  readonly routingKey: string;
  readonly arguments: FieldTable;
  /** Stable text form of arguments, so two bindings that differ only in arguments stay distinct. */
  readonly argumentsKey: string;
}

/** What an exchange needs to know about a message to route it. */
export interface RoutingInput {
  readonly routingKey: string;
  /** The message's headers property, decoded on first use (only the headers exchange asks). */
  headers(): FieldTable | undefined;
}

let nextRouteMark = 1;

/**
 * Collects the distinct destinations of one routing pass. Exchanges add
 * bindings' destinations; a destination added twice (two matching bindings
 * to the same queue) is kept once, because the message is enqueued once.
 */
export class RouteCollector {
  readonly destinations: BindingDestination[] = [];
  /** How many bindings matched, duplicates included (reported in the 'routed' event). */
  matchedBindings: Binding[] | undefined;
  private mark = 0;

  /** Starts a fresh pass; recordBindings keeps the matching bindings for the trace. */
  reset(recordBindings: boolean): void {
    this.destinations.length = 0;
    this.mark = nextRouteMark++;
    this.matchedBindings = recordBindings ? [] : undefined;
  }

  /** Adds a matching binding's destination unless this pass already has it. */
  add(binding: Binding): void {
    this.matchedBindings?.push(binding);
    this.addDestination(binding.destination);
  }

  /** Adds a destination directly (the default exchange has no binding objects). */
  addDestination(destination: BindingDestination): void {
    if (destination.routeMark === this.mark) return;
    destination.routeMark = this.mark;
    this.destinations.push(destination);
  }
}
