/**
 * The run's timeline in Chromium: the work-queues seven-task run, scrubbed
 * back with the keyboard and the mouse to moments of the run, and every view
 * (counters, picture, broker panel) showing the figures of that moment;
 * Live back to the end; a sequence row moving the cursor to its event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  brokerQueue,
  cellSection,
  consumerInPicture,
  counter,
  dragTimeline,
  openLesson,
  pressOnTimeline,
  runButton,
  screenshotRun,
  sequence,
  sequenceRows,
  showKinds,
  timeline,
  timelineSays,
  typeParam,
  waitForReplayEnd,
  waitForStatus,
} from './pages.js';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import type { BrowserWorkbook } from './workbook.js';
import { present } from '../support/present.js';

describe('the timeline of a run', () => {
  let workbook: BrowserWorkbook;
  let browser: Browser;
  let page: Page;
  let cell: Locator;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ workbook, browser, page } = await openBrowserPage(pageErrors));
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    cell = cellSection(page, 'seven-tasks');
    await typeParam(cell, 'msPerDot', '20');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    await waitForReplayEnd(cell);
  });

  afterAll(async () => {
    // Unset when beforeAll failed.
    await closeBrowserPage({ browser, workbook });
  });

  /** The figures at the end of the run. */
  async function expectEndFigures(): Promise<void> {
    expect(await counter(cell, 'acked')).toBe(7);
    expect(await counter(cell, 'requeued')).toBe(4);
    expect(await brokerQueue(cell, 'task_queue')).toMatchObject({ ready: 0, unacked: 0 });
    expect(await consumerInPicture(cell, 'worker 2')).toMatchObject({ got: 7, acked: 7 });
  }

  it('steps back with the keyboard to the moment before worker 1 stops: seven tasks unacknowledged', async () => {
    await expectEndFigures();
    // From the newest event back, one event at a time, to the moment worker 1, stopped with Ctrl-C, closes its connection.
    await pressOnTimeline(cell, 'End');
    let says = await timelineSays(cell);
    for (let steps = 0; !says.endsWith('connection.close from worker 1'); steps += 1) {
      if (steps > 200) throw new Error(`never reached worker 1's connection.close; the timeline says "${says}"`);
      await pressOnTimeline(cell, 'ArrowLeft');
      says = await timelineSays(cell);
    }
    await pressOnTimeline(cell, 'ArrowLeft');
    expect(await timelineSays(cell)).not.toContain('connection.close');

    // Every task delivered, none acknowledged: worker 1 holds four, worker 2 three.
    expect(await counter(cell, 'published')).toBe(7);
    expect(await counter(cell, 'acked')).toBe(0);
    expect(await counter(cell, 'requeued')).toBe(0);
    expect(await brokerQueue(cell, 'task_queue')).toEqual({ ready: 0, unacked: 7, consumers: 2 });
    expect(await consumerInPicture(cell, 'worker 1')).toMatchObject({ got: 4, acked: 0 });
    expect(await consumerInPicture(cell, 'worker 2')).toMatchObject({ got: 3, acked: 0 });
    expect(await timeline(cell).getByRole('button', { name: 'Live', exact: true }).getAttribute('aria-pressed')).toBe('false');
  });

  it('drags back to the start, where nothing was published, and Live returns to the end', async () => {
    await dragTimeline(cell, 0.6, 0);
    expect(await timelineSays(cell)).toMatch(/^Event 1 of [\d,]+: protocol-header from worker 1$/);
    expect(await counter(cell, 'published')).toBe(0);
    await expect(brokerQueue(cell, 'task_queue')).rejects.toThrow('lists no queue task_queue');

    await timeline(cell).getByRole('button', { name: 'Live', exact: true }).click();
    await waitForReplayEnd(cell);
    await expectEndFigures();
  });

  it("selecting a sequence row moves the cursor to its event: worker 2's first ack", async () => {
    await showKinds(cell, ['Acks']);
    const acks = (await sequenceRows(cell)).filter((row) => row.method === 'basic.ack');
    expect(acks).toHaveLength(7);
    await sequence(cell)
      .locator(`[data-seq="${present(acks[0]).seq}"]`)
      .click();
    expect(await timelineSays(cell)).toMatch(/: basic\.ack from worker 2$/);
    expect(await counter(cell, 'acked')).toBe(1);
    expect(await consumerInPicture(cell, 'worker 2')).toMatchObject({ acked: 1 });
    // The list runs up to the cursor: the selected ack is its last row.
    expect((await sequenceRows(cell)).filter((row) => row.method === 'basic.ack')).toHaveLength(1);
    // The scrubber at a past moment, in both themes.
    for (const theme of ['Light', 'Dark']) {
      await page.getByRole('button', { name: `${theme} theme` }).click();
      await screenshotRun(page, cell, `timeline-first-ack-${theme.toLowerCase()}`);
    }
    await page.getByRole('button', { name: 'System theme' }).click();
    expect(pageErrors).toEqual([]);
  });
});
