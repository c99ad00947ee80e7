/**
 * When things go wrong, in Chromium against the real server: the server
 * restarts under an open page (the page says so, reconnects and works
 * again), a run is cut off by it, a run fails on its parameters, and the
 * broker goes away. Each failure is told in the cell as an explanation, the
 * raw error folded away beneath it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { cellSection, openLesson, paramInput, queuesReceived, runButton, typeParam, waitForStatus } from './pages.js';
import { startBrowserWorkbook, type BrowserWorkbook } from './workbook.js';

/** The failure box of a run cell: its explanation and the raw error under "Raw error". */
async function failureOf(cell: Locator): Promise<{ title: string; explanation: string; raw: string; rawOpen: boolean }> {
  const failure = cell.locator('run-cell .failure');
  await failure.waitFor();
  return {
    title: await failure.locator('.failure-head').innerText(),
    explanation: await failure.locator('.explanation').innerText(),
    raw: (await failure.locator('details pre').textContent()) ?? '',
    rawOpen: (await failure.locator('details').getAttribute('open')) !== null,
  };
}

/** The connection notice at the foot of the window. */
function banner(page: Page): Locator {
  return page.locator('connection-banner .banner');
}

describe('when things go wrong', () => {
  let workbook: BrowserWorkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    workbook = await startBrowserWorkbook({ clientDir: inject('clientDir') });
    browser = await launchChromium();
  });

  afterAll(async () => {
    // Unset when beforeAll failed.
    await (browser as Browser | undefined)?.close();
    await (workbook as BrowserWorkbook | undefined)?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context.close();
  });

  it('reconnects after the server restarts, says so, and runs again', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'round-robin');
    await typeParam(cell, 'msPerDot', '500');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'running');

    await workbook.stopServer();
    await banner(page).filter({ hasText: 'Lost the connection to the workbook server. Reconnecting…' }).waitFor();
    // The run was cut off with the connection: the cell says what happened and what to do.
    const cutOff = await failureOf(cell);
    expect(cutOff.title).toBe('The run was interrupted');
    expect(cutOff.explanation).toMatch(/connection to the workbook server was lost .* run the cell again/);
    expect(await runButton(cell, 'Run').isDisabled()).toBe(true);

    await workbook.startServer();
    await banner(page).filter({ hasText: 'Connected again' }).waitFor({ timeout: 15_000 });
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    expect(await queuesReceived(cell)).toEqual({ task_queue: 5 });
  });

  it('explains a run that fails on its parameters, with the raw error folded away', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'seven-tasks');
    await paramInput(cell, 'workers').fill('1');
    await paramInput(cell, 'stopWorker').fill('2');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'failed');
    const failure = await failureOf(cell);
    expect(failure.title).toBe('The run failed');
    expect(failure.explanation).toContain('stopWorker is 2 but there are only 1 workers: use 0 (none) or 1 to 1');
    expect(failure.rawOpen).toBe(false);
    // An explanation, not a stack trace.
    expect(failure.explanation).not.toMatch(/\n\s+at /);
    expect(await cell.locator('run-cell [role="status"]').innerText()).toBe('Failed');
  });
});

describe('when the broker goes away', () => {
  let workbook: BrowserWorkbook;
  let browser: Browser;

  beforeAll(async () => {
    workbook = await startBrowserWorkbook({ clientDir: inject('clientDir') });
    browser = await launchChromium();
  });

  afterAll(async () => {
    // Unset when beforeAll failed.
    await (browser as Browser | undefined)?.close();
    await (workbook as BrowserWorkbook | undefined)?.close();
  });

  it('explains that the embedded broker has stopped', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await openLesson(page, workbook.url, '/lessons/01-hello-world');
    await workbook.broker.close();
    const cell = cellSection(page, 'hello');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'failed');
    const failure = await failureOf(cell);
    expect(failure.explanation).toMatch(/^Nothing answers at 127\.0\.0\.1:\d+: the embedded broker has stopped\. Restart the workbook\.$/);
    expect(failure.raw).toMatch(/ECONNREFUSED/);
  });
});
