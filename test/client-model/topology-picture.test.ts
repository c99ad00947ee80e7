/**
 * The topology picture's plain parts, on recorded runs: where boxes go,
 * which way each message's dot takes, how dots are planned and counted, and
 * the sequence view's one-line labels.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameDetail, decisionDetail } from '../../client/src/run/event-labels.js';
import { MoveAnimator } from '../../client/src/run/move-animator.js';
import { MovePaths } from '../../client/src/run/move-paths.js';
import { RunModel } from '../../client/src/run/run-model.js';
import { layoutTopology, nameCharsFitting, nodeId, type LaidNode, type TopologyLayout } from '../../client/src/run/topology-layout.js';
import type { FrameEvent, TraceEvent } from '../../server/protocol/index.js';
import { present } from '../support/present.js';

function recorded(name: string): TraceEvent[] {
  return readFileSync(new URL(`../fixtures/traces/${name}.jsonl`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"kind"'))
    .map((line) => JSON.parse(line) as TraceEvent);
}

function modelOf(name: string): RunModel {
  const model = new RunModel();
  model.apply({ type: 'trace', runId: 'run-1', events: recorded(name) });
  return model;
}

function node(layout: TopologyLayout, id: string): LaidNode {
  const found = layout.nodes.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no box ${id}; there are ${layout.nodes.map((box) => box.id).join(', ')}`);
  return found;
}

describe('layout', () => {
  it('puts producers, exchanges, queues and consumers left to right (Topics)', () => {
    const model = modelOf('05-topics.embedded');
    const layout = layoutTopology(model.topology());
    const queues = model.topology().queues.map((queue) => queue.name);
    const x = (id: string): number => node(layout, id).x;
    expect(x(nodeId('producer', 'producer'))).toBeLessThan(x(nodeId('exchange', 'topic_logs')));
    for (const queue of queues) expect(x(nodeId('exchange', 'topic_logs'))).toBeLessThan(x(nodeId('queue', queue)));
    expect(x(nodeId('queue', present(queues[0])))).toBeLessThan(x(nodeId('consumer', 'receiver 1')));
    // Three bindings, each its own labelled curve, the two into one queue fanned apart.
    const bindings = layout.edges.filter((edge) => edge.kind === 'binding');
    expect(bindings.map((edge) => edge.binding?.routingKey).sort()).toEqual(['*.*.rabbit', '*.orange.*', 'lazy.#']);
    const labels = bindings.map((edge) => `${edge.labelAt.x.toFixed(0)},${edge.labelAt.y.toFixed(0)}`);
    expect(new Set(labels).size).toBe(3);
    // Nothing sticks out of the picture.
    for (const box of layout.nodes) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(layout.width);
      expect(box.y + box.height).toBeLessThanOrEqual(layout.height);
    }
  });

  it('keeps binding labels apart and ends the picture under what is drawn (Topics, RPC, dead letters)', () => {
    for (const name of ['05-topics.embedded', '06-rpc.embedded', 'dead-letters.embedded']) {
      const layout = layoutTopology(modelOf(name).topology());
      const labels = layout.edges.filter((edge) => edge.binding !== undefined).map((edge) => edge.labelAt);
      labels.forEach((label, index) =>
        labels.slice(index + 1).forEach((other) => {
          expect(
            Math.abs(label.x - other.x) >= 100 || Math.abs(label.y - other.y) >= 24,
            `${name}: labels at ${label.x},${label.y} and ${other.x},${other.y}`,
          ).toBe(true);
        }),
      );
      const lowestBox = Math.max(...layout.nodes.map((box) => box.y + box.height));
      const lowestCurve = Math.max(...layout.edges.flatMap((edge) => edge.curve.map((point) => point.y)));
      // The latest arrivals' heading and five arrivals under a queue, and a margin at most: no empty band at the bottom.
      expect(layout.height - Math.max(lowestBox, lowestCurve), name).toBeLessThanOrEqual(6 * 18 + 6 + 24 + 1);
    }
  });

  it('sizes actor boxes to their names, within bounds', () => {
    const model = new RunModel();
    model.apply({ type: 'trace', runId: 'run-1', events: recorded('06-rpc.embedded') });
    const layout = layoutTopology({
      ...model.topology(),
      actors: model.topology().actors.map((actor) => (actor.name === 'rpc client' ? { ...actor, name: 'individual publisher' } : actor)),
      publishes: model
        .topology()
        .publishes.map((publish) => (publish.actor === 'rpc client' ? { ...publish, actor: 'individual publisher' } : publish)),
    });
    const box = node(layout, nodeId('producer', 'individual publisher'));
    expect(nameCharsFitting(box.width)).toBeGreaterThanOrEqual('individual publisher'.length);
    expect(box.width).toBeLessThanOrEqual(240);
  });

  it('gives an actor that publishes and consumes a box on each side (RPC)', () => {
    const layout = layoutTopology(modelOf('06-rpc.embedded').topology());
    expect(node(layout, nodeId('producer', 'rpc client')).x).toBeLessThan(node(layout, nodeId('consumer', 'rpc client')).x);
    expect(layout.edges.some((edge) => edge.kind === 'binding' && edge.binding?.implicit === true)).toBe(true);
  });

  it('puts an exchange bound to another a column further, and a dead-letter exchange at the bottom of its column', () => {
    const layout = layoutTopology(modelOf('dead-letters.embedded').topology());
    expect(node(layout, nodeId('exchange', 'front')).x).toBeLessThan(node(layout, nodeId('exchange', 'jobs')).x);
    const deadLetterExchange = node(layout, nodeId('exchange', 'dlx'));
    expect(deadLetterExchange.x).toBe(node(layout, nodeId('exchange', 'front')).x);
    expect(deadLetterExchange.y).toBeGreaterThan(node(layout, nodeId('exchange', 'front')).y);
    expect(
      layout.edges
        .filter((edge) => edge.kind === 'dead-letter')
        .map((edge) => edge.from)
        .sort(),
    ).toEqual([nodeId('queue', 'short'), nodeId('queue', 'work')]);
  });

  it('keeps boxes where they are while the run fills in their counts', () => {
    const events = recorded('05-topics.embedded');
    const firstPublish = events.findIndex((event) => event.kind === 'frame' && event.method === 'basic.publish');
    const model = new RunModel();
    model.apply({ type: 'trace', runId: 'run-1', events: events.slice(0, firstPublish + 1) });
    const before = layoutTopology(model.topology());
    model.apply({ type: 'trace', runId: 'run-1', events: events.slice(firstPublish + 1) });
    const after = layoutTopology(model.topology());
    for (const box of before.nodes) expect(node(after, box.id)).toMatchObject({ x: box.x, y: box.y });
  });
});

describe('dots', () => {
  it.each([
    '05-topics.embedded',
    '02-work-queues.seven-tasks.embedded',
    '02-work-queues.seven-tasks.rabbitmq',
    'dead-letters.embedded',
    '06-rpc.embedded',
  ])('has a way for every move of %s', (name) => {
    const model = modelOf(name);
    const paths = new MovePaths(layoutTopology(model.topology()));
    const { moves } = model.movesSince(0);
    expect(moves.length).toBeGreaterThan(0);
    for (const move of moves) expect(paths.pathOf(move), `${move.kind} ${move.from.name} -> ${move.to?.name}`).toBeDefined();
  });

  it('draws every message of a small run, each hop after the one before', () => {
    const model = modelOf('02-work-queues.seven-tasks.embedded');
    const paths = new MovePaths(layoutTopology(model.topology()));
    const animator = new MoveAnimator();
    for (const move of model.movesSince(0).moves) {
      const path = present(paths.pathOf(move));
      animator.add(move, path.curve, path.lane, 0);
    }
    expect(animator.notDrawn).toBe(0);
    const starts = new Map<string, number>();
    // Sample the plan: when does each journey's hop first show?
    for (let now = 0; now < 20_000 && animator.busy; now += 10) {
      for (const dot of animator.frame(now, (move) => paths.pathOf(move)?.curve).dots) {
        const key = `${dot.flight.move.journey}:${dot.flight.move.stage}`;
        if (!starts.has(key)) starts.set(key, now);
      }
    }
    const task1 = [0, 1, 2, 3, 4].map((stage) => starts.get(`1:${stage}`));
    expect(task1.every((start) => start !== undefined)).toBe(true);
    for (let stage = 1; stage < task1.length; stage += 1) expect(task1[stage]).toBeGreaterThan(present(task1[stage - 1]));
  });

  it('caps the dots in a flood and counts the rest on their edges', () => {
    const model = modelOf('02-work-queues.seven-tasks.embedded');
    const paths = new MovePaths(layoutTopology(model.topology()));
    const animator = new MoveAnimator(100);
    const moves = model.movesSince(0).moves;
    for (let round = 0; round < 200; round += 1) {
      for (const move of moves) {
        const path = present(paths.pathOf(move));
        animator.add({ ...move, journey: move.journey + round * 100 }, path.curve, path.lane, round);
      }
    }
    const { dots, overflow } = animator.frame(250, (move) => paths.pathOf(move)?.curve);
    expect(dots.length).toBeLessThanOrEqual(100);
    expect(animator.notDrawn).toBeGreaterThan(200 * moves.length - 200);
    expect(overflow.reduce((total, count) => total + count.count, 0)).toBeGreaterThan(0);
  });

  it('shows dots where they arrive, without travel, when motion is reduced', () => {
    const model = modelOf('05-topics.embedded');
    const paths = new MovePaths(layoutTopology(model.topology()));
    const animator = new MoveAnimator();
    animator.reducedMotion = true;
    const [publish] = model.movesSince(0).moves;
    const path = present(paths.pathOf(present(publish)));
    animator.add(present(publish), path.curve, path.lane, 0);
    const [dot] = animator.frame(1, (move) => paths.pathOf(move)?.curve).dots;
    expect(dot).toMatchObject({ progress: 1, still: true, at: path.curve[3] });
  });
});

describe('sequence labels', () => {
  const events = recorded('05-topics.embedded');
  const frame = (method: string): FrameEvent =>
    present(events.find((event): event is FrameEvent => event.kind === 'frame' && event.method === method));

  it('names a frame by its key fields', () => {
    expect(frameDetail(frame('basic.publish'))).toBe('topic_logs ← "quick.orange.rabbit" mandatory · Hello World!');
    expect(frameDetail(frame('queue.bind'))).toMatch(/^"amq\.gen-.+" ← topic_logs key "\*\.orange\.\*"$/);
    expect(frameDetail(frame('basic.return'))).toBe('312 NO_ROUTE: topic_logs ← "quick.brown.fox" · Hello World!');
  });

  it('says where a routed message went and why an unroutable one did not', () => {
    const decisions = events.filter((event) => event.kind === 'broker');
    expect(decisionDetail(present(decisions[1]))).toBe('"lazy.orange.elephant" → 2 queues via lazy.#, *.orange.*');
    const unroutable = present(decisions.find((event) => event.decision === 'unroutable'));
    expect(decisionDetail(unroutable)).toBe('"quick.brown.fox" matched no binding of topic_logs');
  });
});
