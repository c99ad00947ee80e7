/**
 * Presenter mode on a 1280x720 projector, in Chromium against the real
 * server: the keyboard acts on the cell the presenter is showing. Turning
 * presenter mode on or off (f) keeps that cell on the screen, and r runs it,
 * never a cell scrolled out of sight; a cell holding the focus comes first.
 * In a narrow window, the picture says that part of it is out of sight.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { cellSection, openLesson, runButton, screenshotRun, sequence, statusOf, waitForStatus } from './pages.js';
import { startBrowserWorkbook, type BrowserWorkbook } from './workbook.js';

/** Whether a person sees this element: inside the window and not under anything else (the sticky header, say). */
async function onScreen(target: Locator): Promise<boolean> {
  return target.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const view = element.ownerDocument.defaultView;
    if (view === null || box.bottom <= 0 || box.top >= view.innerHeight) return false;
    // Near the element's start (a wide title's middle may be empty space) and halfway down.
    const x = Number(box.left) + Math.min(Number(box.width) / 2, 20);
    const y = Number(box.top) + Number(box.height) / 2;
    // The topmost element there, looked for through the shadow roots on the way down.
    let hit = element.ownerDocument.elementFromPoint(x, y);
    while (hit?.shadowRoot) {
      const inner = hit.shadowRoot.elementFromPoint(x, y);
      if (inner === null || inner === hit) break;
      hit = inner;
    }
    // Up from there, out of shadow roots too: is it the element or inside it?
    let node = hit;
    while (node !== null && node !== element) node = node.parentElement ?? (node.getRootNode() as { host?: typeof node }).host ?? null;
    return node === element;
  });
}

/** The rows of a cell's sequence list whose writing sticks out of the row, into the rows around it. */
async function overlappingRows(cell: Locator): Promise<string[]> {
  return sequence(cell)
    .locator('[data-method]')
    .evaluateAll((rows) =>
      rows.flatMap((row) => {
        const box = row.getBoundingClientRect();
        const parts = [...row.querySelectorAll('.seq, .time, .label, .decision, .note, .gap')];
        const sticksOut = parts.some((part) => {
          const partBox = part.getBoundingClientRect();
          return Number(partBox.top) < Number(box.top) - 1 || Number(partBox.bottom) > Number(box.bottom) + 1;
        });
        return sticksOut ? [(row.textContent ?? '').replace(/\s+/g, ' ').trim()] : [];
      }),
    );
}

/** Presenter mode's smallest type, in CSS pixels: 16 px reads from the back of a classroom on a 1280x720 projector. */
const SMALLEST_PRESENTER_PX = 16;

/**
 * The writing in a run cell's views (every shadow root down) that is drawn smaller than `px` on the screen, as
 * "text (size)". A picture's SVG text counts at the size it is drawn, after the picture is scaled to fit.
 */
async function smallWriting(cell: Locator, px: number): Promise<string[]> {
  return cell.locator('run-cell').evaluate((root, least) => {
    // This runs in the page: the elements to look into, the run cell and every shadow root under it.
    const found: string[] = [];
    const view = root.ownerDocument.defaultView;
    if (view === null) throw new Error('the run cell is not in a window');
    const pending = [root.shadowRoot ?? root];
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      for (const child of node.children) {
        const ownText = [...child.childNodes]
          .filter((text) => text.nodeType === 3)
          .map((text) => text.textContent ?? '')
          .join('')
          .trim();
        const box = child.getBoundingClientRect();
        const style = view.getComputedStyle(child);
        if (ownText !== '' && Number(box.width) > 0 && style.visibility !== 'hidden' && child.closest('.sr-only') === null) {
          // SVG text is drawn at its size times the picture's scale.
          const svg = child as { getScreenCTM?: () => { a: number } | null };
          const scale = svg.getScreenCTM?.()?.a ?? 1;
          const size = Number.parseFloat(String(style.fontSize)) * scale;
          if (size < least - 0.05) found.push(`${ownText.slice(0, 40)} (${size.toFixed(1)} px)`);
        }
        if (child.shadowRoot) pending.push(child.shadowRoot);
        pending.push(child);
      }
    }
    return found;
  }, px);
}

/** A cell's title, as the page writes it above the cell. */
function titleOf(cell: Locator): Locator {
  return cell.locator('.cell-head h3');
}

/** What a cell's run status says. */
async function statusText(cell: Locator): Promise<string> {
  return cell.locator('run-cell [role="status"]').innerText();
}

describe('presenter mode and the keyboard', () => {
  let workbook: BrowserWorkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

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
    pageErrors.length = 0;
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterEach(async () => {
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('f keeps the cell on the screen in view, and r runs that cell rather than the one the address named', async () => {
    // The address makes the first cell active; the presenter scrolls on to the next one.
    await openLesson(page, workbook.url, '/lessons/02-work-queues?cell=round-robin');
    const named = cellSection(page, 'round-robin');
    const shown = cellSection(page, 'seven-tasks');
    await shown.evaluate((section) => section.scrollIntoView({ block: 'start' }));
    expect(await onScreen(titleOf(shown))).toBe(true);
    expect(await onScreen(titleOf(named))).toBe(false);

    await page.keyboard.press('f');
    const presenter = page.getByRole('button', { name: 'Presenter', exact: true });
    expect(await presenter.getAttribute('aria-pressed')).toBe('true');
    // The larger type moves everything down the page: the cell is brought back to where it was.
    await expect.poll(() => onScreen(titleOf(shown))).toBe(true);

    await page.keyboard.press('r');
    await expect.poll(() => statusText(shown)).toMatch(/^(Starting|Running|Finished)/);
    expect(await statusText(named)).toBe('Not run yet');
    expect(await statusOf(named)).toBe('idle');
    expect(await onScreen(titleOf(shown))).toBe(true);
    await waitForStatus(shown, 'finished');
    // The large type fits the list's rows: none writes over its neighbours.
    expect(await sequence(shown).locator('[data-method]').count()).toBeGreaterThan(10);
    expect(await overlappingRows(shown)).toEqual([]);
    await screenshotRun(page, shown, 'presenter-shortcuts');

    // Further down the cell, at its picture, and out of presenter mode: the picture stays on the screen.
    const picture = shown.locator('topology-view');
    await picture.evaluate((view) => view.scrollIntoView({ block: 'center' }));
    await page.keyboard.press('f');
    expect(await presenter.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => onScreen(picture)).toBe(true);
  });

  it('in a window 800 pixels wide, the picture says part of it is out of sight, and scrolls to the consumers', async () => {
    await page.setViewportSize({ width: 800, height: 720 });
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'round-robin');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    const picture = cell.locator('topology-view');
    const worker = picture.getByRole('img', { name: /^consumer worker 2/ });
    expect(await onScreen(worker)).toBe(false);
    expect(await picture.getByText('Part of the picture is out of sight').innerText()).toContain('scroll it sideways');
    // The keyboard scrolls it: the picture takes the focus, and the arrow keys move it along.
    await picture.locator('.scroller').focus();
    for (let press = 0; press < 20; press += 1) await page.keyboard.press('ArrowRight');
    await expect.poll(() => onScreen(worker)).toBe(true);
    await screenshotRun(page, cell, 'narrow-window-picture');
  });

  it('from the back of a classroom: after a run, nothing in the picture, the sequence list, the counters or the broker panel is written smaller than 16 px', async () => {
    await openLesson(page, workbook.url, '/lessons/01-hello-world?cell=hello');
    await page.keyboard.press('f');
    const cell = cellSection(page, 'hello');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    expect(await sequence(cell).locator('[data-method]').count()).toBeGreaterThan(10);
    expect(await smallWriting(cell, SMALLEST_PRESENTER_PX)).toEqual([]);
    await screenshotRun(page, cell, 'presenter-type-sizes');
  });

  it('r runs the cell holding the focus', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues?cell=seven-tasks');
    await page.getByRole('button', { name: 'Presenter', exact: true }).click();
    const focused = cellSection(page, 'round-robin');
    const other = cellSection(page, 'seven-tasks');
    // The program's code block takes the focus (a keyboard user can scroll it); r typed there is a shortcut, not text.
    await focused.locator('code-cell pre').focus();
    await page.keyboard.press('r');
    await expect.poll(() => statusText(focused)).toMatch(/^(Starting|Running|Finished)/);
    expect(await statusOf(other)).toBe('idle');
  });
});
