/**
 * What a learner reads in a run's views, in Chromium against the embedded
 * broker: the sequence list's lanes stay in one order, whatever the cell and
 * wherever the cursor is. Screenshots go to test-results/screenshots/views-*.png.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import {
  cellSection,
  dragTimeline,
  openLesson,
  pressOnTimeline,
  runButton,
  screenshotRun,
  sequenceLanes,
  timelineSays,
  waitForStatus,
} from './pages.js';
import { startBrowserWorkbook, type BrowserWorkbook } from './workbook.js';

describe('the run views', () => {
  let workbook: BrowserWorkbook;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    workbook = await startBrowserWorkbook({ clientDir: inject('clientDir') });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    // Unset when beforeAll failed.
    await (browser as Browser | undefined)?.close();
    await (workbook as BrowserWorkbook | undefined)?.close();
  });

  it('the sequence lanes read producer, broker, receivers in both Publish/Subscribe cells, at every moment', async () => {
    await openLesson(page, workbook.url, '/lessons/03-publish-subscribe');
    // The receivers start first in one cell and last in the other: the producer stands left of the broker in both.
    for (const cellId of ['receivers-first', 'publish-first']) {
      const cell = cellSection(page, cellId);
      await runButton(cell, 'Run').click();
      await waitForStatus(cell, 'finished');
      const lanes = await sequenceLanes(cell);
      expect(lanes.slice(0, 2)).toEqual(['producer', 'broker']);
      expect([...lanes.slice(2)].sort()).toEqual(['receiver 1', 'receiver 2']);

      // Back to the first event, before anyone published, and forward a step at a time: the lanes stay put.
      await dragTimeline(cell, 0.6, 0);
      expect(await timelineSays(cell)).toMatch(/^Event 1 of /);
      expect(await sequenceLanes(cell)).toEqual(lanes);
      for (let step = 0; step < 40; step += 1) {
        await pressOnTimeline(cell, 'ArrowRight');
        expect(await sequenceLanes(cell)).toEqual(lanes);
      }
      await screenshotRun(page, cell, `views-lanes-${cellId}`);
    }
    expect(pageErrors).toEqual([]);
  });
});
