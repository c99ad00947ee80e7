/**
 * Where messages are: published and waiting for the broker's decision,
 * ready in a queue, unacknowledged on a channel, in a program's hands; and
 * the moves between those places, each written to the message's journey.
 * Used by the fold (run-model.ts); every function changes the state it is
 * given.
 */
import type { JsonTable, MessageView } from '../protocol/trace.js';
import type { JourneyLog, JourneyStep } from './journeys.js';
import { messageLabel } from './journeys.js';
import { describeBinding } from './describe.js';
import { DIRECT_REPLY_TO, route } from './routing.js';
import type { AwaitingDecision, ChannelState, HeldDelivery, QueueState, QueuedCopy, RunState } from './state.js';

/** What the fold passes around: the state, where journeys go, and the event being folded. */
export interface Fold {
  state: RunState;
  journeys: JourneyLog;
  seq: number;
}

/** How many deliveries the matching looks through for the message a delivery carries. */
const MATCH_WINDOW = 64;

/** How many arrivals a queue remembers the names of, and how many unroutable keys an exchange remembers. */
const RECENT = 5;
const RECENT_UNROUTABLE = 3;

/** Bound on publishes waiting for a decision or a return: a broker that never answers must not grow them forever. */
const MAX_AWAITING = 10_000;

/** The queue a name refers to: replies to direct reply-to all go to its pseudo-queue. */
export function queueName(name: string): string {
  return name.startsWith(DIRECT_REPLY_TO) ? DIRECT_REPLY_TO : name;
}

/** A new message in the run: published now, or found in a queue the run did not fill. */
export function newMessage(
  fold: Fold,
  details: { exchange: string; routingKey: string; message: MessageView | undefined; publishedBy: string | undefined },
): number {
  const id = fold.state.nextMessage;
  fold.state.nextMessage += 1;
  if (!fold.journeys.keeps) return id;
  fold.journeys.begin({
    id,
    label: messageLabel(details.exchange, details.routingKey, details.message),
    exchange: details.exchange,
    routingKey: details.routingKey,
    properties: details.message?.properties ?? {},
    bodyPreview: details.message?.bodyPreview ?? '',
    bodySize: details.message?.bodySize ?? 0,
    publishedBy: details.publishedBy,
  });
  return id;
}

/** Writes a step of a message's journey, at the event being folded. */
export function step(fold: Fold, message: number, what: DistributiveOmitSeq<JourneyStep>): void {
  if (fold.journeys.keeps) fold.journeys.step(message, { ...what, seq: fold.seq });
}

type DistributiveOmitSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

/** basic.publish: the message waits for the broker's decision. */
export function published(
  fold: Fold,
  actor: string,
  channel: ChannelState | undefined,
  publish: { exchange: string; routingKey: string; mandatory: boolean; message: MessageView | undefined },
): void {
  const { state } = fold;
  state.counts.published += 1;
  const id = newMessage(fold, { exchange: publish.exchange, routingKey: publish.routingKey, message: publish.message, publishedBy: actor });
  step(fold, id, { kind: 'published', actor, exchange: publish.exchange, routingKey: publish.routingKey, mandatory: publish.mandatory });
  const exchange = state.exchanges.get(publish.exchange);
  if (exchange !== undefined) exchange.received += 1;
  if (channel?.confirming === true) {
    channel.unconfirmed.set(channel.nextPublishTag, id);
    channel.nextPublishTag += 1;
  }
  state.awaitingDecision.push({
    message: id,
    body: publish.message?.bodyPreview ?? '',
    label: messageLabel(publish.exchange, publish.routingKey, publish.message),
    exchange: publish.exchange,
    routingKey: publish.routingKey,
    mandatory: publish.mandatory,
    persistent: publish.message?.properties.deliveryMode === 2,
  });
  if (state.awaitingDecision.length > MAX_AWAITING) state.awaitingDecision.shift();
}

/** The publish a routing decision is about: decisions come in publish order for each exchange and key. */
function takeAwaiting(state: RunState, exchange: string, routingKey: string): AwaitingDecision | undefined {
  const at = state.awaitingDecision.findIndex((waiting) => waiting.exchange === exchange && waiting.routingKey === routingKey);
  if (at < 0) return undefined;
  const [waiting] = state.awaitingDecision.splice(at, 1);
  return waiting;
}

/** The broker routed a publish to these queues. */
export function routed(fold: Fold, exchange: string, routingKey: string, queues: string[], headers: JsonTable | undefined): void {
  const { state } = fold;
  const waiting = takeAwaiting(state, exchange, routingKey);
  const id = waiting?.message ?? newMessage(fold, { exchange, routingKey, message: undefined, publishedBy: undefined });
  // Which bindings matched: the state's own routing says, since it holds the same bindings the broker has.
  const matched = route(state, exchange, routingKey, headers);
  const bindings = matched?.matchedBindings ?? [];
  countMatchedBindings(state, exchange, routingKey, headers);
  step(fold, id, { kind: 'routed', exchange, bindings, queues: queues.map(queueName) });
  for (const name of queues)
    enqueue(fold, queueName(name), id, waiting?.body ?? '', waiting?.label ?? routingKey, waiting?.persistent === true);
}

/** Counts a message on each binding that matched it (the default exchange's implicit binding included). */
function countMatchedBindings(state: RunState, exchange: string, routingKey: string, headers: JsonTable | undefined): void {
  if (exchange === '') {
    const implicit = [...state.bindings.values()].find((binding) => binding.implicit && binding.destination === queueName(routingKey));
    if (implicit !== undefined) implicit.matched += 1;
    return;
  }
  const result = route(state, exchange, routingKey, headers);
  if (result === undefined) return;
  const described = new Set(result.matchedBindings);
  for (const binding of state.bindings.values()) {
    if (binding.exists && !binding.implicit && described.has(describeBinding(binding))) binding.matched += 1;
  }
  for (const name of result.matchedBindings) {
    const target = name.split(' -> ')[1]?.split(' ')[0];
    const exchangeReached = target === undefined ? undefined : state.exchanges.get(target);
    if (exchangeReached !== undefined) exchangeReached.received += 1;
  }
}

/** No binding matched: the message is dropped, or returned to its publisher if it was mandatory. */
export function unroutable(fold: Fold, exchange: string, routingKey: string, reason: string): void {
  const { state } = fold;
  const waiting = takeAwaiting(state, exchange, routingKey);
  const id = waiting?.message ?? newMessage(fold, { exchange, routingKey, message: undefined, publishedBy: undefined });
  const found = state.exchanges.get(exchange);
  if (found !== undefined) {
    found.unroutable += 1;
    found.recentUnroutable = [...found.recentUnroutable.filter((key) => key !== routingKey), routingKey].slice(-RECENT_UNROUTABLE);
  }
  state.counts.dropped += 1;
  step(fold, id, { kind: 'unroutable', exchange, reason });
  if (waiting?.mandatory === true) {
    state.awaitingReturn.push(waiting);
    if (state.awaitingReturn.length > MAX_AWAITING) state.awaitingReturn.shift();
  }
}

/** basic.return: the broker gave an unroutable mandatory message back to its publisher. */
export function returned(
  fold: Fold,
  actor: string,
  exchange: string,
  routingKey: string,
  reason: string,
  message: MessageView | undefined,
): void {
  const { state } = fold;
  state.counts.returned += 1;
  const at = state.awaitingReturn.findIndex((waiting) => waiting.exchange === exchange && waiting.routingKey === routingKey);
  const id =
    at >= 0
      ? (state.awaitingReturn.splice(at, 1)[0]?.message ?? 0)
      : newMessage(fold, { exchange, routingKey, message, publishedBy: actor });
  step(fold, id, { kind: 'returned', actor, reason });
}

/** A copy of a message joins a queue's ready messages. */
export function enqueue(fold: Fold, name: string, message: number, body: string, label: string, persistent: boolean): void {
  fold.state.counts.routed.set(name, (fold.state.counts.routed.get(name) ?? 0) + 1);
  const queue = fold.state.queues.get(name);
  if (queue === undefined) return;
  queue.received += 1;
  if (label !== '') {
    queue.recent.push(label);
    if (queue.recent.length > RECENT) queue.recent.shift();
  }
  queue.ready.push({ message, body, order: queue.nextOrder, redelivered: false, persistent });
  queue.nextOrder += 1;
}

/** A message goes back to its queue, at the place it had: RabbitMQ requeues to the original position. */
export function requeue(fold: Fold, held: HeldDelivery, reason: string): void {
  const { state } = fold;
  state.counts.requeued += 1;
  const queue = state.queues.get(held.queue);
  if (queue?.exists !== true) {
    step(fold, held.message, { kind: 'dropped', queue: held.queue, reason: `it could not go back: ${held.queue} no longer exists` });
    return;
  }
  queue.requeued += 1;
  step(fold, held.message, { kind: 'requeued', queue: queue.name, reason });
  queue.ready.insertInOrder({
    message: held.message,
    body: held.body,
    order: held.order,
    redelivered: true,
    persistent: held.persistent,
  });
}

/**
 * Takes the ready message a delivery carries. A queue delivers from its
 * head, but deliveries to different connections reach the trace in their
 * own order, so the first of the next few with the same body is taken; a message the run never saw arrive is made up from the delivery.
 */
export function takeForDelivery(
  fold: Fold,
  queue: QueueState,
  delivery: { exchange: string; routingKey: string; message: MessageView | undefined },
): QueuedCopy {
  const { ready } = queue;
  const body = delivery.message?.bodyPreview ?? '';
  const limit = Math.min(ready.length, MATCH_WINDOW);
  for (let i = 0; i < limit; i += 1) {
    if (ready.at(i)?.body === body) {
      const copy = ready.removeAt(i);
      if (copy !== undefined) return copy;
    }
  }
  const head = ready.shift();
  if (head !== undefined) return head;
  const made = {
    message: newMessage(fold, { ...delivery, publishedBy: undefined }),
    body,
    order: queue.nextOrder,
    redelivered: false,
    persistent: false,
  };
  queue.nextOrder += 1;
  return made;
}

/** A delivery settled by the client, or given back. Returns the delivery tags it covers on the channel. */
export function settledTags(channel: ChannelState, deliveryTag: number, multiple: boolean): number[] {
  if (!multiple) return channel.unacked.has(deliveryTag) ? [deliveryTag] : [];
  const tags: number[] = [];
  for (const tag of channel.unacked.keys()) if (deliveryTag === 0 || tag <= deliveryTag) tags.push(tag);
  return tags;
}
