/**
 * The run controls and the page around them, in Chromium against the real
 * server: step mode one protocol event at a time, pause, resume and stop, the
 * address holding the setup (reload and back/forward), keyboard shortcuts,
 * presenter mode and the themes.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import {
  brokerQueue,
  cellSection,
  counter,
  openLesson,
  paramInput,
  pictureBox,
  queuesReceived,
  runButton,
  screenshotRun,
  sequence,
  statusOf,
  typeParam,
  waitForStatus,
  waitForStillPicture,
} from './pages.js';
import { startBrowserWorkbook, type BrowserWorkbook } from './workbook.js';

/** The protocol frames listed in a cell's sequence view (its log lines and broker decisions left out). */
async function frameRows(cell: Locator): Promise<string[]> {
  const methods = await sequence(cell)
    .locator('[data-method]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-method') ?? ''));
  return methods.filter((method) => method !== 'log' && !method.startsWith('broker.'));
}

/** How many rows the sequence view says it has (it draws only those in view). */
async function rowCount(cell: Locator): Promise<number> {
  return Number((await sequence(cell).locator('.count').innerText()).replace(/\D/g, ''));
}

/** The query of the page's address, decoded, e.g. 'cell=hello&hello.message="Hi"'. */
function query(page: Page): string {
  return decodeURIComponent(new URL(page.url()).search.slice(1));
}

describe('run controls and the page', () => {
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
    // A fresh context per test: no settings, progress or history carried over.
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    pageErrors.length = 0;
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterEach(async () => {
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('Step lets one protocol event through at a time, and every view follows', async () => {
    await openLesson(page, workbook.url, '/lessons/01-hello-world');
    const cell = cellSection(page, 'hello');
    const says = (text: string) => cell.locator('run-cell').getByText(text, { exact: false });
    // Before the run, the cell says what Step does with a connection's handshake.
    await expect.poll(() => says("Step groups each connection's opening handshake").isVisible()).toBe(true);
    await runButton(cell, 'Step').click();
    await waitForStatus(cell, 'paused');
    // The connection's handshake is never held (the broker would time it out): it shows without a step.
    const handshake = [
      'protocol-header',
      'connection.start',
      'connection.start-ok',
      'connection.tune',
      'connection.tune-ok',
      'connection.open',
      'connection.open-ok',
    ];
    await expect.poll(() => frameRows(cell)).toEqual(handshake);
    // And, now that one went through, whose handshake it was and why it did not wait for Step.
    await expect
      .poll(() => says('frames, from protocol-header to connection.open-ok, went through together without waiting for Step').innerText())
      .toMatch(/^Step groups each connection's opening handshake: (consumer|producer)'s frames/);

    const expected = [...handshake, 'channel.open', 'channel.open-ok', 'queue.declare', 'queue.declare-ok'];
    for (let step = handshake.length + 1; step <= expected.length; step += 1) {
      await runButton(cell, 'Step').click();
      await expect.poll(() => frameRows(cell)).toEqual(expected.slice(0, step));
      expect(await statusOf(cell)).toBe('paused');
    }
    // The queue is in the picture and the broker panel as soon as its declare-ok went through.
    expect(await queuesReceived(cell)).toEqual({ hello: 0 });
    expect(await brokerQueue(cell, 'hello')).toEqual({ ready: 0, unacked: 0, consumers: 0 });

    await runButton(cell, 'Resume').click();
    await waitForStatus(cell, 'finished');
    expect(await queuesReceived(cell)).toEqual({ hello: 1 });
  });

  it('Pause holds a run, Resume lets it go on, Stop ends it', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'round-robin');
    await typeParam(cell, 'msPerDot', '400');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'running');
    await expect.poll(() => counter(cell, 'delivered'), { timeout: 10_000 }).toBeGreaterThan(0);

    await runButton(cell, 'Pause').click();
    await waitForStatus(cell, 'paused');
    expect(await cell.locator('run-cell [role="status"]').innerText()).toBe('Paused');
    const acked = await counter(cell, 'acked');
    await page.waitForTimeout(1000);
    expect(await counter(cell, 'acked')).toBe(acked);

    await runButton(cell, 'Resume').click();
    await waitForStatus(cell, 'running');
    await expect.poll(() => counter(cell, 'acked'), { timeout: 10_000 }).toBeGreaterThan(acked);

    await runButton(cell, 'Stop').click();
    await waitForStatus(cell, 'stopped');
    expect(await cell.locator('run-cell [role="status"]').innerText()).toBe('Stopped');
    expect(await counter(cell, 'acked')).toBeLessThan(5);
    expect(await runButton(cell, 'Run').isEnabled()).toBe(true);
    expect(await runButton(cell, 'Stop').isEnabled()).toBe(false);

    await runButton(cell, 'Reset').click();
    await waitForStatus(cell, 'idle');
    expect(await cell.locator('run-output').count()).toBe(0);
  });

  it('keeps the lesson, cell and parameters in the address, and a reload runs the same setup', async () => {
    await openLesson(page, workbook.url, '/lessons/01-hello-world');
    const cell = cellSection(page, 'producer-first');
    await typeParam(cell, 'message', 'From a shared link');
    await typeParam(cell, 'count', '4');
    await expect
      .poll(() => query(page))
      .toBe('cell=producer-first&language=javascript&producer-first.count=4&producer-first.message="From a shared link"');
    expect(new URL(page.url()).pathname).toBe('/lessons/01-hello-world');

    await page.reload();
    const reloaded = cellSection(page, 'producer-first');
    await reloaded.locator('param-form').waitFor();
    expect(await paramInput(reloaded, 'message').inputValue()).toBe('From a shared link');
    expect(await paramInput(reloaded, 'count').inputValue()).toBe('4');
    expect(await reloaded.getAttribute('class')).toContain('active');
    await runButton(reloaded, 'Run').click();
    await waitForStatus(reloaded, 'finished');
    expect(await queuesReceived(reloaded)).toEqual({ hello: 4 });
    expect(await pictureBox(reloaded, 'queue', 'hello')).toContain('→ From a shared link');
  });

  it('goes back and forward through parameter edits and pages', async () => {
    await page.goto(workbook.url);
    await page.locator('lesson-list .lessons a[href="/lessons/01-hello-world"]').click();
    const cell = cellSection(page, 'hello');
    await cell.locator('param-form').waitFor();
    await typeParam(cell, 'message', 'first edit');
    await expect.poll(() => query(page)).toContain('hello.message="first edit"');
    await typeParam(cell, 'count', '3');
    await expect.poll(() => query(page)).toContain('hello.count=3');

    await page.goBack();
    await expect.poll(() => paramInput(cell, 'count').inputValue()).toBe('1');
    expect(await paramInput(cell, 'message').inputValue()).toBe('first edit');
    await page.goBack();
    await expect.poll(() => paramInput(cell, 'message').inputValue()).toBe('Hello World!');
    expect(query(page)).not.toContain('hello.message');
    await page.goForward();
    await expect.poll(() => paramInput(cell, 'message').inputValue()).toBe('first edit');
    await page.goForward();
    await expect.poll(() => paramInput(cell, 'count').inputValue()).toBe('3');

    // Back past the first edit and the lesson's own entry: the lesson list, without a reload.
    await page.goBack();
    await page.goBack();
    await page.goBack();
    await page.locator('lesson-list .lessons').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.goForward();
    await cellSection(page, 'hello').locator('param-form').waitFor();
    expect(new URL(page.url()).pathname).toBe('/lessons/01-hello-world');
  });

  it('runs, steps and stops the active cell from the keyboard, but never while typing', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues?cell=seven-tasks');
    const cell = cellSection(page, 'seven-tasks');
    await paramInput(cell, 'msPerDot').fill('300');
    // Typing r, s and x into a field is text, not a shortcut.
    await paramInput(cell, /^tasks/).press('End');
    await paramInput(cell, /^tasks/).pressSequentially('\nrsx');
    expect(await statusOf(cell)).toBe('idle');
    expect(await paramInput(cell, /^tasks/).inputValue()).toMatch(/\nrsx$/);

    // Out of the field, the cell on the screen is the one the keys act on.
    await paramInput(cell, /^tasks/).blur();
    await page.keyboard.press('r');
    await waitForStatus(cell, 'running');
    await page.keyboard.press('p');
    await waitForStatus(cell, 'paused');
    const rows = await rowCount(cell);
    await page.keyboard.press('s');
    await expect.poll(() => rowCount(cell)).toBeGreaterThan(rows);
    await page.keyboard.press('x');
    await waitForStatus(cell, 'stopped');

    await page.keyboard.press('?');
    const help = page.locator('shortcut-help dialog');
    await help.waitFor();
    expect(await help.innerText()).toContain('Run the cell you are at');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    // Another cell becomes active when the learner works in it: the shortcut follows.
    const other = cellSection(page, 'round-robin');
    await paramInput(other, 'msPerDot').focus();
    await paramInput(other, 'msPerDot').blur();
    await page.keyboard.press('r');
    await waitForStatus(other, 'finished');
    expect(await statusOf(cell)).toBe('stopped');
  });

  it('switches presenter mode and the theme from the header and the keyboard', async () => {
    await openLesson(page, workbook.url, '/lessons/05-topics');
    const html = page.locator('html');
    // Read in the page, as text: these tests are compiled without the DOM's types.
    const background = async (): Promise<string> =>
      String(await page.evaluate('getComputedStyle(document.documentElement).backgroundColor'));
    const fontSize = async (): Promise<number> =>
      Number.parseFloat(String(await page.evaluate('getComputedStyle(document.documentElement).fontSize')));

    await page.getByRole('button', { name: 'Light theme' }).click();
    expect(await html.getAttribute('data-theme')).toBe('light');
    const light = await background();
    await page.getByRole('button', { name: 'Dark theme' }).click();
    expect(await html.getAttribute('data-theme')).toBe('dark');
    expect(await page.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed')).toBe('true');
    const dark = await background();
    expect(dark).not.toBe(light);
    expect(luminance(dark)).toBeLessThan(luminance(light));
    await page.keyboard.press('t');
    expect(await html.getAttribute('data-theme')).toBe('light');

    const normalSize = await fontSize();
    await page.getByRole('button', { name: /Presenter/ }).click();
    expect(await html.getAttribute('data-presenter')).toBe('');
    expect(await fontSize()).toBeGreaterThan(normalSize);
    // Settings are kept: a reload comes back in presenter mode and the light theme.
    await page.reload();
    await page.locator('lesson-page section[data-cell]').first().waitFor();
    expect(await html.getAttribute('data-presenter')).toBe('');
    expect(await html.getAttribute('data-theme')).toBe('light');

    await page.keyboard.press('t');
    const cell = cellSection(page, 'animals');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    expect(await cell.locator('run-output').getAttribute('presenter')).toBe('');
    await waitForStillPicture(cell);
    await screenshotRun(page, cell, 'presenter-dark');
    await page.keyboard.press('f');
    expect(await html.getAttribute('data-presenter')).toBeNull();
  });
});

/** Relative luminance of a CSS rgb() colour, 0 (black) to 1 (white). */
function luminance(color: string): number {
  const [red = 0, green = 0, blue = 0] = (color.match(/[\d.]+/g) ?? []).map(Number);
  return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255;
}
