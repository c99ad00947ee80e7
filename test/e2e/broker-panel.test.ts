/**
 * The broker panel and the picture at a chosen moment of a run, in Chromium
 * against the workbook server and the embedded broker: what rabbitmqctl
 * would have printed while Publish/Subscribe's receivers are connected, a
 * durable task_queue, and direct reply-to drawn as the pseudo-queue it is.
 * Screenshots go to test-results/screenshots/moment-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  brokerList,
  brokerQueue,
  cellSection,
  moveTimelineToFrame,
  openLesson,
  pictureBox,
  runButton,
  screenshotBrokerPanel,
  screenshotRun,
  showBrokerList,
  waitForStatus,
} from './pages.js';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import type { BrowserWorkbook } from './workbook.js';

describe('the broker at a moment of the run', () => {
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

  it('Publish/Subscribe: list_queues and list_bindings show the receivers’ amq.gen queues while they are connected', async () => {
    await openLesson(page, workbook.url, '/lessons/03-publish-subscribe');
    const cell = cellSection(page, 'receivers-first');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');

    // At the end the exclusive queues are gone, and the panel says how to see them.
    const atEnd = await brokerList(cell);
    expect(atEnd.rows).toEqual([]);
    expect(atEnd.notes).toMatch(
      /^At the end of the run the exclusive queues of receiver 1 and receiver 2 \(amq\.gen-\S+ and amq\.gen-\S+\) went with their connections\. Move the timeline back to see them\./,
    );

    await moveTimelineToFrame(cell, 'basic.publish', 'producer');
    await expect.poll(async () => (await brokerList(cell)).rows.length).toBe(2);
    const queues = await brokerList(cell);
    expect(queues.command).toBe(
      'rabbitmqctl list_queues name durable auto_delete exclusive messages_ready messages_unacknowledged consumers arguments',
    );
    for (const queue of queues.rows) {
      expect(queue.name).toMatch(/^amq\.gen-/);
      expect(queue.exclusive).toBe('true');
      expect(queue.consumers).toBe('1');
    }
    const names = queues.rows.map((queue) => queue.name);
    await screenshotRun(page, cell, 'moment-publish-subscribe-picture');
    await screenshotBrokerPanel(page, cell, 'moment-publish-subscribe-queues');

    await showBrokerList(cell, 'list_bindings');
    const bindings = await brokerList(cell);
    expect(bindings.command).toBe(
      'rabbitmqctl list_bindings source_name source_kind destination_name destination_kind routing_key arguments',
    );
    const fromLogs = bindings.rows.filter((binding) => binding.source_name === 'logs');
    expect(fromLogs.map((binding) => binding.destination_name).sort()).toEqual([...names].sort());
    expect(fromLogs.every((binding) => binding.destination_kind === 'queue')).toBe(true);
    await screenshotBrokerPanel(page, cell, 'moment-publish-subscribe-bindings');
    expect(pageErrors).toEqual([]);
  });

  it('Work queues: task_queue is durable, in list_queues and in the picture', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'durable-tasks');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    expect(await brokerQueue(cell, 'task_queue')).toEqual({ ready: 0, unacked: 0, consumers: 0 });
    const row = (await brokerList(cell)).rows.find((queue) => queue.name === 'task_queue');
    expect(row).toMatchObject({ durable: 'true', auto_delete: 'false', exclusive: 'false' });
    expect(await pictureBox(cell, 'queue', 'task_queue')).toContain('durable');
    await screenshotRun(page, cell, 'moment-durable-tasks');
    await screenshotBrokerPanel(page, cell, 'moment-durable-tasks-queues');
    expect(pageErrors).toEqual([]);
  });

  it('RPC: direct reply-to is drawn as a pseudo-queue that hands the replies straight to the client', async () => {
    await openLesson(page, workbook.url, '/lessons/06-rpc');
    const cell = cellSection(page, 'direct-reply-to');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    const atEnd = await pictureBox(cell, 'queue', 'amq.rabbitmq.reply-to');
    expect(atEnd).toContain('direct reply-to');
    expect(atEnd).toContain('3 replies → rpc client');
    expect(atEnd.join(' ')).not.toContain('deleted');
    expect((await brokerList(cell)).notes).toContain('amq.rabbitmq.reply-to is not listed: direct reply-to is not a queue.');

    // While the client waits for its replies.
    await moveTimelineToFrame(cell, 'basic.deliver', 'rpc client');
    await expect.poll(() => pictureBox(cell, 'queue', 'amq.rabbitmq.reply-to')).toContain('1 reply → rpc client');
    await showBrokerList(cell, 'list_consumers');
    const consumers = await brokerList(cell);
    expect(consumers.rows.map((consumer) => [consumer.queue_name, consumer.channel_pid, consumer.ack_required])).toContainEqual([
      'amq.rabbitmq.reply-to',
      'rpc client (channel 1)',
      'false',
    ]);
    await screenshotRun(page, cell, 'moment-direct-reply-to');
    await screenshotBrokerPanel(page, cell, 'moment-direct-reply-to-consumers');
    expect(pageErrors).toEqual([]);
  });
});
