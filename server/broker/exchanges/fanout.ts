/** Fanout exchange: every bound destination gets a copy; the routing key is ignored. */
import type { Binding, RouteCollector } from './binding.js';
import { Exchange } from './exchange.js';

/** Routes each message to all of its bindings. */
export class FanoutExchange extends Exchange {
  readonly type = 'fanout' as const;

  route(_message: unknown, into: RouteCollector): void {
    for (const binding of this.bindings) into.add(binding);
  }

  protected indexBinding(_binding: Binding): void {
    // A fanout exchange routes to every binding: there is nothing to index.
  }
  protected unindexBinding(_binding: Binding): void {
    // As above: nothing is indexed.
  }
}
