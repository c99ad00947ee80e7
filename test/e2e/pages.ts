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
export const SCREENSHOTS_DIR = 'test-results/screenshots';

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

/** Waits until a cell's run shows this status. */
export async function waitForStatus(cell: Locator, status: CellStatus, timeout = RUN_TIMEOUT_MS): Promise<void> {
  await cell.locator(`run-cell[data-status="${status}"]`).waitFor({ timeout });
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

/** A queue in the topology picture. */
export function topologyQueue(cell: Locator, name: string): Locator {
  return cell.locator(`topology-view [data-queue="${name}"]`);
}

/** The `data-received` counts of the picture's queues, by name. */
export async function queuesReceived(cell: Locator): Promise<Record<string, number>> {
  const pairs = await cell.locator('topology-view [data-queue]').evaluateAll((queues) =>
    queues.map((queue) => [queue.getAttribute('data-queue') ?? '', Number(queue.getAttribute('data-received'))] as const));
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
  return sequence(cell).locator('[data-method]').evaluateAll((rows) => rows.map((row) => ({
    method: row.getAttribute('data-method') ?? '',
    seq: Number(row.getAttribute('data-seq')),
    text: (row.textContent ?? '').replace(/\s+/g, ' ').trim(),
  })));
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

/** Scrolls a cell's run into view and saves a 1280x720 screenshot as <name>.png. */
export async function screenshotRun(page: Page, cell: Locator, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `${name}.png`);
  await cell.locator('run-cell').evaluate((runCell) => runCell.scrollIntoView({ block: 'start' }));
  // The header is sticky: scroll back by its height so the run's toolbar is not under it.
  await page.mouse.wheel(0, -70);
  await page.waitForTimeout(150);
  await page.screenshot({ path });
  return path;
}
