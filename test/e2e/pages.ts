/**
 * What the end-to-end tests do on a workbook page, in a learner's terms:
 * open a lesson, find a run cell, press its buttons, read its views. Every
 * lookup goes through what the page shows (roles, labels, the views' data
 * attributes), piercing the components' open shadow roots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** Where screenshots go, from the repository root. */
const SCREENSHOTS_DIR = 'test-results/screenshots';

/** A run cell's status, as its data-status attribute says. */
export type CellStatus = 'idle' | 'starting' | 'running' | 'paused' | 'finished' | 'stopped' | 'failed' | 'interrupted';

/** How long a lesson's run may take before a test gives up on it. */
const RUN_TIMEOUT_MS = 30_000;

/** Opens a lesson page by address and waits for its first run cell. */
export async function openLesson(page: Page, baseUrl: string, path: string): Promise<void> {
  await page.goto(new URL(path, baseUrl).toString());
  await page.locator('lesson-page section[data-cell]').first().waitFor();
}

/** A run cell's section: its parameter form, code and run controls. */
export function cellSection(page: Page, cellId: string): Locator {
  return page.locator(`lesson-page section[data-cell="${cellId}"]`);
}

/** A button of a run cell's toolbar, by its accessible name (Run, Step, Pause, Resume, Stop, Reset). */
export function runButton(cell: Locator, name: 'Run' | 'Step' | 'Pause' | 'Resume' | 'Stop' | 'Reset'): Locator {
  return cell.locator('run-cell').getByRole('button', { name, exact: true });
}

/** Longer than the views take to redraw while a run floods them (a few times a second). */
const VIEWS_STILL_MS = 200;

/**
 * Waits until a cell's run shows this status. For a status that holds the
 * run still (paused, or ended), also waits until the views have caught up:
 * they redraw a few times a second when many events arrive at once.
 */
export async function waitForStatus(cell: Locator, status: CellStatus, timeout = RUN_TIMEOUT_MS): Promise<void> {
  await cell.locator(`run-cell[data-status="${status}"]`).waitFor({ timeout });
  if (status !== 'starting' && status !== 'running') await waitForStillViews(cell);
}

/** Waits until the counters, the picture's counts, the sequence's row count and the broker panel stay the same for a moment. */
async function waitForStillViews(cell: Locator, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let before = await viewsNow(cell);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, VIEWS_STILL_MS));
    const now = await viewsNow(cell);
    if (now === before) return;
    if (Date.now() > deadline) throw new Error(`the run's views kept changing for ${timeout} ms`);
    before = now;
  }
}

/** What the run's views show now, as one string to compare. */
async function viewsNow(cell: Locator): Promise<string> {
  const attributes = (selector: string): Promise<string[]> =>
    cell
      .locator(selector)
      .evaluateAll((elements) =>
        elements.map((element) => [...element.attributes].map((attribute) => `${attribute.name}=${attribute.value}`).join(' ')),
      );
  const parts = await Promise.all([
    attributes('run-counters [data-counter]'),
    attributes('topology-view [data-queue], topology-view [data-actor], topology-view [data-exchange]'),
    cell.locator('sequence-view .count').allInnerTexts(),
    cell.locator('broker-panel tr').allInnerTexts(),
  ]);
  return JSON.stringify(parts);
}

/** A cell's run status now. */
export async function statusOf(cell: Locator): Promise<string | null> {
  return cell.locator('run-cell').getAttribute('data-status');
}

/** A parameter's input in a cell's form, by its label: the parameter's name (exactly), or a pattern for labels with a hint. */
export function paramInput(cell: Locator, label: string | RegExp): Locator {
  return cell.locator('param-form').getByLabel(label, { exact: true });
}

/** Sets a parameter as a learner types it: clears the field and types the new text. */
export async function typeParam(cell: Locator, label: string | RegExp, text: string): Promise<void> {
  await paramInput(cell, label).fill(text);
}

/** The `data-received` counts of the picture's queues, by name. */
export async function queuesReceived(cell: Locator): Promise<Record<string, number>> {
  const pairs = await cell
    .locator('topology-view [data-queue]')
    .evaluateAll((queues) =>
      queues.map((queue) => [queue.getAttribute('data-queue') ?? '', Number(queue.getAttribute('data-received'))] as const),
    );
  return Object.fromEntries(pairs);
}

/** A figure of the run's counters (published, delivered, acked, requeued, dropped, confirmed ...). */
export async function counter(cell: Locator, name: string): Promise<number> {
  const figure = cell.locator(`run-counters [data-counter="${name}"]`);
  if ((await figure.count()) === 0) return 0;
  return Number(await figure.getAttribute('data-value'));
}

/** The sequence view of a cell. */
export function sequence(cell: Locator): Locator {
  return cell.locator('sequence-view');
}

/** Shows only some kinds of rows in a cell's sequence view, as a learner ticks the filter's boxes. */
export async function showKinds(cell: Locator, kinds: string[]): Promise<void> {
  const boxes = sequence(cell).locator('.kinds label');
  for (const label of await boxes.all()) {
    const name = (await label.innerText()).trim();
    const box = label.locator('input');
    if (kinds.includes(name) !== (await box.isChecked())) await box.click();
  }
}

/** The text of every sequence row drawn now, with its data-method. */
export async function sequenceRows(cell: Locator): Promise<Array<{ method: string; seq: number; text: string }>> {
  return sequence(cell)
    .locator('[data-method]')
    .evaluateAll((rows) =>
      rows.map((row) => ({
        method: row.getAttribute('data-method') ?? '',
        seq: Number(row.getAttribute('data-seq')),
        text: (row.textContent ?? '').replace(/\s+/g, ' ').trim(),
      })),
    );
}

/** The frame inspector's text. */
export async function inspectorText(cell: Locator): Promise<string> {
  return (await sequence(cell).locator('frame-inspector section').innerText()).replace(/\s+/g, ' ');
}

/** A row of the broker panel's list_queues table: ready, unacked, consumers. */
export async function brokerQueue(cell: Locator, name: string): Promise<{ ready: number; unacked: number; consumers: number }> {
  const row = cell.locator(`broker-panel tr[data-queue="${name}"]`);
  const read = async (column: string): Promise<number> => Number(await row.locator(`.${column}`).innerText());
  return { ready: await read('ready'), unacked: await read('unacked'), consumers: await read('consumers') };
}

/** Waits until no message dot is moving in the cell's picture, so a screenshot shows where things ended. */
export async function waitForStillPicture(cell: Locator, timeout = 15_000): Promise<void> {
  await cell.locator('topology-view .dots').waitFor({ state: 'attached', timeout });
  await cell.locator('topology-view .dots .dot').first().waitFor({ state: 'detached', timeout });
}

/** Scrolls a cell's run to just under the page's sticky header and saves a 1280x720 screenshot as <name>.png. */
export async function screenshotRun(page: Page, cell: Locator, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `${name}.png`);
  await cell.locator('run-cell').evaluate((runCell) => {
    const view = runCell.ownerDocument.defaultView!;
    const header = runCell.ownerDocument.querySelector('warren-app')?.shadowRoot?.querySelector('header');
    view.scrollBy(0, runCell.getBoundingClientRect().top - (header?.getBoundingClientRect().height ?? 0) - 8);
  });
  await page.screenshot({ path });
  return path;
}
