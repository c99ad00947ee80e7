/**
 * Lesson 8's sections that show something no other page does, in Chromium
 * against the real workbook server: guest refused on another machine, with
 * the broker's log in a pane of its own beside the program's terminal, and a
 * broker that will not start, whose configuration file is the cell's code.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { anotherMachineUnavailable } from '../../server/programs/another-machine.js';
import { cellSection, openLesson, runButton, screenshotRun, terminalLines, waitForStatus } from './pages.js';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import type { BrowserWorkbook } from './workbook.js';

const LESSON = '/lessons/08-when-things-go-wrong';
const noAnotherMachine = anotherMachineUnavailable();
if (noAnotherMachine !== undefined && process.env.CI === 'true') {
  throw new Error(`the guest-remote cell must run under CI, but ${noAnotherMachine}`);
}

describe('lesson 8 in the browser: guest from afar and a broker that will not start', () => {
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

  it.skipIf(noAnotherMachine !== undefined)(
    "guest-remote: the producer's terminal shows the refusal, the broker log pane the reason",
    async () => {
      await openLesson(page, workbook.url, LESSON);
      const cell = cellSection(page, 'guest-remote');
      await runButton(cell, 'Run').click();
      await waitForStatus(cell, 'finished');
      const producer = await terminalLines(cell, 'producer');
      expect(producer).toContain(" [!] The broker refused user 'guest': see the broker's log for why");
      expect(producer.some((line) => line.includes('403 (ACCESS-REFUSED)'))).toBe(true);
      expect(producer.at(-1)).toBe('— exited with code 1 —');
      expect(await terminalLines(cell, 'broker log')).toContain("[error] PLAIN login refused: user 'guest' can only connect via localhost");
      expect(pageErrors).toEqual([]);
      await screenshotRun(page, cell, 'troubles-guest-remote');
    },
  );

  it("config-trailing-comma: the code is the file, rabbitmq.config, and the broker's terminal says where it is wrong", async () => {
    await openLesson(page, workbook.url, LESSON);
    const cell = cellSection(page, 'config-trailing-comma');
    await expect.poll(() => cell.locator('.file').first().innerText()).toBe('rabbitmq.config');
    expect(await cell.locator('pre.code-block').innerText()).toContain('{loopback_users, []},');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    // Both lines are marked as the broker's standard error.
    expect(await terminalLines(cell, 'broker process')).toEqual([
      'stderr warren broker: Failed to load advanced configuration file "rabbitmq.config": rabbitmq.config:9: syntax error before: \']\'',
      "stderr   a comma needs another element after it: remove the comma before ']'",
      '— exited with code 2 —',
    ]);
    expect(pageErrors).toEqual([]);
    await screenshotRun(page, cell, 'troubles-config-trailing-comma');
  });
});
