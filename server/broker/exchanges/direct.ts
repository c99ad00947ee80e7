/** Direct exchange: a binding matches when its key equals the message's routing key exactly. */
import type { Binding, RouteCollector, RoutingInput } from './binding.js';
import { Exchange } from './exchange.js';

/** Routes by exact routing-key equality, looked up in a map. */
export class DirectExchange extends Exchange {
  readonly type = 'direct' as const;
  private readonly byKey = new Map<string, Binding[]>();

  route(message: RoutingInput, into: RouteCollector): void {
    const matching = this.byKey.get(message.routingKey);
    if (matching === undefined) return;
    for (const binding of matching) into.add(binding);
  }

  protected indexBinding(binding: Binding): void {
    const list = this.byKey.get(binding.routingKey);
    if (list) list.push(binding);
    else this.byKey.set(binding.routingKey, [binding]);
  }

  protected unindexBinding(binding: Binding): void {
    const list = this.byKey.get(binding.routingKey);
    if (!list) return;
    list.splice(list.indexOf(binding), 1);
    if (list.length === 0) this.byKey.delete(binding.routingKey);
  }
}
