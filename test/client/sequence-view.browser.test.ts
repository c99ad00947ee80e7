/**
 * The sequence of protocol events in Chromium, from the Topics run a real
 * broker recorded: filtering by actor and by kind, selecting a row with the
 * mouse or the keyboard, and the frame inspector showing it in full.
 */
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { SequenceViewElement } from '../../client/src/run/sequence-view.js';
import '../../client/src/run/sequence-view.js';
import { allInShadow, inShadow, mount, settled, textOf, unmountAll } from './mount.js';
import { feed, finishedRun, recording, startedRun } from './recorded-runs.js';
import { present } from '../support/present.js';

/** The rows drawn now: data-method and seq. */
function rows(view: SequenceViewElement): [string, number][] {
  return allInShadow(view, '[data-method]').map((row) => [row.dataset.method ?? '', Number(row.dataset.seq)]);
}

/** Ticks only the named kinds in the filter. */
async function showOnly(view: SequenceViewElement, kinds: string[]): Promise<void> {
  for (const label of allInShadow<HTMLLabelElement>(view, '.kinds label')) {
    const box = label.control as HTMLInputElement;
    if (box.checked !== kinds.includes(textOf(label))) await userEvent.click(box);
  }
  await settled(view);
}

/** What the frame inspector shows. */
function inspector(view: SequenceViewElement): string {
  return textOf(inShadow(inShadow(view, 'frame-inspector'), 'section'));
}

describe('<sequence-view>', () => {
  afterEach(unmountAll);

  it('has a lane per actor and one for the broker, and counts its rows', async () => {
    const view = await mount<SequenceViewElement>(html`<sequence-view .model=${finishedRun('topics')}></sequence-view>`);
    expect(allInShadow(view, '.lane-name').map(textOf)).toEqual(['producer', 'broker', 'receiver 1', 'receiver 2']);
    const total = recording('topics').events.filter((event) => event.kind !== 'state').length;
    expect(textOf(inShadow(view, '.count'))).toBe(`${total} rows`);
    expect(inspector(view)).toMatch(/^Select a row/);
  });

  it('filters by kind: broker decisions alone show what was routed and what matched nothing', async () => {
    const view = await mount<SequenceViewElement>(html`<sequence-view .model=${finishedRun('topics')}></sequence-view>`);
    await showOnly(view, ['Broker decisions']);
    const decisions = recording('topics').events.flatMap((event) =>
      event.kind === 'broker' ? [[`broker.${event.decision}`, event.seq]] : [],
    );
    expect(rows(view)).toEqual(decisions);
    expect(rows(view).filter(([method]) => method === 'broker.unroutable')).toHaveLength(2);
    expect(textOf(inShadow(view, '.count'))).toBe(`${decisions.length} rows`);

    await showOnly(view, []);
    expect(rows(view)).toEqual([]);
    expect(textOf(inShadow(view, '.empty'))).toBe('No rows match the filter.');
  });

  it("filters by actor: one receiver's messages are its three deliveries", async () => {
    const view = await mount<SequenceViewElement>(html`<sequence-view .model=${finishedRun('topics')}></sequence-view>`);
    await showOnly(view, ['Messages']);
    await userEvent.selectOptions(page.getByLabelText('Show the rows of one actor'), 'receiver 1');
    await settled(view);
    expect(rows(view).map(([method]) => method)).toEqual(['basic.deliver', 'basic.deliver', 'basic.deliver']);
    expect(textOf(inShadow(view, '.count'))).toBe('3 rows');
  });

  it('shows a selected row in the frame inspector: fields, properties and body', async () => {
    const view = await mount<SequenceViewElement>(html`<sequence-view .model=${finishedRun('topics')}></sequence-view>`);
    await showOnly(view, ['Messages']);
    const deliver = inShadow(view, '[data-method="basic.deliver"]');
    await userEvent.click(deliver);
    await settled(view);
    expect(deliver.getAttribute('aria-selected')).toBe('true');
    const shown = inspector(view);
    expect(shown).toMatch(/^basic\.deliver #\d+ · [\d.]+ m?s · broker → receiver \d · channel 1/);
    expect(shown).toContain('exchange topic_logs');
    expect(shown).toMatch(/routingKey \w+\.\w+\.\w+/);
    expect(shown).toContain('Body: 12 bytes Hello World!');
  });

  it('lets the selection go when the filter hides its row', async () => {
    const view = await mount<SequenceViewElement>(html`<sequence-view .model=${finishedRun('topics')}></sequence-view>`);
    await showOnly(view, ['Messages']);
    await userEvent.click(inShadow(view, '[data-method="basic.deliver"]'));
    await settled(view);
    expect(inspector(view)).toMatch(/^basic\.deliver/);
    await showOnly(view, ['Broker decisions']);
    expect(inspector(view)).toMatch(/^Select a row/);
  });

  it('keeps the labels of deliveries to the last lane inside the list', async () => {
    const view = await mount<SequenceViewElement>(html`<sequence-view .model=${finishedRun('topics')}></sequence-view>`);
    await showOnly(view, ['Messages']);
    const list = inShadow(view, '[role="listbox"]').getBoundingClientRect();
    const labels = allInShadow(view, '[data-method="basic.deliver"] .label');
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) {
      const box = label.getBoundingClientRect();
      expect(box.right).toBeLessThanOrEqual(list.right);
      expect(box.left).toBeGreaterThanOrEqual(list.left);
      // Nothing cut off: the label is as wide as its text.
      expect(label.scrollWidth).toBeLessThanOrEqual(label.clientWidth + 1);
    }
  });

  it('moves the selection with the arrow keys and clears it with Escape', async () => {
    const view = await mount<SequenceViewElement>(html`<sequence-view .model=${finishedRun('topics')}></sequence-view>`);
    await showOnly(view, ['Broker decisions']);
    const list = inShadow(view, '[role="listbox"]');
    list.focus();
    await userEvent.keyboard('{Home}');
    await settled(view);
    const [first, second] = rows(view);
    expect(list.getAttribute('aria-activedescendant')).toBe(`row-${present(first)[1]}`);
    expect(inspector(view)).toMatch(/^Broker: routed/);
    await userEvent.keyboard('{ArrowDown}');
    await settled(view);
    expect(list.getAttribute('aria-activedescendant')).toBe(`row-${present(second)[1]}`);
    await userEvent.keyboard('{Escape}');
    await settled(view);
    expect(list.hasAttribute('aria-activedescendant')).toBe(false);
    expect(inspector(view)).toMatch(/^Select a row/);
  });

  it('lists the rows up to any moment of a long run, from its first event on', async () => {
    const { events } = recording('topics');
    const model = startedRun();
    let seq = 0;
    const rounds = 200;
    for (let round = 0; round < rounds; round += 1)
      feed(
        model,
        events.map((event) => ({ ...event, seq: (seq += 1) })),
      );
    const perRound = events.filter((event) => event.kind !== 'state').length;
    expect(perRound * rounds).toBeGreaterThan(5000);
    const view = await mount<SequenceViewElement>(html`<sequence-view .model=${model}></sequence-view>`);
    expect(textOf(inShadow(view, '.count'))).toBe(`${(perRound * rounds).toLocaleString('en')} rows`);

    // Three rounds from the end of the run: the list ends at the cursor's event.
    const lastRow = present(events.findLast((event) => event.kind !== 'state'));
    const cursor = lastRow.seq + events.length * (rounds - 4);
    model.moveCursor(cursor);
    await settled(view);
    expect(textOf(inShadow(view, '.count'))).toBe(`${(perRound * (rounds - 3)).toLocaleString('en')} rows`);
    expect(rows(view).at(-1)?.[1]).toBe(cursor);

    // The first row is the run's first event.
    const list = inShadow(view, '[role="listbox"]');
    list.focus();
    await userEvent.keyboard('{Home}');
    await settled(view);
    expect(list.getAttribute('aria-activedescendant')).toBe('row-1');
    expect(rows(view)[0]).toEqual(['protocol-header', 1]);
  });
});
