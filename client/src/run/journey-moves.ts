/**
 * The picture's moves for the steps of messages' journeys: a publish is a dot
 * from the producer to the exchange, a routing one dot per queue, a delivery a
 * dot to the consumer, and so on. Each move knows its journey (the message)
 * and its stage (the step), so the animation plays a message's moves in order.
 */
import type { Journey, JourneyStep, Journeys } from '../../../server/model/journeys.js';
import { MoveLog, type MessageMove, type NodeRef } from './message-moves.js';

type NewMove = Omit<MessageMove, 'id'>;

/** The moves of one step of a message's journey (a step may make none, or several). */
export function movesOfStep(journey: Journey | undefined, message: number, step: JourneyStep): NewMove[] {
  const label = journey?.label ?? '';
  const index = journey === undefined ? 0 : Math.max(0, journey.steps.indexOf(step));
  // Two stages per step: dead-lettering moves to the exchange, then on to the queues.
  const stage = index * 2;
  const move = (kind: MessageMove['kind'], from: NodeRef, to?: NodeRef, extra: Partial<NewMove> = {}): NewMove => ({
    journey: message,
    stage,
    kind,
    from,
    label,
    ...(to === undefined ? {} : { to }),
    ...extra,
  });
  switch (step.kind) {
    case 'published':
      return [move('publish', actor(step.actor), exchange(step.exchange))];
    case 'routed':
      return step.queues.map((name) =>
        move('route', exchange(step.exchange), queue(name), { bindingKey: bindingKeyTo(step.bindings, name) }),
      );
    case 'unroutable':
      return [move('unroutable', exchange(step.exchange))];
    case 'delivered':
      return [move('deliver', queue(step.queue), actor(step.actor), step.redelivered ? { redelivered: true } : {})];
    case 'requeued': {
      const holder = lastHolder(journey, step);
      return [move('requeue', holder === undefined ? queue(step.queue) : actor(holder), queue(step.queue))];
    }
    case 'returned':
      return [move('return', exchange(journey?.exchange ?? ''), actor(step.actor))];
    case 'dead-lettered':
      return [
        move('dead-letter', queue(step.queue), exchange(step.exchange)),
        ...step.queues.map((name) => ({ ...move('route', exchange(step.exchange), queue(name)), stage: stage + 1 })),
      ];
    case 'expired':
      return [move('expire', queue(step.queue))];
    case 'dropped':
      return step.queue === undefined ? [] : [move('drop', queue(step.queue))];
    case 'lost':
      return [move('lost', actor(step.actor))];
    case 'acked':
    case 'nacked':
    case 'confirmed':
    case 'refused':
      return [];
  }
}

/** Records into `log` the moves of every step after `afterSeq` up to `uptoSeq`; false when some were too old to tell. */
export function recordMoves(journeys: Journeys, log: MoveLog, afterSeq: number, uptoSeq: number): boolean {
  const { steps, complete } = journeys.stepsBetween(afterSeq, uptoSeq);
  for (const { message, step } of steps) {
    for (const move of movesOfStep(journeys.get(message), message, step)) log.add(move);
  }
  return complete;
}

/** Who held the message before it went back: the consumer of its last delivery. */
function lastHolder(journey: Journey | undefined, before: JourneyStep): string | undefined {
  if (journey === undefined) return undefined;
  const end = journey.steps.indexOf(before);
  for (let i = (end < 0 ? journey.steps.length : end) - 1; i >= 0; i -= 1) {
    const step = journey.steps[i];
    if (step?.kind === 'delivered') return step.actor;
  }
  return undefined;
}

/** The key of the binding to `queue` among "exchange -> queue (key)" descriptions. */
function bindingKeyTo(bindings: string[], queueName: string): string | undefined {
  for (const description of bindings) {
    const arrow = description.indexOf(' -> ');
    const rest = arrow < 0 ? '' : description.slice(arrow + 4);
    if (rest === queueName) return '';
    if (rest.startsWith(`${queueName} (`)) {
      const close = rest.indexOf(')', queueName.length + 2);
      return rest.slice(queueName.length + 2, close < 0 ? undefined : close);
    }
  }
  return undefined;
}

function actor(name: string): NodeRef {
  return { type: 'actor', name };
}

function exchange(name: string): NodeRef {
  return { type: 'exchange', name };
}

function queue(name: string): NodeRef {
  return { type: 'queue', name };
}
