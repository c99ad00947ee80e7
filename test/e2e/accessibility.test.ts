/**
 * Accessibility, checked by axe-core in Chromium against the real workbook:
 * the lesson list, every lesson page after its first run cell has run, a
 * saved trace opened on its page, and a run paused with its programs' action buttons showing, each in the
 * light theme, the dark theme and presenter mode, with no
 * serious or critical violation. Presenter mode must also
 * reach WCAG's enhanced contrast: a projector washes colours out.
 *
 * One browser page serves every check; each lesson's first cell runs once
 * and the page is then checked in each mode.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadLessons } from '../../server/lessons/index.js';
import { describeViolations, seriousViolations } from './axe.js';
import { cellSection, openLesson, runButton, waitForStatus } from './pages.js';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import type { BrowserWorkbook } from './workbook.js';
import { present } from '../support/present.js';

const COURSE_LESSONS = fileURLToPath(new URL('../../lessons/', import.meta.url));
const lessons = (await loadLessons(COURSE_LESSONS)).list();

/** A way the page can look, and how a person gets there from the header. */
interface DisplayMode {
  name: string;
  theme: 'Light theme' | 'Dark theme';
  presenter: boolean;
}

const MODES: readonly DisplayMode[] = [
  { name: 'the light theme', theme: 'Light theme', presenter: false },
  { name: 'the dark theme', theme: 'Dark theme', presenter: false },
  // The light theme, as projectors usually show: their washed-out light colours are where contrast is hardest.
  { name: 'presenter mode', theme: 'Light theme', presenter: true },
];

describe('accessibility, checked by axe-core', () => {
  let workbook: BrowserWorkbook;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // axe is added as a script, which the workbook's Content Security Policy forbids; reduced motion
    // makes colour changes take effect at once (no transitions) and keeps moving dots out of the way.
    ({ workbook, browser, page } = await openBrowserPage(pageErrors, { bypassCSP: true, reducedMotion: 'reduce' }));
  });

  afterAll(async () => {
    // Unset when beforeAll failed.
    await closeBrowserPage({ browser, workbook });
  });

  beforeEach(() => {
    pageErrors.length = 0;
  });

  /** Puts the page in a mode with the header's buttons, as a person would. */
  async function showIn(mode: DisplayMode): Promise<void> {
    await page.getByRole('button', { name: mode.theme, exact: true }).click();
    const presenter = page.getByRole('button', { name: 'Presenter', exact: true });
    if ((await presenter.getAttribute('aria-pressed')) !== String(mode.presenter)) await presenter.click();
    expect(await presenter.getAttribute('aria-pressed')).toBe(String(mode.presenter));
  }

  /** Checks the page as it is in every mode; fails with every violation found, mode by mode. */
  async function expectAccessibleInEveryMode(what: string): Promise<void> {
    const found: string[] = [];
    for (const mode of MODES) {
      await showIn(mode);
      const report = describeViolations(await seriousViolations(page, { enhancedContrast: mode.presenter }));
      if (report !== '') found.push(`${what}, in ${mode.name}:\n${report}`);
    }
    expect(found.join('\n\n'), 'serious or critical accessibility violations').toBe('');
    expect(pageErrors).toEqual([]);
  }

  it('the lesson list', async () => {
    await page.goto(workbook.url);
    await page.locator('lesson-list .lessons a').first().waitFor();
    await expectAccessibleInEveryMode('the lesson list');
  });

  it('the Lab page, before any program has connected', async () => {
    await page.goto(`${workbook.url}lab`);
    await page.locator('lab-page lab-builder').getByRole('heading', { name: 'Build in the lab' }).waitFor();
    await page.locator('lab-page run-output').waitFor();
    await expectAccessibleInEveryMode('the Lab page');
  });

  it('the first Tab reaches a skip link, which moves the focus past the header to the content', async () => {
    await page.goto(workbook.url);
    await page.locator('lesson-list .lessons a').first().waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content', exact: true });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    const box = await skip.boundingBox();
    expect(box !== null && box.y >= 0 && box.height > 0).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    // The next Tab goes into the lessons, not back to the header's controls.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('LESSON-LIST');
  });

  it("a paused run's programs, with the buttons to kill, stop or send them again, in Python", async () => {
    await openLesson(page, workbook.url, '/lessons/01-hello-world?language=python');
    const cell = cellSection(page, 'hello');
    await runButton(cell, 'Run').click();
    await cell.getByRole('button', { name: 'Stop consumer', exact: true }).waitFor();
    await runButton(cell, 'Pause').click();
    await waitForStatus(cell, 'paused');
    await expectAccessibleInEveryMode('Hello World, paused with its programs running');
    await runButton(cell, 'Stop').click();
    await waitForStatus(cell, 'stopped');
    // The lessons after this one run in the page's usual language.
    await cell.locator('run-cell').getByRole('button', { name: 'JavaScript', exact: true }).click();
  });

  it('a saved trace, opened on /trace', async () => {
    // The topics run recorded in test/fixtures/traces, as a saved trace file.
    const lines = readFileSync(new URL('../fixtures/traces/05-topics.embedded.jsonl', import.meta.url), 'utf8').split('\n');
    const records = lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
    const file = {
      format: 'warren-trace',
      version: 1,
      savedAt: '2026-12-07T18:00:00.000Z',
      lesson: '05-topics',
      cell: 'animals',
      title: 'Topics: animals',
      language: 'javascript',
      broker: { kind: 'embedded' },
      params: {},
      status: 'finished',
      summary: records.find((record) => 'summary' in record)?.summary,
      events: records.filter((record) => !('summary' in record)),
    };
    await page.goto(new URL('/trace', workbook.url).toString());
    await page
      .getByLabel('Trace file (.json)')
      .setInputFiles({ name: 'topics.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await page.locator('trace-page run-output').waitFor();
    await expectAccessibleInEveryMode('a saved trace');
  });

  for (const lesson of lessons) {
    it(`${lesson.title}, after its first run`, async () => {
      await openLesson(page, workbook.url, `/lessons/${lesson.id}`);
      const first = present(await page.locator('lesson-page section[data-cell]').first().getAttribute('data-cell'), 'a run cell');
      const cell = cellSection(page, first);
      await runButton(cell, 'Run').click();
      await waitForStatus(cell, 'finished');
      await expectAccessibleInEveryMode(`${lesson.title} after running ${first}`);
    });
  }
});
