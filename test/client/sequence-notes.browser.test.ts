/**
 * Actors' printed lines as notes in the sequence of protocol events, in
 * Chromium, from the Topics run a real broker recorded: each note is read
 * whole, never cut off at its lane, and the table of where each routing key
 * went keeps its columns, however narrow the list.
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

const TABLE = [
  '✎ Where each routing key went:',
  '✎   quick.orange.rabbit       -> receiver 1, receiver 2',
  '✎   lazy.orange.elephant      -> receiver 1, receiver 2',
  '✎   quick.orange.fox          -> receiver 1',
  '✎   lazy.brown.fox            -> receiver 2',
  '✎   lazy.pink.rabbit          -> receiver 2',
  '✎   quick.brown.fox           -> dropped: no binding matched (returned)',
  '✎   quick.orange.male.rabbit  -> dropped: no binding matched (returned)',
  '✎   lazy.orange.male.rabbit   -> receiver 2',
];

describe('<sequence-view> notes', () => {
  afterEach(unmountAll);

  it("writes the producer's table whole, its lines one under the other", async () => {
    const view = await mount<SequenceViewElement>(html`<sequence-view .model=${finishedRun('topics')}></sequence-view>`);
    await showOnlyLogs(view);
    const drawn = notes(view);
    const table = drawn.slice(-TABLE.length);
    expect(table.map((note) => note.text)).toEqual(TABLE);
    expect(table.filter((note) => note.cut || note.outside)).toEqual([]);
    // One block: every line starts at the same place, so the arrows line up.
    expect(new Set(table.map((note) => note.left)).size).toBe(1);
    // A line printed on its own stays whole as well.
    expect(drawn.map((note) => note.text)).toContain("✎ [x] lazy.orange.elephant:'Hello World!'");
    expect(drawn.filter((note) => note.cut || note.outside)).toEqual([]);
  });

  it('wraps a line longer than the list is wide onto a second line rather than cutting it', async () => {
    const view = await mount<SequenceViewElement>(
      html`<sequence-view style="display:block;width:34rem" .model=${finishedRun('topics')}></sequence-view>`,
    );
    await showOnlyLogs(view);
    const longest = notes(view).find((note) => note.text.includes('quick.orange.male.rabbit  -> dropped'));
    expect(longest?.text.replace(/\s+/g, ' ')).toBe('✎ quick.orange.male.rabbit -> dropped: no binding matched (returned)');
    expect(longest?.cut).toBe(false);
    expect(longest?.outside).toBe(false);
  });
});
