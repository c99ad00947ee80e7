/**
 * The broker restarted during a run, in Chromium against the real workbook
 * and the embedded broker (with a data directory): the durability cell of
 * lesson 2 shows the durable queue back with its persistent tasks at the
 * moment the prose links to, and the sequence list marks the restart; and
 * "Restart the broker" pressed by hand during a run ends the connected
 * programs, each terminal saying why, the run not counted as failed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import {
  brokerQueue,
  cellSection,
  openLesson,
  runButton,
  screenshotRun,
  sequence,
  showKinds,
  terminalLines,
  typeParam,
  waitForStatus,
} from './pages.js';
import type { BrowserWorkbook } from './workbook.js';

/** The broker's own rows in the sequence list: its decisions and its restart, as the list writes them. */
async function brokerRows(cell: Locator): Promise<string[]> {
  await showKinds(cell, ['Broker decisions']);
  return (await sequence(cell).locator('.decision').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

describe('restarting the broker during a run', () => {
  let workbook: BrowserWorkbook;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ workbook, browser, page } = await openBrowserPage(pageErrors));
  });

  afterAll(async () => {
    // Unset when beforeAll failed.
    await closeBrowserPage({ browser, workbook });
  });

  beforeEach(() => {
    pageErrors.length = 0;
  });

  it('lesson 2: the durable queue is back with its five persistent tasks, and the worker then does them', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues?cell=broker-restart');
    const cell = cellSection(page, 'broker-restart');
    await page.locator('lesson-page prose-cell').getByRole('button', { name: 'the moment it is back', exact: true }).click();
    await waitForStatus(cell, 'finished');
    await expect
      .poll(() => cell.locator('run-cell [role="status"]').filter({ hasText: 'Showing the moment' }).innerText())
      .toBe('Showing the moment the broker back from its restart, before any worker starts.\nShow the end of the run');
    expect(await brokerQueue(cell, 'task_queue')).toEqual({ ready: 5, unacked: 0, consumers: 0 });

    await cell.getByRole('button', { name: 'Show the end of the run' }).click();
    const rows = await brokerRows(cell);
    expect(rows.filter((row) => row.startsWith('⟳ restart'))).toEqual([
      '⟳ restart broker restarting, asked by the lesson: it closes every connection',
      '⟳ restart broker back: durable queues and exchanges and persistent messages kept, the rest gone',
    ]);
    const worker = await terminalLines(cell, 'worker 1');
    expect(worker.filter((line) => line.startsWith(' [x] Received'))).toHaveLength(5);
    expect(pageErrors).toEqual([]);
    await screenshotRun(page, cell, 'broker-restarted-durable-queue');
  });

  it('"Restart the broker" by hand: the workers lose their connections and say so, and the run still finishes', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues?cell=seven-tasks');
    const cell = cellSection(page, 'seven-tasks');
    await typeParam(cell, 'stopWorker', '0');
    await typeParam(cell, 'msPerDot', '400');
    await runButton(cell, 'Run').click();
    const working = async (actor: string): Promise<boolean> =>
      (await terminalLines(cell, actor).catch(() => [])).some((line) => line.startsWith(' [x] Received'));
    await expect.poll(async () => (await working('worker 1')) && (await working('worker 2')), { timeout: 20_000 }).toBe(true);
    await cell.getByRole('button', { name: 'Restart the broker' }).click();
    await expect.poll(() => cell.locator('run-cell .acted').innerText(), { timeout: 30_000 }).toBe('Broker restarted');
    await waitForStatus(cell, 'finished', 60_000);

    for (const actor of ['worker 1', 'worker 2']) {
      const lines = await terminalLines(cell, actor);
      expect(lines.at(-1)).toMatch(/^— ended with the broker's restart, asked by you: (exited with code \d+|ended by SIG\w+) —$/);
    }
    expect(pageErrors).toEqual([]);
    await screenshotRun(page, cell, 'broker-restarted-by-hand');
  });
});
