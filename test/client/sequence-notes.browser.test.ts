/**
 * Actors' printed lines as notes in the sequence of protocol events, in
 * Chromium, from the Topics run a real broker recorded: each note is read
 * whole, never cut off at its lane, however narrow the list.
 */
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { SequenceViewElement } from '../../client/src/run/sequence-view.js';
import '../../client/src/run/sequence-view.js';
import { allInShadow, mount, settled, textOf, unmountAll } from './mount.js';
import { finishedRun } from './recorded-runs.js';

/** Ticks only the Logs kind in the filter. */
async function showOnlyLogs(view: SequenceViewElement): Promise<void> {
  for (const label of allInShadow<HTMLLabelElement>(view, '.kinds label')) {
    const box = label.control as HTMLInputElement;
    if (box.checked !== (textOf(label) === 'Logs')) await userEvent.click(box);
  }
  await settled(view);
}

/** The notes drawn now, with where their text sits on the page and whether any of it is hidden. */
function notes(view: SequenceViewElement): { text: string; left: number; cut: boolean; outside: boolean }[] {
  return allInShadow(view, '.note').map((note) => {
    const row = note.closest('.row');
    const lanes = note.parentElement?.getBoundingClientRect();
    const box = note.getBoundingClientRect();
    const rowBox = row?.getBoundingClientRect();
    return {
      text: note.innerText,
      left: Math.round(box.left),
      cut: note.scrollWidth > note.clientWidth + 1 || note.scrollHeight > note.clientHeight + 1,
      outside:
        lanes === undefined ||
        rowBox === undefined ||
        box.left < lanes.left - 1 ||
        box.right > lanes.right + 1 ||
        box.top < rowBox.top ||
        box.bottom > rowBox.bottom,
    };
  });
}

describe('<sequence-view> notes', () => {
  afterEach(unmountAll);

  it("writes the producer's lines whole, one under the other", async () => {
    const view = await mount<SequenceViewElement>(html`<sequence-view .model=${finishedRun('topics')}></sequence-view>`);
    await showOnlyLogs(view);
    const drawn = notes(view);
    const producer = drawn.filter((note) => /\[x\] Sent |\[!\] Returned /.test(note.text));
    const printed = [
      'quick.orange.rabbit',
      'lazy.orange.elephant',
      'quick.orange.fox',
      'lazy.brown.fox',
      'lazy.pink.rabbit',
      'quick.brown.fox',
      'quick.orange.male.rabbit',
      'lazy.orange.male.rabbit',
    ].map((key) => `✎ [x] Sent ${key}:'Hello World!'`);
    printed.push('✎ [!] Returned quick.brown.fox: 312 NO_ROUTE', '✎ [!] Returned quick.orange.male.rabbit: 312 NO_ROUTE');
    // The list draws the rows at its end: the producer's last lines, in the order it printed them.
    expect(producer.length).toBeGreaterThanOrEqual(4);
    expect(producer.map((note) => note.text.replace(/\s+/g, ' '))).toEqual(printed.slice(-producer.length));
    expect(producer.filter((note) => note.cut || note.outside)).toEqual([]);
    // One lane: every line of the producer's starts at the same place.
    expect(new Set(producer.map((note) => note.left)).size).toBe(1);
    // A receiver's lines stay whole as well.
    expect(drawn.map((note) => note.text)).toContain("✎ [x] lazy.orange.elephant:'Hello World!'");
    expect(drawn.filter((note) => note.cut || note.outside)).toEqual([]);
  });

  it('wraps a line longer than the list is wide onto a second line rather than cutting it', async () => {
    const view = await mount<SequenceViewElement>(
      html`<sequence-view style="display:block;width:26rem" .model=${finishedRun('topics')}></sequence-view>`,
    );
    await showOnlyLogs(view);
    const longest = notes(view).find((note) => note.text.includes('Returned quick.orange.male.rabbit'));
    expect(longest?.text.replace(/\s+/g, ' ')).toBe('✎ [!] Returned quick.orange.male.rabbit: 312 NO_ROUTE');
    expect(longest?.cut).toBe(false);
    expect(longest?.outside).toBe(false);
  });
});
