/**
 * The run's picture and totals, drawn in Chromium from runs real brokers
 * recorded: queues with what they received, bindings with their keys and
 * matches, consumers with what they got, unroutable messages named.
 */
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutputElement } from '../../client/src/run/run-output.js';
import '../../client/src/run/run-output.js';
import type { TopologyViewElement } from '../../client/src/run/topology-view.js';
import '../../client/src/run/topology-view.js';
import { allInShadow, inShadow, mount, settled, textOf, unmountAll } from './mount.js';
import { feed, finishedRun, recording, snapshotSeqs, startedRun } from './recorded-runs.js';

/** The picture's queues: name, then the counts its data attributes carry. */
function queues(view: TopologyViewElement): { name: string; received: number; ready: number; unacked: number }[] {
  return allInShadow(view, '[data-queue]').map((queue) => ({
    name: queue.dataset.queue ?? '',
    received: Number(queue.dataset.received),
    ready: Number(queue.dataset.ready),
    unacked: Number(queue.dataset.unacked),
  }));
}

describe('<topology-view>', () => {
  afterEach(unmountAll);

  it('draws the Topics run: both queues with what they received, bindings with keys and matches', async () => {
    const model = finishedRun('topics');
    const view = await mount<TopologyViewElement>(html`<topology-view .model=${model} .speed=${0}></topology-view>`);
    const summary = recording('topics').summary;

    expect(
      queues(view)
        .map(({ name, received }) => [name, received])
        .sort(),
    ).toEqual(Object.entries(summary.routed).sort());
    const bindings = allInShadow(view, 'g[data-binding]').map((binding) => [binding.dataset.binding, Number(binding.dataset.matched)]);
    expect(bindings.sort()).toEqual([
      ['*.*.rabbit', 2],
      ['*.orange.*', 3],
      ['lazy.#', 4],
    ]);
    // A label a learner reads on each binding: the key and how many messages it matched.
    expect(allInShadow(view, 'g[data-binding] text').map(textOf).sort()).toEqual(['*.*.rabbit · 2', '*.orange.* · 3', 'lazy.# · 4']);

    const exchange = inShadow(view, '[data-exchange="topic_logs"]');
    expect(exchange.dataset.type).toBe('topic');
    expect(exchange.dataset.unroutable).toBe('2');
    expect(textOf(exchange)).toContain('quick.brown.fox');
    expect(textOf(exchange)).toContain('quick.orange.male.rabbit');

    // lazy.orange.elephant is listed under both queues.
    for (const queue of allInShadow(view, '[data-queue]')) expect(textOf(queue)).toContain('lazy.orange.elephant');

    const consumers = allInShadow(view, '[data-role="consumer"]').map((actor) => [actor.dataset.actor, Number(actor.dataset.delivered)]);
    expect(consumers).toEqual([
      ['receiver 1', 3],
      ['receiver 2', 5],
    ]);
    expect(inShadow(view, '[data-role="producer"]').dataset.published).toBe('8');
    expect(inShadow(view, '[data-role="producer"]').getAttribute('aria-label')).toBe('producer producer: sent 8, 2 returned');
  });

  it('follows a run as it goes: counts grow with the trace', async () => {
    const { events } = recording('seven-tasks');
    const model = startedRun();
    const view = await mount<TopologyViewElement>(html`<topology-view .model=${model} .speed=${0}></topology-view>`);
    expect(textOf(inShadow(view, '.empty'))).toMatch(/appear here as the run declares them/);

    // Up to the first snapshot: every task published and handed out, none acknowledged yet.
    const [first = 0, afterStop = 0] = snapshotSeqs('seven-tasks');
    feed(
      model,
      events.filter((event) => event.seq <= first),
    );
    await settled(view);
    expect(queues(view)).toEqual([{ name: 'task_queue', received: 7, ready: 0, unacked: 7 }]);

    // A few events at a time, as a run sends them: a flood would be drawn a few times a second instead.
    for (const [after, upTo] of [
      [first, afterStop],
      [afterStop, Infinity],
    ] as const) {
      feed(
        model,
        events.filter((event) => event.seq > after && event.seq <= upTo),
      );
      await settled(view);
    }
    expect(queues(view)).toEqual([{ name: 'task_queue', received: 7, ready: 0, unacked: 0 }]);
    const stopped = inShadow(view, '[data-actor="worker 1"]');
    expect(stopped.dataset.connection).toBe('closed');
    expect(textOf(stopped)).toContain('↺ 4 back to queue');
    expect(inShadow(view, '[data-actor="worker 2"]').dataset.delivered).toBe('7');
  });

  it('animates each message as a dot along its path while it moves', async () => {
    const { events } = recording('topics');
    const model = startedRun();
    const view = await mount<TopologyViewElement>(html`<topology-view .model=${model} .speed=${0.25}></topology-view>`);
    feed(model, events);
    await settled(view);
    const moving = allInShadow(view, '.dots [data-move]').map((dot) => dot.dataset.move);
    expect(moving.length).toBeGreaterThan(0);
    expect(moving.every((kind) => ['publish', 'route', 'deliver', 'return', 'unroutable'].includes(kind ?? ''))).toBe(true);
  });
});

describe('<run-output>', () => {
  afterEach(unmountAll);

  it('composes the counters, the picture, the sequence and the broker panel for one run', async () => {
    const model = finishedRun('topics');
    const output = await mount<RunOutputElement>(html`<run-output .model=${model} .speed=${0}></run-output>`);
    const figure = (name: string): number => Number(inShadow(inShadow(output, 'run-counters'), `[data-counter="${name}"]`).dataset.value);
    expect([figure('published'), figure('delivered'), figure('dropped'), figure('returned')]).toEqual([8, 8, 2, 2]);
    expect(allInShadow(inShadow(output, 'topology-view'), '[data-queue]')).toHaveLength(2);
    expect(allInShadow(inShadow(output, 'sequence-view'), '[data-method]').length).toBeGreaterThan(0);
    expect(inShadow(output, 'broker-panel')).toBeTruthy();
  });
});
