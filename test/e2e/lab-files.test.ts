/**
 * The Lab page's files in Chromium, on a workbook with a lab in front of its
 * embedded broker: a definitions file loaded through the file input is
 * reported item by item (one binding refused, the users left out) and its
 * queues appear in the broker panel; Save the topology downloads them again;
 * Save trace downloads what the lab saw, which /trace opens with its queue.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Result } from 'axe-core';
import type { Browser, Download, Page } from 'playwright-core';
import { describeViolations, seriousViolations } from './axe.js';
import { launchChromium } from './chromium.js';
import { brokerList, brokerQueue, showBrokerList } from './pages.js';
import { startBrowserWorkbook, type BrowserWorkbook } from './workbook.js';

/** Where this file's screenshots go. */
const SCREENSHOTS = 'test-results/screenshots';

/** A per-vhost definitions file as rabbitmqctl export_definitions writes one, with a binding the broker refuses. */
const DEFINITIONS = {
  rabbit_version: '3.12.0',
  users: [{ name: 'alice', password_hash: 'x', hashing_algorithm: 'rabbit_password_hashing_sha256', tags: [] }],
  exchanges: [
    { name: 'orders', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} },
    { name: 'audit', type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} },
  ],
  queues: [
    { name: 'orders.eu', durable: true, auto_delete: false, arguments: {} },
    { name: 'audit.log', durable: true, auto_delete: false, arguments: { 'x-max-length': 100 } },
  ],
  bindings: [
    { source: 'orders', destination: 'orders.eu', destination_type: 'queue', routing_key: 'eu.#', arguments: {} },
    { source: 'audit', destination: 'audit.log', destination_type: 'queue', routing_key: '', arguments: {} },
    { source: 'orders', destination: 'nowhere', destination_type: 'queue', routing_key: 'x', arguments: {} },
  ],
};

/** axe's serious and critical findings on elements inside the first `tag` element (through shadow roots). */
async function violationsIn(page: Page, tag: string): Promise<Result[]> {
  const inside = (node: Result['nodes'][number]): boolean =>
    node.target.some((selector) => (Array.isArray(selector) ? selector : [selector]).some((part) => part.startsWith(tag)));
  return (await seriousViolations(page))
    .map((violation) => ({ ...violation, nodes: violation.nodes.filter(inside) }))
    .filter((violation) => violation.nodes.length > 0);
}

/** What a downloaded file holds, as JSON. */
async function downloaded(download: Download): Promise<unknown> {
  return JSON.parse(readFileSync(await download.path(), 'utf8'));
}

describe('the Lab page saves and loads its topology and trace', () => {
  // Unset when beforeAll failed before starting them.
  let workbook: BrowserWorkbook | undefined;
  let browser: Browser | undefined;
  let url: string;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    workbook = await startBrowserWorkbook({ clientDir: inject('clientDir') });
    url = workbook.url;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true, bypassCSP: true });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await workbook?.close();
  });

  it('loads a definitions file, reports it, shows its queues, and saves the topology and the trace', async () => {
    await page.goto(new URL('/lab', url).toString());
    const lab = page.locator('lab-page');
    const files = lab.locator('lab-files');
    await files.getByRole('heading', { name: 'Save and load' }).waitFor();
    // Nothing connected yet: the broker panel shows the vhost as it started, without the file's queues.
    await expect(brokerQueue(lab, 'orders.eu')).rejects.toThrow('lists no queue orders.eu');

    await files
      .getByLabel('Load a topology: definitions file (.json)')
      .setInputFiles({ name: 'shop.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(DEFINITIONS)) });
    const report = files.getByTestId('import-report');
    await expect.poll(() => report.innerText()).toContain('shop.json: Imported 2 exchanges, 2 queues, 2 bindings into vhost "/".');
    const text = await report.innerText();
    expect(text).toMatch(/binding orders → nowhere \(routing key "x"\): .*NOT_FOUND - no queue 'nowhere' in vhost '\/'/);
    expect(text).toMatch(/users \(1\): the lab imports exchanges, queues and bindings only; add a user with rabbitmqctl add_user/);

    // The lab's views show the vhost as it is after the import.
    await expect.poll(() => brokerQueue(lab, 'orders.eu'), { timeout: 5000 }).toEqual({ ready: 0, unacked: 0, consumers: 0 });
    await showBrokerList(lab, 'list_bindings');
    const bindings = (await brokerList(lab)).rows.map((row) => [row.source_name, row.destination_name, row.routing_key].join(' '));
    expect(bindings).toEqual([
      '(AMQP default) audit.log audit.log',
      '(AMQP default) orders.eu orders.eu',
      'audit audit.log (empty)',
      'orders orders.eu eu.#',
    ]);
    await files.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/labfiles-import-report.png` });
    expect(describeViolations(await violationsIn(page, 'lab-files')), 'serious or critical accessibility violations').toBe('');
    await lab.locator('run-output').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/labfiles-broker-panel.png` });

    const [topology] = await Promise.all([page.waitForEvent('download'), files.getByRole('button', { name: 'Save the topology' }).click()]);
    expect(topology.suggestedFilename()).toBe('warren-lab-definitions.json');
    const saved = (await downloaded(topology)) as { queues: { name: string }[]; bindings: { source: string; destination: string }[] };
    expect(saved.queues.map((queue) => queue.name).sort()).toEqual(['audit.log', 'orders.eu']);
    expect(saved.bindings).toContainEqual(expect.objectContaining({ source: 'orders', destination: 'orders.eu', routing_key: 'eu.#' }));
    await expect
      .poll(() => files.getByRole('status').first().innerText())
      .toBe('Saved warren-lab-definitions.json: 2 exchanges, 2 queues, 2 bindings.');

    const [trace] = await Promise.all([page.waitForEvent('download'), files.getByRole('button', { name: 'Save trace' }).click()]);
    expect(trace.suggestedFilename()).toMatch(/^warren-lab-lab-\d{4}-\d\d-\d\d-\d{4}\.json$/);
    const traceFile = await trace.path();

    await page.goto(new URL('/trace', url).toString());
    await page.getByLabel('Trace file (.json)').setInputFiles(traceFile);
    const view = page.locator('trace-page');
    const run = view.getByRole('region', { name: 'Lab: / on the embedded broker' });
    await run.waitFor();
    const facts = await run.locator('.facts').innerText();
    expect(facts).toContain('the embedded broker');
    expect(facts).not.toContain('Language');
    await page.screenshot({ path: `${SCREENSHOTS}/labfiles-trace-opened.png` });
    expect(await brokerQueue(view, 'orders.eu')).toEqual({ ready: 0, unacked: 0, consumers: 0 });
    await page.screenshot({ path: `${SCREENSHOTS}/labfiles-trace-opened-panel.png` });
    expect(pageErrors).toEqual([]);
  });

  it('shares the lab as a link that builds the same topology on another workbook, once asked', async () => {
    await page.goto(new URL('/lab', url).toString());
    const files = page.locator('lab-page lab-files');
    await files.getByRole('button', { name: 'Share as a link' }).click();
    const link = await files.getByRole('textbox', { name: 'Link to this lab' }).inputValue();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/lab\?topology=[A-Za-z0-9_-]+$/);

    const other = await startBrowserWorkbook({ clientDir: inject('clientDir') });
    try {
      await page.goto(new URL(new URL(link).pathname + new URL(link).search, other.url).toString());
      const there = page.locator('lab-page');
      const offer = there.locator('lab-files').getByRole('group', { name: /This link carries a lab/ });
      expect(await offer.innerText()).toContain('This link carries a lab: 2 exchanges, 2 queues, 2 bindings.');
      // Nothing is built until the person asks.
      await expect(brokerQueue(there, 'orders.eu')).rejects.toThrow('lists no queue orders.eu');
      await offer.getByRole('button', { name: 'Build it on the broker' }).click();
      await expect
        .poll(() => there.locator('lab-files').getByTestId('import-report').innerText())
        .toContain('The link: Imported 2 exchanges, 2 queues, 2 bindings into vhost "/".');
      await expect.poll(() => brokerQueue(there, 'orders.eu'), { timeout: 5000 }).toEqual({ ready: 0, unacked: 0, consumers: 0 });

      // A link cut short says so instead of building anything.
      await page.goto(new URL(`/lab?topology=${new URL(link).searchParams.get('topology')?.slice(0, 12) ?? ''}`, other.url).toString());
      await expect
        .poll(() => page.locator('lab-page lab-files').getByRole('alert').innerText())
        .toMatch(/^This link's lab cannot be read: .*cut or changed/);
    } finally {
      await other.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('lists what is wrong with a malformed file, and imports nothing', async () => {
    await page.goto(new URL('/lab', url).toString());
    const files = page.locator('lab-page lab-files');
    const bad = { queues: [{ name: 'q', durable: 'yes' }], bindings: [{ source: 'orders' }] };
    await files
      .getByLabel('Load a topology: definitions file (.json)')
      .setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    const alert = files.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('broken.json was not imported: the definitions file cannot be read.');
    const text = await alert.innerText();
    expect(text).toContain('queues[0].durable must be true or false, got "yes"');
    expect(text).toContain('bindings[0].destination is missing');
    await page.screenshot({ path: `${SCREENSHOTS}/labfiles-malformed.png` });
    expect(pageErrors).toEqual([]);
  });

  it('asks which vhost to import from a whole-broker file with several, and imports the one chosen', async () => {
    await page.goto(new URL('/lab', url).toString());
    const files = page.locator('lab-page lab-files');
    const whole = {
      vhosts: [{ name: 'shop' }, { name: 'billing' }],
      exchanges: [
        { name: 'invoices', vhost: 'billing', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} },
      ],
      queues: [
        { name: 'carts', vhost: 'shop', durable: true, auto_delete: false, arguments: {} },
        { name: 'invoices.due', vhost: 'billing', durable: true, auto_delete: false, arguments: {} },
      ],
      bindings: [
        { source: 'invoices', vhost: 'billing', destination: 'invoices.due', destination_type: 'queue', routing_key: 'due', arguments: {} },
      ],
    };
    await files
      .getByLabel('Load a topology: definitions file (.json)')
      .setInputFiles({ name: 'broker.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(whole)) });
    const choice = files.getByRole('group', { name: 'broker.json holds the topology of several vhosts: choose the one to import.' });
    await choice.waitFor();
    expect(await choice.getByRole('button').allInnerTexts()).toEqual(['Import vhost billing', 'Import vhost shop']);
    await choice.getByRole('button', { name: 'Import vhost billing' }).click();
    const report = files.getByTestId('import-report');
    await expect
      .poll(() => report.innerText())
      .toContain('broker.json: Imported 1 exchange, 1 queue, 1 binding into vhost "/" from the file\'s vhost "billing".');
    const text = await report.innerText();
    expect(text).toContain('Left out, from other vhosts of the file:');
    expect(text).toContain('queue carts (vhost shop)');
    expect(text).toMatch(/vhosts \(2\): the lab imports into the one vhost it watches/);
    await expect
      .poll(() => brokerQueue(page.locator('lab-page'), 'invoices.due'), { timeout: 5000 })
      .toEqual({ ready: 0, unacked: 0, consumers: 0 });
    await files.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/labfiles-vhost-chosen.png` });
    expect(pageErrors).toEqual([]);
  });
});
