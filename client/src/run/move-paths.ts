/**
 * Which way a message's dot goes for each kind of move: along the edge the
 * move used when the picture has one, or along a curve made for it (back to
 * the queue for a requeue, down and away for a drop).
 */
import type { MessageMove } from './message-moves.js';
import {
  backCurve,
  bindingEdgeId,
  fallCurve,
  forwardCurve,
  loopCurve,
  nodeId,
  nodeIdFor,
  underCurve,
  type Curve,
  type LaidEdge,
  type LaidNode,
  type TopologyLayout,
} from './topology-layout.js';

/** A dot's way and the lane it shares with dots going the same way. */
export interface MovePath {
  curve: Curve;
  lane: string;
}

/** Lookups over one layout. */
export class MovePaths {
  private readonly nodes: Map<string, LaidNode>;
  private readonly edges: Map<string, LaidEdge>;

  constructor(layout: TopologyLayout) {
    this.nodes = new Map(layout.nodes.map((node) => [node.id, node]));
    this.edges = new Map(layout.edges.map((edge) => [edge.id, edge]));
  }

  /** The way for a move, or undefined when the picture lacks one of its ends. */
  pathOf(move: MessageMove): MovePath | undefined {
    const from = this.nodes.get(nodeIdFor(move.from, 'consumer'));
    switch (move.kind) {
      case 'publish':
        return (
          this.along(`publish:${move.from.name}:${move.to?.name}`) ?? this.between(nodeIdFor(move.from, 'producer'), move, forwardCurve)
        );
      case 'route': {
        if (move.to === undefined) return undefined;
        const edgeId = bindingEdgeId({
          source: move.from.name,
          destination: move.to.name,
          destinationType: move.to.type,
          routingKey: move.bindingKey ?? '',
        });
        return this.along(edgeId) ?? this.between(nodeIdFor(move.from, 'producer'), move, forwardCurve);
      }
      case 'deliver':
        return (
          this.along(`consume:${move.from.name}:${move.to?.name}`) ?? this.between(nodeIdFor(move.from, 'producer'), move, forwardCurve)
        );
      case 'return':
        return this.between(nodeIdFor(move.from, 'producer'), move, backCurve, 'producer');
      case 'requeue':
        if (move.from.type === 'queue') return from === undefined ? undefined : { curve: loopCurve(from), lane: `loop:${from.id}` };
        return this.between(nodeIdFor(move.from, 'consumer'), move, backCurve);
      case 'dead-letter':
        return (
          this.along(`dead-letter:${move.from.name}`) ??
          this.between(nodeIdFor(move.from, 'producer'), move, (source, target) => underCurve(source, target, 0))
        );
      case 'unroutable':
      case 'expire':
      case 'drop':
      case 'lost':
        return from === undefined ? undefined : { curve: fallCurve(from), lane: `fall:${from.id}` };
    }
  }

  private along(edgeId: string): MovePath | undefined {
    const edge = this.edges.get(edgeId);
    return edge === undefined ? undefined : { curve: edge.curve, lane: edge.id };
  }

  private between(
    fromId: string,
    move: MessageMove,
    shape: (source: LaidNode, target: LaidNode, spread: number) => Curve,
    actorAs: 'producer' | 'consumer' = 'consumer',
  ): MovePath | undefined {
    if (move.to === undefined) return undefined;
    const toId = move.to.type === 'actor' ? nodeId(actorAs, move.to.name) : nodeIdFor(move.to, actorAs);
    const source = this.nodes.get(fromId);
    const target = this.nodes.get(toId);
    if (source === undefined || target === undefined) return undefined;
    return { curve: shape(source, target, 0), lane: `${move.kind}:${fromId}>${toId}` };
  }
}
