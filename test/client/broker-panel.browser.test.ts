/**
 * The broker panel in Chromium, fed runs real brokers recorded: the
 * list_queues, list_exchanges and list_bindings tables a learner reads, as
 * they change during the run.
 */
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerPanelElement } from '../../client/src/run/broker-panel.js';
import '../../client/src/run/broker-panel.js';
import type { RunModel } from '../../client/src/run/run-model.js';
import { allInShadow, inShadow, mount, settled, textOf, unmountAll } from './mount.js';
import { feed, firstSeq, recording, snapshotSeqs, startedRun, type RecordingName } from './recorded-runs.js';
import { present } from '../support/present.js';

/** A model that has heard a recorded run up to and including event `seq`. */
function runUpTo(name: RecordingName, seq: number): RunModel {
  const model = startedRun();
  feed(
    model,
    recording(name).events.filter((event) => event.seq <= seq),
  );
  return model;
}

/** The list_queues table as rows of name, ready, unacked, consumers. */
function listQueues(panel: BrokerPanelElement): [string, number, number, number][] {
  const count = (row: HTMLElement, column: string): number => Number(textOf(present(row.querySelector(`.${column}`), `a ${column} cell`)));
  return allInShadow(panel, 'tr[data-queue]').map((row) => [
    row.dataset.queue ?? '',
    count(row, 'ready'),
    count(row, 'unacked'),
    count(row, 'consumers'),
  ]);
}

describe('<broker-panel>', () => {
  afterEach(unmountAll);

  it('lists the queues with ready, unacked and consumer counts, updating as the run goes', async () => {
    const { events } = recording('seven-tasks');
    const [first = 0, afterStop = 0] = snapshotSeqs('seven-tasks');
    const model = startedRun();
    const panel = await mount<BrokerPanelElement>(html`<broker-panel .model=${model}></broker-panel>`);
    expect(textOf(inShadow(panel, 'table.queues tbody'))).toBe('No queues.');

    // The broker's first snapshot: all seven tasks handed out to the two workers.
    feed(
      model,
      events.filter((event) => event.seq <= first),
    );
    await settled(panel);
    expect(listQueues(panel)).toEqual([['task_queue', 0, 7, 2]]);
    expect(textOf(inShadow(panel, '.as-of'))).toContain(`snapshot at #${first}`);

    // Worker 1 has stopped: its four tasks went back and on to worker 2, still unacknowledged.
    feed(
      model,
      events.filter((event) => event.seq > first && event.seq <= afterStop),
    );
    await settled(panel);
    expect(listQueues(panel)).toEqual([['task_queue', 0, 7, 1]]);

    feed(
      model,
      events.filter((event) => event.seq > afterStop),
    );
    await settled(panel);
    expect(listQueues(panel)).toEqual([['task_queue', 0, 0, 0]]);
  });

  it('lists the exchanges in use and every binding with its routing key, as list_bindings does', async () => {
    const panel = await mount<BrokerPanelElement>(
      html`<broker-panel
        .model=${runUpTo('topics', firstSeq('topics', (event) => event.kind === 'frame' && event.method === 'basic.publish') - 1)}
      ></broker-panel>`,
    );
    const queues = listQueues(panel);
    expect(queues.map(([, ready, unacked, consumers]) => [ready, unacked, consumers])).toEqual([
      [0, 0, 1],
      [0, 0, 1],
    ]);
    expect(allInShadow(panel, 'tr[data-queue]').every((row) => textOf(row).includes('(exclusive)'))).toBe(true);

    expect(allInShadow(panel, 'tr[data-exchange]').map(textOf)).toEqual(['topic_logs topic', '(AMQP default) direct']);
    expect(textOf(present(allInShadow(panel, '.as-of').at(-1), 'an as-of line'))).toMatch(
      /^Also there, unused: amq\.direct, amq\.fanout, amq\.topic/,
    );

    const [first, second] = queues.map(([name]) => name);
    const bindings = allInShadow(panel, 'tr[data-binding]').map((row) => [
      row.dataset.source,
      row.dataset.destination,
      row.dataset.binding,
    ]);
    expect(bindings).toEqual([
      ['', first, first],
      ['topic_logs', first, '*.orange.*'],
      ['', second, second],
      ['topic_logs', second, '*.*.rabbit'],
      ['topic_logs', second, 'lazy.#'],
    ]);
  });
});
