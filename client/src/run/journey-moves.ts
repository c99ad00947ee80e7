/**
 * The picture's moves for the steps of messages' journeys: a publish is a dot
 * from the producer to the exchange, a routing one dot per queue, a delivery a
 * dot to the consumer, and so on. Each move knows its journey (the message)
 * and its stage (the step), so the animation plays a message's moves in order.
 */
import type { Journey, JourneyStep, Journeys } from '../../../server/model/journeys.js';
import { DEFAULT_EXCHANGE_LABEL } from '../../../server/model/describe.js';
import type { MessageMove, MoveLog, NodeRef } from './message-moves.js';

type NewMove = Omit<MessageMove, 'id'>;

/**
 * The moves of one step of a message's journey (a step may make none, or
 * several), starting at `stage`: one stage per hop, so exchange-to-exchange
 * routing and dead-lettering play a hop at a time.
 */
export function movesOfStep(journey: Journey | undefined, message: number, step: JourneyStep, stage: number): NewMove[] {
  const label = journey?.label ?? '';
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
      return routeMoves(step, stage).map((hop) => ({
        ...move(
          'route',
          exchange(hop.source),
          hop.toQueue ? queue(hop.destination) : exchange(hop.destination),
          hop.key === undefined ? {} : { bindingKey: hop.key },
        ),
        stage: hop.stage,
      }));
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

/**
 * Gives each message's moves their stages, in the order they happen, and
 * records them. A copy's next move comes a stage after its arrival where it
 * is: a delivery from a queue follows the routing into that queue, so both
 * copies of a fanned-out message are delivered at the same stage.
 */
export class MoveRecorder {
  /** message and place ("queue:q", "actor:worker 1", "exchange:x") -> the stage it arrived there. */
  private readonly arrivals = new Map<string, number>();

  constructor(readonly log: MoveLog) {}

  /** Records the moves of every step after `afterSeq` up to `uptoSeq`; false when some were too old to tell. */
  record(journeys: Journeys, afterSeq: number, uptoSeq: number): boolean {
    const { steps, complete } = journeys.stepsBetween(afterSeq, uptoSeq);
    for (const { message, step } of steps) {
      const journey = journeys.get(message);
      const moves = movesOfStep(journey, message, step, 0);
      const first = moves[0];
      if (first === undefined) continue;
      const start = (this.arrivals.get(placeKey(message, first.from)) ?? -1) + 1;
      for (const move of moves) {
        const staged = { ...move, stage: move.stage + start };
        this.log.add(staged);
        if (staged.to !== undefined) this.arrive(placeKey(message, staged.to), staged.stage);
      }
    }
    return complete;
  }

  /** Starts over: no moves, no stages. */
  clear(): void {
    this.log.clear();
    this.arrivals.clear();
  }

  private arrive(key: string, stage: number): void {
    this.arrivals.delete(key);
    this.arrivals.set(key, stage);
    if (this.arrivals.size > MAX_PLACES) this.arrivals.delete(this.arrivals.keys().next().value ?? '');
  }
}

/** Arrivals remembered, for the stages of moves to come. */
const MAX_PLACES = 8192;

function placeKey(message: number, place: NodeRef): string {
  return `${message}\u0000${place.type}:${place.name}`;
}

/** The hops of a routing: each matched binding from the exchange published to, a stage further per exchange passed. */
function routeMoves(step: Extract<JourneyStep, { kind: 'routed' }>, stage: number) {
  const hops = step.bindings.map(parseBinding).filter((hop) => hop !== undefined);
  const depth = new Map<string, number>([[step.exchange, 0]]);
  for (let changed = true; changed;) {
    changed = false;
    for (const hop of hops) {
      const from = depth.get(hop.source);
      if (from === undefined || depth.has(hop.destination) || step.queues.includes(hop.destination)) continue;
      depth.set(hop.destination, from + 1);
      changed = true;
    }
  }
  const moves = hops.map((hop) => ({
    ...hop,
    toQueue: step.queues.includes(hop.destination),
    stage: stage + (depth.get(hop.source) ?? 0),
  }));
  // A queue reached without a binding the step names (the default exchange's own) still gets its dot.
  for (const name of step.queues) {
    if (!moves.some((hop) => hop.toQueue && hop.destination === name)) {
      moves.push({ source: step.exchange, destination: name, key: undefined, toQueue: true, stage });
    }
  }
  return moves;
}

/** "exchange -> destination (key) [args]" back into its parts. */
function parseBinding(description: string): { source: string; destination: string; key: string | undefined } | undefined {
  const arrow = description.indexOf(' -> ');
  if (arrow < 0) return undefined;
  const rawSource = description.slice(0, arrow);
  const source = rawSource === DEFAULT_EXCHANGE_LABEL ? '' : rawSource;
  let rest = description.slice(arrow + 4);
  const args = rest.indexOf(' [');
  if (args >= 0) rest = rest.slice(0, args);
  const open = rest.indexOf(' (');
  if (open < 0) return { source, destination: rest, key: '' };
  if (rest.endsWith('(alternate exchange)')) return { source, destination: rest.slice(0, open), key: undefined };
  return { source, destination: rest.slice(0, open), key: rest.slice(open + 2, rest.endsWith(')') ? -1 : undefined) };
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

function actor(name: string): NodeRef {
  return { type: 'actor', name };
}

function exchange(name: string): NodeRef {
  return { type: 'exchange', name };
}

function queue(name: string): NodeRef {
  return { type: 'queue', name };
}
