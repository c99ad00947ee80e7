/**
 * A saved trace in Chromium: Hello World run on the lesson page, saved with
 * "Save trace" (the browser's download), then opened on /trace from the file
 * input with the workbook server stopped, showing what the live run showed:
 * the same counters, the queue in the broker panel, each program's lines,
 * and the timeline moving every view. A damaged file is refused, saying why.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  brokerQueue,
  cellSection,
  counter,
  openLesson,
  pressOnTimeline,
  runButton,
  terminalLines,
  timelineSays,
  typeParam,
  screenshotRun,
  waitForReplayEnd,
  waitForStatus,
} from './pages.js';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import type { BrowserWorkbook } from './workbook.js';
import { present } from '../support/present.js';

/** Saves a 1280x720 screenshot of the page as it is, beside the other end-to-end screenshots. */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png` });
}

/** What a person reads of a run: its totals, the queue's row in the broker panel and each program's terminal. */
async function figures(view: Locator) {
  return {
    published: await counter(view, 'published'),
    delivered: await counter(view, 'delivered'),
    hello: await brokerQueue(view, 'hello'),
    producer: await terminalLines(view, 'producer'),
    consumer: await terminalLines(view, 'consumer'),
  };
}

describe('a run saved as a trace file and opened again', () => {
  let workbook: BrowserWorkbook;
  let browser: Browser;
  let page: Page;
  let saved: string;
  let live: Awaited<ReturnType<typeof figures>>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ workbook, browser, page } = await openBrowserPage(pageErrors, { acceptDownloads: true }));
    await openLesson(page, workbook.url, '/lessons/01-hello-world');
    const cell = cellSection(page, 'hello');
    await typeParam(cell, 'message', 'Kept for later');
    await typeParam(cell, 'count', '3');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    // The views show the run as the dots replay it: read them once they have reached its end.
    await waitForReplayEnd(cell);
    live = await figures(cell);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      cell.locator('run-cell').getByRole('button', { name: 'Save trace', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^warren-01-hello-world-hello-\d{4}-\d\d-\d\d-\d{4}\.json$/);
    saved = join(tmpdir(), `tracefile-${process.pid}-${download.suggestedFilename()}`);
    copyFileSync(await download.path(), saved);
    await expect(cell.locator('run-cell .saved').innerText()).resolves.toMatch(
      /^Saved warren-01-hello-world-hello-.+\.json \([\d,]+ events\)\.$/,
    );
    await screenshotRun(page, cell, 'trace-saved');
  });

  afterAll(async () => {
    // Unset when beforeAll failed.
    await closeBrowserPage({ browser, workbook });
    rmSync(saved, { force: true });
  });

  it('opens from the lesson list on /trace with the server stopped, and shows what the live run showed', async () => {
    expect(live.published).toBe(3);
    expect(live.consumer.filter((line) => line.includes("Received 'Kept for later'"))).toHaveLength(3);
    await page.goto(workbook.url);
    await page.locator('lesson-list').getByRole('link', { name: 'Open a saved trace' }).click();
    expect(new URL(page.url()).pathname).toBe('/trace');
    await page.getByRole('heading', { name: 'Open a saved trace' }).waitFor();

    // Nothing of the server is needed from here on: no broker, no WebSocket, no API.
    await workbook.stopServer();
    try {
      await page.getByLabel('Trace file (.json)').setInputFiles(saved);
      const view = page.locator('trace-page');
      await view.locator('run-output').waitFor();
      await expect.poll(() => timelineSays(view)).toMatch(/^Event ([\d,]+) of \1: /);

      const run = view.getByRole('region', { name: /Hello World/ });
      const facts = await run.locator('.facts').innerText();
      expect(facts).toContain('01-hello-world');
      expect(facts).toContain('hello');
      expect(facts).toContain('the embedded broker');
      expect(facts).toContain('JavaScript');
      expect(facts).toContain('Finished');
      const params = await run.locator('.params').innerText();
      expect(params).toContain('"Kept for later"');
      expect(params).toContain('3');

      await screenshot(page, 'trace-opened');
      expect(await figures(view)).toEqual(live);
      await screenshot(page, 'trace-opened-broker-panel');

      // Back to the first event: nothing published, no queue yet, nothing received.
      await pressOnTimeline(view, 'Home');
      expect(await timelineSays(view)).toMatch(/^Event 1 of [\d,]+: /);
      expect(await counter(view, 'published')).toBe(0);
      await expect(brokerQueue(view, 'hello')).rejects.toThrow('lists no queue hello');
      expect((await terminalLines(view, 'consumer')).join('\n')).not.toContain('Received');
      await pressOnTimeline(view, 'End');
      expect(await figures(view)).toEqual(live);

      // A named moment of the lesson moves every view there: the producer has just ended, the consumer still runs.
      await view.getByRole('button', { name: 'right after the producer left', exact: true }).click();
      const [at, of] = (/^Event ([\d,]+) of ([\d,]+)/.exec(await timelineSays(view)) ?? [])
        .slice(1)
        .map((n) => Number(n.replace(/,/g, '')));
      expect(at).toBeLessThan(present(of));
      expect((await terminalLines(view, 'producer')).at(-1)).toMatch(/exited with code 0/);
      expect((await terminalLines(view, 'consumer')).join('\n')).not.toMatch(/stopped with Ctrl-C/);
    } finally {
      await workbook.startServer();
    }
    expect(pageErrors).toEqual([]);
  });

  it('refuses a file that is not JSON, and one with a malformed event, saying what is wrong', async () => {
    await page.goto(new URL('/trace', workbook.url).toString());
    const input = page.getByLabel('Trace file (.json)');
    const alert = page.locator('trace-page').getByRole('alert');

    await input.setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('these are my notes') });
    expect(await alert.innerText()).toMatch(/^notes\.json: This file is not JSON \(.+\)\. A saved trace is the JSON file/);

    const file = JSON.parse(readFileSync(saved, 'utf8')) as { events: Record<string, unknown>[] };
    file.events[3] = { ...file.events[3], kind: 'telegram' };
    await input.setInputFiles({ name: 'damaged.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await expect
      .poll(() => alert.innerText())
      .toBe(
        'damaged.json: Event 4 of this trace is malformed: its "kind" must be one of frame, broker, log, state, restart, gap (got "telegram").',
      );
    expect(await page.locator('trace-page run-output').count()).toBe(0);
    await screenshot(page, 'trace-refused');
    expect(pageErrors).toEqual([]);
  });
});
