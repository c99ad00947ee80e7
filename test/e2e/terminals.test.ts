/**
 * The programs' terminals and their lines in the sequence list, in Chromium
 * against the real workbook server and the embedded broker: Hello World's
 * two terminals side by side, as the tutorial shows them, and the publisher
 * confirms comparison's throughput lines, whole in each publisher's terminal
 * and in the sequence list. Screenshots go to test-results/screenshots/.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  cellSection,
  openLesson,
  runButton,
  screenshotRun,
  sequence,
  sequenceNotes,
  showKinds,
  terminalLines,
  typeParam,
  waitForStatus,
} from './pages.js';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import type { BrowserWorkbook } from './workbook.js';

/** A publisher's throughput line, as the tutorial's program prints it. */
const THROUGHPUT = /^ Published 200 messages (.+) in \d+ ms: \d+ msgs\/s$/;

/** How far a printed time may be from the sequence list's, which writes whole milliseconds from another place on the way. */
const CLOCKS_APART_MS = 50;

/**
 * The time the sequence list writes on the first or the last row of one method, in milliseconds: the list
 * scrolled to its top or its bottom, as a person scrolls it (it draws only the rows around what is in view).
 */
async function rowTime(cell: Locator, method: string, which: 'first' | 'last'): Promise<number> {
  await sequence(cell)
    .locator('.scroller')
    .evaluate((list, top) => {
      list.scrollTop = top ? 0 : list.scrollHeight;
    }, which === 'first');
  const rows = sequence(cell).locator(`[data-method="${method}"] .time`);
  await rows.first().waitFor();
  const time = await (which === 'first' ? rows.first() : rows.last()).innerText();
  const match = /^(\d+) ms$/.exec(time.trim());
  if (match?.[1] === undefined) throw new Error(`a ${method} row's time reads ${time}, not a number of milliseconds`);
  return Number(match[1]);
}

describe("the programs' terminals", () => {
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

  it("Hello World: the producer's terminal says it sent the message, the consumer's that it received it", async () => {
    await openLesson(page, workbook.url, '/lessons/01-hello-world');
    const cell = cellSection(page, 'hello');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');

    // Each program's end is told apart from what it printed: the producer left, the consumer was stopped once the run was quiet.
    expect(await terminalLines(cell, 'producer')).toEqual([" [x] Sent 'Hello World!'", '— exited with code 0 —']);
    expect(await terminalLines(cell, 'consumer')).toEqual([
      ' [*] Waiting for messages in hello. To exit press CTRL+C',
      " [x] Received 'Hello World!'",
      '— stopped with Ctrl-C by the lesson: exited with code 0 —',
    ]);
    // Side by side, as two terminal windows.
    const producer = await cell.getByRole('group', { name: 'Terminal of producer' }).boundingBox();
    const consumer = await cell.getByRole('group', { name: 'Terminal of consumer' }).boundingBox();
    expect(producer?.y).toBe(consumer?.y);
    expect(pageErrors).toEqual([]);
    await screenshotRun(page, cell, 'terminals-hello-world');
  });

  it('Publisher confirms, all three: each throughput line is whole in its terminal and in the sequence list', async () => {
    await openLesson(page, workbook.url, '/lessons/07-publisher-confirms');
    const cell = cellSection(page, 'compare');
    // Few enough that the sequence list keeps every row of the run.
    await typeParam(cell, 'messages', '200');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished', 60_000);

    const throughputs: string[] = [];
    for (const [actor, how] of [
      ['individual publisher', 'individually'],
      ['batch publisher', 'in batches'],
      ['async publisher', 'handling confirms asynchronously'],
    ] as const) {
      const lines = await terminalLines(cell, actor);
      const throughput = lines.find((line) => THROUGHPUT.test(line));
      expect(throughput, `${actor}'s terminal: ${JSON.stringify(lines)}`).toBeDefined();
      expect(THROUGHPUT.exec(throughput ?? '')?.[1]).toBe(how);
      expect(lines.filter((line) => /^ 200 confirmed, 0 nacked, in \d+ basic\.ack frames/.test(line))).toHaveLength(1);
      throughputs.push(throughput ?? '');
    }

    await showKinds(cell, ['Logs']);
    const notes = await sequenceNotes(cell);
    for (const line of throughputs) {
      expect(notes).toContainEqual({ text: `✎${line}`, whole: true });
    }
    expect(notes.filter((note) => !note.whole)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await screenshotRun(page, cell, 'terminals-publisher-confirms');
  });

  it('Publisher confirms: the time each publisher prints is the time from its first publish to its last confirm', async () => {
    await openLesson(page, workbook.url, '/lessons/07-publisher-confirms');
    const cell = cellSection(page, 'compare');
    // Few enough that the list keeps every row, and that the strategies take a few milliseconds each.
    await typeParam(cell, 'messages', '20');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished', 60_000);

    for (const actor of ['individual publisher', 'batch publisher', 'async publisher']) {
      const printed = (await terminalLines(cell, actor)).map((line) => / in (\d+) ms: \d+ msgs\/s$/.exec(line)?.[1]).find(Boolean);
      expect(printed, `${actor}'s terminal prints how long it took`).toBeDefined();
      await sequence(cell).getByLabel('Show the rows of one actor').selectOption(actor);
      await showKinds(cell, ['Messages']);
      const firstPublish = await rowTime(cell, 'basic.publish', 'first');
      await showKinds(cell, ['Acks']);
      const lastConfirm = await rowTime(cell, 'basic.ack', 'last');
      // Not a step of the program's own bookkeeping: it used to read a multiple of 250 ms whatever the strategy.
      expect(
        Math.abs(Number(printed) - (lastConfirm - firstPublish)),
        `${actor} printed ${printed} ms; the list shows its first publish at ${firstPublish} ms, its last confirm at ${lastConfirm} ms`,
      ).toBeLessThanOrEqual(CLOCKS_APART_MS);
    }
    expect(pageErrors).toEqual([]);
  });
});
