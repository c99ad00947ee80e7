/**
 * The Lab page in Chromium, on both brokers: the seed notes' own send.py and
 * receive.py, run as separate python3 processes against the address the page
 * shows, appear live as a person reads them: who is connected, the queue in
 * the broker panel and the picture, and the message in the sequence.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { managementApiFor } from '../../server/runs/management-api.js';
import { pythonProblem } from '../../server/programs/python-check.js';
import { rabbitUnavailable } from '../code/code-brokers.js';
import { seedPrograms } from '../lab/seed-programs.js';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import { brokerQueue, pictureBox, sequenceRows } from './pages.js';
import type { BrowserWorkbook } from './workbook.js';

const RABBIT_URL = 'amqp://guest:guest@127.0.0.1:5672';
const underCi = process.env.CI === 'true';
const missingPython = pythonProblem();
const missingRabbit = await rabbitUnavailable();
if (missingPython !== undefined && !underCi) console.warn(`SKIPPED the Lab page's seed-program tests: ${missingPython}`);
if (missingRabbit !== null && !underCi) console.warn(`SKIPPED the Lab page's RabbitMQ leg: ${missingRabbit}`);
const legs = missingRabbit === null || underCi ? (['embedded', 'rabbitmq'] as const) : (['embedded'] as const);

describe.runIf(missingPython === undefined || underCi).each(legs)('the Lab page on the %s broker', (leg) => {
  let workbook: BrowserWorkbook;
  let browser: Browser;
  let page: Page;
  let lab: Locator;
  const pageErrors: string[] = [];
  // On the shared RabbitMQ the lab shows a vhost of the test's own: '/' holds other programs' queues.
  const vhost = leg === 'embedded' ? '/' : `warren-lab-page-${randomBytes(4).toString('hex')}`;
  const api = managementApiFor(RABBIT_URL);

  beforeAll(async () => {
    if (leg === 'rabbitmq') {
      await api.createVhost(vhost);
      await api.grantAll(vhost, 'guest');
    }
    ({ workbook, browser, page } = await openBrowserPage(pageErrors, {}, leg === 'rabbitmq' ? { amqpUrl: `${RABBIT_URL}/${vhost}` } : {}));
    await page.goto(workbook.url);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Lab' }).click();
    lab = page.locator('lab-page');
    await lab.getByRole('heading', { name: 'Lab', level: 1 }).waitFor();
  });

  afterAll(async () => {
    await closeBrowserPage({ browser, workbook });
    if (leg === 'rabbitmq') await api.deleteVhost(vhost);
  });

  it('shows send.py and receive.py live: who is connected, the queue, and the message from one to the other', async () => {
    const address = new URL(await lab.getByTestId('lab-url').innerText());
    expect(`${address.protocol}//${address.username}:${address.password}@${address.hostname}`).toBe('amqp://guest:guest@127.0.0.1');
    expect(Number(address.port)).toBe(Number(new URL(workbook.lab.url).port));
    expect(await lab.getByTestId('lab-connected').innerText()).toBe('No program has connected yet: run one, and it appears here.');

    const programs = await seedPrograms({ port: Number(address.port), vhost });
    try {
      const receiver = await programs.startReceiver();
      await expect.poll(() => lab.getByTestId('lab-connected').innerText()).toMatch(/^Connected now: pika from 127\.0\.0\.1:\d+$/);
      await programs.send();
      await receiver.waitFor(/\[x\]Received b'Hello World!'/);

      // The message's way, in the sequence: published by one pika connection, delivered to the other.
      await expect.poll(async () => (await sequenceRows(lab)).filter((row) => row.method === 'basic.deliver').length).toBe(1);
      const rows = await sequenceRows(lab);
      expect(rows.find((row) => row.method === 'basic.publish')?.text).toContain('Hello World!');
      expect(rows.find((row) => row.method === 'basic.deliver')?.text).toContain('Hello World!');
      // While receive.py waits for more: the queue, empty, with its one consumer.
      await expect.poll(() => brokerQueue(lab, 'hello')).toEqual({ ready: 0, unacked: 0, consumers: 1 });
      expect((await pictureBox(lab, 'queue', 'hello')).join(' ')).toContain('received 1');
      mkdirSync('test-results/screenshots', { recursive: true });
      await lab.screenshot({ path: `test-results/screenshots/lab-${leg}.png` });

      await receiver.interrupt();
      await expect.poll(() => lab.getByTestId('lab-connected').innerText()).toBe('No program is connected now; what they did is below.');
      await expect.poll(() => brokerQueue(lab, 'hello')).toEqual({ ready: 0, unacked: 0, consumers: 0 });
    } finally {
      await programs.remove();
    }
    expect(pageErrors).toEqual([]);
  });
});
