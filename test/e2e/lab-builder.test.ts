/**
 * Building in the lab from the Lab page, in Chromium against a workbook
 * with a lab in front of the embedded broker: an exchange, a queue with a
 * max length and a binding made with the forms, then seen where a person
 * looks (the broker panel's list_queues and list_bindings, the picture); a
 * bad value explained beside its field before anything is sent, and the
 * broker's own refusal shown under the form. Screenshots go to
 * test-results/screenshots/labbuild-*.png.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.js';
import { describeViolations, seriousViolations } from './axe.js';
import { bindingLabels, brokerList, pictureBox, showBrokerList } from './pages.js';
import { startBrowserWorkbook, type BrowserWorkbook } from './workbook.js';

const FIXTURE_LESSONS = fileURLToPath(new URL('../fixtures/lessons/', import.meta.url));

describe('building in the lab from the Lab page', () => {
  /** What beforeAll started, closed by afterAll however far it got. */
  const started: { workbook?: BrowserWorkbook; browser?: Browser } = {};
  let workbook: BrowserWorkbook;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync('test-results/screenshots', { recursive: true });
    workbook = started.workbook = await startBrowserWorkbook({ clientDir: inject('clientDir'), lessonsDir: FIXTURE_LESSONS });
    const browser = (started.browser = await launchChromium());
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await started.browser?.close();
    await started.workbook?.close();
  });

  const builder = (): Locator => page.locator('lab-builder');
  const tab = (name: string): Promise<void> => builder().getByRole('tab', { name, exact: true }).click();
  const fill = (label: string, text: string): Promise<void> => builder().getByLabel(label, { exact: true }).fill(text);
  const press = (name: string): Promise<void> => builder().getByRole('button', { name, exact: true }).click();
  const answer = (): Locator => builder().getByTestId('lab-build-answer');

  it('declares an exchange, a queue with a max length and a binding, and the lab shows them', async () => {
    await page.goto(`${workbook.url}lab`);
    await builder().getByRole('heading', { name: 'Build in the lab' }).waitFor();

    await tab('Exchange');
    await fill('Name', 'orders');
    await builder().getByLabel('Type', { exact: true }).selectOption('direct');
    await press('Declare exchange');
    await expect.poll(() => answer().innerText()).toBe("Declared the direct exchange 'orders'.");

    // A bad value is explained beside its field, and nothing is sent.
    await tab('Queue');
    await fill('Name', 'bounded');
    await fill('Max length', 'lots');
    await press('Declare queue');
    const maxLength = builder().getByLabel('Max length', { exact: true });
    await expect.poll(() => maxLength.getAttribute('aria-invalid')).toBe('true');
    expect(await builder().getByTestId('field-error').allInnerTexts()).toEqual([
      'the max length must be a whole number from 0 to 9,007,199,254,740,991 messages, got "lots"',
    ]);
    expect(await answer().innerText()).toBe('One thing to fix before this goes to the broker.');
    await page.screenshot({ path: 'test-results/screenshots/labbuild-form-error.png', fullPage: false });
    const violations = await seriousViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await fill('Max length', '3');
    await builder().getByLabel('When full', { exact: true }).selectOption('reject-publish');
    await press('Declare queue');
    await expect.poll(() => answer().innerText()).toBe("Declared the queue 'bounded' (0 messages, 0 consumers).");
    expect(await builder().getByTestId('field-error').count()).toBe(0);

    await tab('Bind');
    // The name fields suggest what the lab has: the exchange just declared, for one.
    expect(await builder().getByLabel('From exchange', { exact: true }).getAttribute('list')).toBe('lab-exchanges');
    await expect
      .poll(() =>
        builder()
          .locator('datalist#lab-exchanges option')
          .evaluateAll((options) => options.map((option) => option.getAttribute('value'))),
      )
      .toContain('orders');
    await fill('From exchange', 'orders');
    await fill('Queue or exchange', 'bounded');
    await fill('Routing key', 'new');
    await press('Bind');
    await expect.poll(() => answer().innerText()).toBe("Bound queue 'bounded' to the exchange 'orders' with routing key \"new\".");

    await builder().getByRole('tab', { name: 'Bind' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screenshots/labbuild-bind.png' });

    const views = page.locator('lab-page');
    await showBrokerList(views, 'list_queues');
    await expect
      .poll(async () => (await brokerList(views)).rows.find((row) => row.name === 'bounded')?.arguments)
      .toMatch(/x-max-length.*3/);
    await showBrokerList(views, 'list_bindings');
    await expect
      .poll(async () =>
        (await brokerList(views)).rows.some((row) => Object.values(row).join(' ').includes('orders') && Object.values(row).includes('new')),
      )
      .toBe(true);
    expect((await pictureBox(views, 'queue', 'bounded')).length).toBeGreaterThan(0);
    expect(await pictureBox(views, 'exchange', 'orders')).toBeDefined();
    expect(await bindingLabels(views)).toContain('new');
    await views.locator('topology-view').evaluate((picture) => {
      picture.scrollIntoView({ block: 'start' });
      picture.ownerDocument.defaultView?.scrollBy(0, -80);
    });
    await page.screenshot({ path: 'test-results/screenshots/labbuild-picture.png' });
  });

  it("shows the broker's refusal under the form: the same queue declared with another max length", async () => {
    await tab('Queue');
    await fill('Name', 'bounded');
    await fill('Max length', '5');
    await press('Declare queue');
    const refusal = builder().getByRole('alert');
    await expect
      .poll(() => refusal.innerText())
      .toBe(
        "the broker refused (406): PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'bounded' in vhost '/': received '5' but current is '3' — it exists already with other settings, or an argument has a value the broker does not accept",
      );
    await builder().scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screenshots/labbuild-refusal.png' });
    expect(pageErrors).toEqual([]);
  });
});
