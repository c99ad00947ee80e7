/**
 * Messages moving through the topology, one hop at a time, as the topology
 * view animates them. A journey is one published message: its publish, its
 * routing, its delivery, a requeue or a dead-lettering are moves of the same
 * journey, in stages, so the view can play them in order.
 */
import { RingBuffer } from './ring-buffer.js';

/** A place a message can be: an actor (producer or consumer), an exchange or a queue. */
export interface NodeRef {
  type: 'actor' | 'exchange' | 'queue';
  name: string;
}

/** What happened on a move; the view shows each with its own shape and words. */
export type MoveKind = 'publish' | 'route' | 'deliver' | 'return' | 'unroutable' | 'requeue' | 'dead-letter' | 'expire' | 'drop' | 'lost';

/** One copy of a message on its way: a fanout makes several copies of one journey. */
export interface MessageCopy {
  journey: number;
  /** The stage of the copy's latest move (-1 before its first). */
  stage: number;
}

/** One hop of one message. */
export interface MessageMove {
  /** Increases by one per move, across the run. */
  id: number;
  journey: number;
  /** Moves of a journey play in stage order; moves of the same stage play together. */
  stage: number;
  kind: MoveKind;
  from: NodeRef;
  /** Where the message went; absent when it fell off (unroutable, dropped, expired). */
  to?: NodeRef;
  /** The binding key of a route move. */
  bindingKey?: string;
  /** What to call the message: its routing key, or its body on the default exchange. */
  label: string;
  /** A delivery of a message that was delivered before. */
  redelivered?: boolean;
}

/** The newest moves of a run, a bounded number of them. */
export class MoveLog {
  private readonly moves: RingBuffer<MessageMove>;
  private nextId = 1;

  constructor(capacity = 512) {
    this.moves = new RingBuffer(capacity);
  }

  /** Records a move and gives it its id. */
  add(move: Omit<MessageMove, 'id'>): MessageMove {
    const recorded = { ...move, id: this.nextId };
    this.nextId += 1;
    this.moves.push(recorded);
    return recorded;
  }

  /** The id the next move will get: moves below it have happened. */
  get nextMoveId(): number {
    return this.nextId;
  }

  /** Moves with an id of `afterId` or more that are still kept, oldest first, and how many newer ones were let go. */
  since(afterId: number): { moves: MessageMove[]; missed: number } {
    const moves: MessageMove[] = [];
    const oldestKept = this.moves.at(0)?.id ?? this.nextId;
    const missed = Math.max(0, oldestKept - afterId);
    for (let index = this.moves.length - 1; index >= 0; index -= 1) {
      const move = this.moves.at(index);
      if (move === undefined || move.id < afterId) break;
      moves.push(move);
    }
    moves.reverse();
    return { moves, missed };
  }

  /** Forgets every move. */
  clear(): void {
    this.moves.clear();
    this.nextId = 1;
  }
}
