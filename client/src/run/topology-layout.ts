/**
 * Where the topology picture puts things, left to right: producers, then
 * exchanges (an exchange bound to another sits a column further), queues,
 * consumers. Within a column, things line up with what they connect to, so
 * edges cross as little as they can. Edges are cubic curves, so a moving
 * message's position is a formula, not a DOM measurement.
 */
import type { NodeRef } from './message-moves.js';
import {
  RECENT_ARRIVALS,
  RECENT_UNROUTABLE,
  type ActorInfo,
  type BindingInfo,
  type ExchangeInfo,
  type Topology,
} from './topology-types.js';

/** A point in the picture's coordinates. */
export interface Point {
  x: number;
  y: number;
}

/** A cubic curve: start, two control points, end. */
export type Curve = [Point, Point, Point, Point];

/** The roles a box can play; an actor that publishes and consumes gets two boxes. */
export type NodeRole = 'producer' | 'exchange' | 'queue' | 'consumer';

/** A box in the picture. */
export interface LaidNode {
  /** Unique in the picture: role and name. */
  id: string;
  role: NodeRole;
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Lines of text under the box (drop trays, badges), already counted in the column's spacing. */
  below: number;
}

/** What an edge stands for. */
export type EdgeKind = 'publish' | 'binding' | 'consume' | 'dead-letter';

/** A line between two boxes. */
export interface LaidEdge {
  id: string;
  kind: EdgeKind;
  from: string;
  to: string;
  curve: Curve;
  /** Where its label sits. */
  labelAt: Point;
  binding?: BindingInfo;
}

/** The whole picture. */
export interface TopologyLayout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  width: number;
  height: number;
}

const MARGIN = 24;
const ROW_GAP = 30;
/** Height of one line of text under a box. */
export const LINE_HEIGHT = 18;
/** A queue's box: its name, ready and unacked, what it received, and what kind of queue it is (durable, exclusive, auto-delete). */
export const QUEUE_HEIGHT = 110;
const WIDTH: Record<NodeRole, number> = { producer: 150, exchange: 170, queue: 210, consumer: 160 };
/** Space after a column, for the edges and their labels. */
const GAP_AFTER: Record<NodeRole, number> = { producer: 120, exchange: 190, queue: 130, consumer: 0 };
/**
 * Lines of text each kind of box may have under it (returned count; unroutable
 * count and keys; badges, and the latest arrivals under their heading; status). Room for them is kept
 * from the start, so boxes stay put while a run fills them in.
 */
const LINES_BELOW: Record<NodeRole, number> = { producer: 1, exchange: 1 + RECENT_UNROUTABLE, queue: 2 + RECENT_ARRIVALS, consumer: 2 };
/** Lines a channel or connection error takes under its actor: what closed with which code, and the method refused. */
const ERROR_LINES = 2;

/** Lines under an actor's box: its status, and once it has them, an error and what it lost (a count and their names). */
function actorLinesBelow(actor: ActorInfo, role: 'producer' | 'consumer'): number {
  const errorLines = actor.error === undefined ? 0 : ERROR_LINES;
  if (role === 'producer') return LINES_BELOW.producer + errorLines;
  return LINES_BELOW.consumer + (actor.lost > 0 ? 1 + actor.recentLost.length : 0) + errorLines;
}

/** Widest an actor's box grows to fit its name; longer names are cut. */
const MAX_ACTOR_WIDTH = 240;
/** Rough width of one character of a box's bold 16px name, and the box's padding around it. */
const NAME_CHAR_WIDTH = 9.5;
const NAME_PADDING = 36;

/** How many characters of a name fit a box this wide. */
export function nameCharsFitting(width: number): number {
  return Math.floor((width - NAME_PADDING) / NAME_CHAR_WIDTH);
}

/** An actor's column is as wide as its longest name needs, within bounds. */
function actorColumnWidth(role: NodeRole, names: string[]): number {
  const needed = Math.max(0, ...names.map((name) => Math.ceil(name.length * NAME_CHAR_WIDTH + NAME_PADDING)));
  return Math.min(MAX_ACTOR_WIDTH, Math.max(WIDTH[role], needed));
}

/** How far below a box a falling message goes. */
const FALL_DISTANCE = 70;

/** Box id for a role and name. */
export function nodeId(role: NodeRole, name: string): string {
  return `${role}:${name}`;
}

/** The box a move's end is drawn at: an actor is its producer box when it sends, its consumer box when it receives. */
export function nodeIdFor(ref: NodeRef, asActor: 'producer' | 'consumer'): string {
  if (ref.type === 'actor') return nodeId(asActor, ref.name);
  return nodeId(ref.type, ref.name);
}

/** Lays out a topology. */
export function layoutTopology(topology: Topology): TopologyLayout {
  const exchanges = topology.exchanges.filter((exchange) => exchange.used);
  const exchangeNames = new Set(exchanges.map((exchange) => exchange.name));
  const drawnBindings = topology.bindings.filter(
    (binding) =>
      isDrawn(binding) &&
      exchangeNames.has(binding.source) &&
      (binding.destinationType === 'queue' || exchangeNames.has(binding.destination)),
  );
  const levels = exchangeLevels(exchanges, drawnBindings);
  const producers = topology.actors.filter((actor) => actor.publishes);
  const consumers = topology.actors.filter((actor) => actor.consumes);

  // Columns, left to right, each a list of [name, lines below].
  // Dead-letter exchanges nothing publishes to sit at the bottom of their column, where the dead letters' curve comes in from below.
  const deadLetterOnly = new Set(
    topology.queues
      .map((queue) => queue.deadLetterExchange)
      .filter(
        (name): name is string =>
          name !== undefined &&
          !topology.publishes.some((publish) => publish.exchange === name) &&
          !drawnBindings.some((binding) => binding.destinationType === 'exchange' && binding.destination === name),
      ),
  );
  const exchangeColumns: ExchangeInfo[][] = [];
  for (const exchange of [
    ...exchanges.filter((e) => !deadLetterOnly.has(e.name)),
    ...exchanges.filter((e) => deadLetterOnly.has(e.name)),
  ]) {
    (exchangeColumns[levels.get(exchange.name) ?? 0] ??= []).push(exchange);
  }
  const order = new Map<string, number>();
  const place = (id: string, index: number, count: number): void => {
    order.set(id, count <= 1 ? 0.5 : index / (count - 1));
  };
  const byAverage = <T>(items: T[], idOf: (item: T) => string, neighbours: (item: T) => string[]): T[] => {
    const weight = (item: T): number => {
      const known = neighbours(item)
        .map((id) => order.get(id))
        .filter((value): value is number => value !== undefined);
      return known.length === 0 ? Number.POSITIVE_INFINITY : known.reduce((total, value) => total + value, 0) / known.length;
    };
    const sorted = items
      .map((item, index) => ({ item, index, weight: weight(item) }))
      .sort((a, b) => (a.weight === b.weight ? a.index - b.index : a.weight < b.weight ? -1 : 1))
      .map((entry) => entry.item);
    sorted.forEach((item, index) => place(idOf(item), index, sorted.length));
    return sorted;
  };

  exchangeColumns.forEach((column) => column.forEach((exchange, index) => place(nodeId('exchange', exchange.name), index, column.length)));
  const queues = byAverage(
    topology.queues,
    (queue) => nodeId('queue', queue.name),
    (queue) =>
      drawnBindings
        .filter((binding) => binding.destinationType === 'queue' && binding.destination === queue.name)
        .map((binding) => nodeId('exchange', binding.source)),
  );
  const sortedConsumers = byAverage(
    consumers,
    (actor) => nodeId('consumer', actor.name),
    (actor) => topology.consumers.filter((consumer) => consumer.actor === actor.name).map((consumer) => nodeId('queue', consumer.queue)),
  );
  const sortedProducers = byAverage(
    producers,
    (actor) => nodeId('producer', actor.name),
    (actor) => topology.publishes.filter((publish) => publish.actor === actor.name).map((publish) => nodeId('exchange', publish.exchange)),
  );

  interface Column {
    role: NodeRole;
    boxes: { name: string; height: number; below: number }[];
  }
  const columns: Column[] = (
    [
      {
        role: 'producer',
        boxes: sortedProducers.map((actor) => ({ name: actor.name, height: 64, below: actorLinesBelow(actor, 'producer') })),
      },
      ...exchangeColumns.map((column) => ({
        role: 'exchange' as const,
        boxes: column.map((exchange) => ({ name: exchange.name, height: 64, below: LINES_BELOW.exchange })),
      })),
      { role: 'queue', boxes: queues.map((queue) => ({ name: queue.name, height: QUEUE_HEIGHT, below: LINES_BELOW.queue })) },
      {
        role: 'consumer',
        boxes: sortedConsumers.map((actor) => ({ name: actor.name, height: 64, below: actorLinesBelow(actor, 'consumer') })),
      },
    ] satisfies Column[]
  ).filter((column) => column.boxes.length > 0);

  const columnHeight = (boxes: { height: number; below: number }[]): number =>
    boxes.reduce((total, box) => total + box.height + box.below * LINE_HEIGHT, 0) + ROW_GAP * Math.max(0, boxes.length - 1);
  const height = Math.max(120, ...columns.map((column) => columnHeight(column.boxes))) + MARGIN * 2;

  const nodes: LaidNode[] = [];
  let x = MARGIN;
  for (const column of columns) {
    const isActor = column.role === 'producer' || column.role === 'consumer';
    const width = isActor
      ? actorColumnWidth(
          column.role,
          column.boxes.map((box) => box.name),
        )
      : WIDTH[column.role];
    let y = (height - columnHeight(column.boxes)) / 2;
    for (const box of column.boxes) {
      nodes.push({
        id: nodeId(column.role, box.name),
        role: column.role,
        name: box.name,
        x,
        y,
        width,
        height: box.height,
        below: box.below,
      });
      y += box.height + box.below * LINE_HEIGHT + ROW_GAP;
    }
    x += width + GAP_AFTER[column.role];
  }
  const width = x - GAP_AFTER[columns.at(-1)?.role ?? 'consumer'] + MARGIN;
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const edges = layoutEdges(topology, drawnBindings, byId);
  // The picture ends below what is drawn: boxes, the text lines under them in use so far,
  // dead-letter curves, and falling messages where some fell. Boxes keep their places; only empty room goes.
  const used = usedBelow(topology);
  const lowest = Math.max(
    ...edges.flatMap((edge) => edge.curve.map((point) => point.y)),
    ...nodes.map((node) => {
      const { lines, falls } = used.get(node.id) ?? { lines: 0, falls: false };
      return node.y + node.height + Math.max(lines * LINE_HEIGHT + 6, falls ? FALL_DISTANCE : 0);
    }),
  );
  return { nodes, edges, width, height: Math.max(120, lowest + MARGIN) };
}

/** Per box: how many lines of text it has under it now, and whether messages fell from it. */
function usedBelow(topology: Topology): Map<string, { lines: number; falls: boolean }> {
  const used = new Map<string, { lines: number; falls: boolean }>();
  for (const actor of topology.actors) {
    const returned = topology.publishes.some((publish) => publish.actor === actor.name && publish.returned > 0);
    const errorLines = actor.error === undefined ? 0 : ERROR_LINES;
    used.set(nodeId('producer', actor.name), { lines: (returned ? 1 : 0) + errorLines, falls: false });
    used.set(nodeId('consumer', actor.name), {
      lines: LINES_BELOW.consumer + (actor.lost > 0 ? 1 + actor.recentLost.length : 0) + errorLines,
      falls: false,
    });
  }
  for (const exchange of topology.exchanges) {
    const falls = exchange.unroutable > 0;
    used.set(nodeId('exchange', exchange.name), { lines: falls ? 1 + exchange.recentUnroutable.length : 0, falls });
  }
  for (const queue of topology.queues) {
    const badges = queue.requeued + queue.deadLettered + queue.expired + queue.dropped + queue.lost > 0 ? 1 : 0;
    // The latest arrivals come under a heading of their own.
    const arrivals = queue.recent.length > 0 ? 1 + queue.recent.length : 0;
    used.set(nodeId('queue', queue.name), { lines: badges + arrivals, falls: queue.expired + queue.dropped > 0 });
  }
  return used;
}

function layoutEdges(topology: Topology, bindings: BindingInfo[], byId: Map<string, LaidNode>): LaidEdge[] {
  const edges: LaidEdge[] = [];
  const floor = Math.max(...[...byId.values()].map(lowestPoint));
  const add = (kind: EdgeKind, from: string, to: string, id: string, binding?: BindingInfo): void => {
    const source = byId.get(from);
    const target = byId.get(to);
    if (source === undefined || target === undefined) return;
    const curve = kind === 'dead-letter' ? underCurve(source, target, floor) : forwardCurve(source, target, 0);
    const edge: LaidEdge = { id, kind, from, to, curve, labelAt: pointOn(curve, kind === 'dead-letter' ? 0.6 : 0.5) };
    if (binding !== undefined) edge.binding = binding;
    edges.push(edge);
  };
  for (const publish of topology.publishes) {
    add('publish', nodeId('producer', publish.actor), nodeId('exchange', publish.exchange), `publish:${publish.actor}:${publish.exchange}`);
  }
  for (const binding of bindings) {
    const to = binding.destinationType === 'queue' ? nodeId('queue', binding.destination) : nodeId('exchange', binding.destination);
    add('binding', nodeId('exchange', binding.source), to, bindingEdgeId(binding), binding);
  }
  const consumed = new Set<string>();
  for (const consumer of topology.consumers) {
    const id = `consume:${consumer.queue}:${consumer.actor}`;
    if (consumed.has(id)) continue;
    consumed.add(id);
    add('consume', nodeId('queue', consumer.queue), nodeId('consumer', consumer.actor), id);
  }
  for (const queue of topology.queues) {
    if (queue.deadLetterExchange === undefined) continue;
    add('dead-letter', nodeId('queue', queue.name), nodeId('exchange', queue.deadLetterExchange), `dead-letter:${queue.name}`);
  }
  spreadParallelEdges(edges, byId);
  separateLabels(edges);
  return edges;
}

/** How far along its edge a label may slide, nearest the middle first. */
const LABEL_SPOTS = [0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8];
const LABEL_HEIGHT = 24;

/**
 * Binding labels on edges that leave one exchange together or cross would sit
 * on top of each other at their middles: each one slides along its own edge
 * to the nearest spot clear of the labels placed before it.
 */
function separateLabels(edges: LaidEdge[]): void {
  const placed: { at: Point; width: number }[] = [];
  for (const edge of edges) {
    if (edge.binding === undefined) continue;
    // The label's width as the view writes it: the key cut to at most 20 characters, then the count.
    const width = Math.min(Math.max(edge.binding.routingKey.length, 11), 20) * 8 + 12 + 32;
    const clear = (at: Point): boolean =>
      placed.every((other) => Math.abs(other.at.x - at.x) * 2 >= other.width + width || Math.abs(other.at.y - at.y) >= LABEL_HEIGHT);
    const spot = LABEL_SPOTS.map((t) => pointOn(edge.curve, t)).find(clear);
    if (spot !== undefined) edge.labelAt = spot;
    placed.push({ at: edge.labelAt, width });
  }
}

/** Several bindings between the same exchange and queue fan out, so each key can be read. */
function spreadParallelEdges(edges: LaidEdge[], byId: Map<string, LaidNode>): void {
  const groups = new Map<string, LaidEdge[]>();
  for (const edge of edges) {
    if (edge.kind !== 'binding') continue;
    const key = `${edge.from}>${edge.to}`;
    groups.set(key, [...(groups.get(key) ?? []), edge]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.forEach((edge, index) => {
      const spread = (index - (group.length - 1) / 2) * 34;
      const from = byId.get(edge.from);
      const to = byId.get(edge.to);
      if (from === undefined || to === undefined) return;
      edge.curve = forwardCurve(from, to, spread);
      edge.labelAt = pointOn(edge.curve, 0.5);
    });
  }
}

/** The bottom of a box's text. */
function lowestPoint(node: LaidNode): number {
  return node.y + node.height + node.below * LINE_HEIGHT;
}

/** The id of a binding's edge. */
export function bindingEdgeId(binding: { source: string; destination: string; destinationType: string; routingKey: string }): string {
  return `binding:${binding.source}:${binding.destinationType}:${binding.destination}:${binding.routingKey}`;
}

/** Bindings worth drawing: the default exchange's only once a message went through them. */
function isDrawn(binding: BindingInfo): boolean {
  return binding.implicit ? binding.matched > 0 : true;
}

function exchangeLevels(exchanges: ExchangeInfo[], bindings: BindingInfo[]): Map<string, number> {
  const levels = new Map(exchanges.map((exchange) => [exchange.name, 0]));
  // Longest path from a source exchange, bounded so a binding loop cannot spin.
  const passes = exchanges.length;
  for (let pass = 0; pass < passes; pass += 1) {
    let changed = false;
    for (const binding of bindings) {
      if (binding.destinationType !== 'exchange' || binding.source === binding.destination) continue;
      const level = (levels.get(binding.source) ?? 0) + 1;
      if (level > (levels.get(binding.destination) ?? 0) && level < exchanges.length) {
        levels.set(binding.destination, level);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return levels;
}

/** Right side of one box to the left side of the next, bowed by `spread` in the middle. */
export function forwardCurve(source: LaidNode, target: LaidNode, spread: number): Curve {
  const start = { x: source.x + source.width, y: source.y + source.height / 2 };
  const end = { x: target.x, y: target.y + target.height / 2 };
  const pull = Math.max(40, (end.x - start.x) / 2);
  return [start, { x: start.x + pull, y: start.y + spread * 1.5 }, { x: end.x - pull, y: end.y + spread * 1.5 }, end];
}

/** The way back (a requeue, a return): left side of the later box to the right side of the earlier one, arching above (the text under boxes stays clear). */
export function backCurve(later: LaidNode, earlier: LaidNode): Curve {
  const start = { x: later.x + 6, y: later.y + later.height * 0.25 };
  const end = { x: earlier.x + earlier.width - 6, y: earlier.y + earlier.height * 0.25 };
  const pull = Math.max(40, (start.x - end.x) / 2);
  return [start, { x: start.x - pull, y: start.y - 50 }, { x: end.x + pull, y: end.y - 50 }, end];
}

/** Left of one box, down below `floor` and back up into another (dead letters go back to an exchange on the left). */
export function underCurve(source: LaidNode, target: LaidNode, floor: number): Curve {
  const start = { x: source.x, y: source.y + source.height - 14 };
  const end = { x: target.x + target.width / 2, y: target.y + target.height + target.below * LINE_HEIGHT + 4 };
  const depth = Math.max(floor, start.y, end.y) + 50;
  return [start, { x: start.x - 80, y: depth }, { x: end.x, y: depth }, end];
}

/** Down and away from a box's lower right corner, clear of the text under it: where dropped messages fall. */
export function fallCurve(source: LaidNode): Curve {
  const start = { x: source.x + source.width - 12, y: source.y + source.height - 6 };
  const end = { x: start.x + 40, y: start.y + FALL_DISTANCE };
  return [start, { x: start.x + 10, y: start.y + 30 }, { x: end.x - 10, y: end.y - 20 }, end];
}

/** A small loop over a box: a message back where it was. */
export function loopCurve(node: LaidNode): Curve {
  const start = { x: node.x + node.width * 0.65, y: node.y };
  const end = { x: node.x + node.width * 0.35, y: node.y };
  return [start, { x: start.x + 30, y: start.y - 60 }, { x: end.x - 30, y: end.y - 60 }, end];
}

/** The point at `t` (0..1) along a curve. */
export function pointOn(curve: Curve, t: number): Point {
  const [a, b, c, d] = curve;
  const u = 1 - t;
  const w0 = u * u * u;
  const w1 = 3 * u * u * t;
  const w2 = 3 * u * t * t;
  const w3 = t * t * t;
  return { x: w0 * a.x + w1 * b.x + w2 * c.x + w3 * d.x, y: w0 * a.y + w1 * b.y + w2 * c.y + w3 * d.y };
}

/** SVG path data for a curve. */
export function pathOf(curve: Curve): string {
  const [a, b, c, d] = curve;
  return `M${a.x.toFixed(1)} ${a.y.toFixed(1)}C${b.x.toFixed(1)} ${b.y.toFixed(1)} ${c.x.toFixed(1)} ${c.y.toFixed(1)} ${d.x.toFixed(1)} ${d.y.toFixed(1)}`;
}
