/**
 * The prose's links to named moments, in Chromium against the embedded
 * broker: a learner clicks "while worker 1 is stopped" in the text, the cell
 * runs, and its views stop at that moment. Every figure is read from what the
 * page shows there. Screenshots go to test-results/screenshots/moment-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  brokerList,
  brokerQueue,
  cellSection,
  consumerInPicture,
  counter,
  openLesson,
  pictureBox,
  screenshotRun,
  showBrokerList,
  statusOf,
  terminalLines,
  typeParam,
  waitForStatus,
} from './pages.js';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import type { BrowserWorkbook } from './workbook.js';

describe('links from the prose to named moments', () => {
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

  /** The link in the prose that follows a cell, by the words it shows. */
  function momentLink(proseText: string, name: string): Locator {
    return page.locator('lesson-page prose-cell').filter({ hasText: proseText }).getByRole('button', { name, exact: true });
  }

  /** Clicks a moment link of a cell that has not run: the cell runs, and its views stop at the moment. */
  async function clickToMoment(cell: Locator, link: Locator, title: string): Promise<void> {
    await link.click();
    await waitAtMoment(cell, title);
  }

  /** Waits for the run to finish with its views at the moment. */
  async function waitAtMoment(cell: Locator, title: string): Promise<void> {
    await waitForStatus(cell, 'finished');
    await expect
      .poll(() => cell.locator('run-cell [role="status"]').filter({ hasText: 'Showing the moment' }).innerText())
      .toBe(`Showing the moment ${title}.\nShow the end of the run`);
  }

  /** The rows of the broker panel's list_bindings, each as its cells' text joined by spaces, in the panel's column order. */
  async function bindingRows(cell: Locator): Promise<string[]> {
    await showBrokerList(cell, 'list_bindings');
    const { rows } = await brokerList(cell);
    return rows.map((row) => Object.values(row).join(' ').replace(/\s+/g, ' ').trim());
  }

  it('before a run, a cell lists the moments it will reach, and a link it cannot run for says what to do', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'seven-tasks');
    const ahead = cell.locator('run-cell').getByRole('list', { name: 'This run reaches these moments:' });
    expect(await ahead.getByRole('listitem').allInnerTexts()).toEqual([
      'once the tasks are dealt out, before any work starts (upcoming)',
      'while worker 1 is stopped (upcoming)',
      'the work done, the workers still connected (upcoming)',
      'after the workers disconnect (upcoming)',
    ]);

    await typeParam(cell, 'workers', '9');
    await expect
      .poll(() => cell.locator('run-cell').getByText("With the lesson's values, this run reaches these moments:").count())
      .toBe(1);
    await momentLink('Look at the queue', 'while worker 1 is stopped').click();
    await expect
      .poll(() => cell.locator('run-cell [role="alert"]').innerText())
      .toBe('Run this cell first to reach “while worker 1 is stopped”: fix its parameters, then press Run.');
    expect(await statusOf(cell)).toBe('idle');
    await screenshotRun(page, cell, 'moment-seven-tasks-before-run');

    expect(pageErrors).toEqual([]);
  });

  it('with edited parameters, the moments listed before a run are those the run with these values reaches', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'seven-tasks');
    const ahead = cell.locator('run-cell').getByRole('list', { name: 'This run reaches these moments:' });
    await typeParam(cell, 'stopWorker', '2');
    await expect
      .poll(() => ahead.getByRole('listitem').allInnerTexts())
      .toEqual([
        'once the tasks are dealt out, before any work starts (upcoming)',
        'while worker 2 is stopped (upcoming)',
        'the work done, the workers still connected (upcoming)',
        'after the workers disconnect (upcoming)',
      ]);
    // No worker stops: that moment is not in the run at all.
    await typeParam(cell, 'stopWorker', '0');
    await expect
      .poll(() => ahead.getByRole('listitem').allInnerTexts())
      .toEqual([
        'once the tasks are dealt out, before any work starts (upcoming)',
        'the work done, the workers still connected (upcoming)',
        'after the workers disconnect (upcoming)',
      ]);
    expect(await cell.locator('run-cell').getByText("With the lesson's values").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('seven-tasks: "while worker 1 is stopped" shows the seven tasks unacknowledged', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'seven-tasks');
    const link = momentLink('Look at the queue', 'while worker 1 is stopped');
    await link.click();
    // The run takes seconds (the workers sleep a second a dot): the note is there while it goes.
    expect(await cell.locator('run-cell [role="alert"]').innerText()).toBe('Showing “while worker 1 is stopped” once this run has ended.');
    await waitAtMoment(cell, 'while worker 1 is stopped');
    expect(await cell.locator('run-cell [role="alert"]').count()).toBe(0);
    expect(
      await cell
        .locator('run-cell')
        .getByRole('list', { name: /this run reaches these moments/ })
        .count(),
    ).toBe(0);
    expect(await brokerQueue(cell, 'task_queue')).toEqual({ ready: 0, unacked: 7, consumers: 1 });
    expect(await counter(cell, 'published')).toBe(7);
    await screenshotRun(page, cell, 'moment-seven-tasks-worker-stopped');

    await cell.getByRole('button', { name: 'Show the end of the run' }).click();
    await expect
      .poll(() => brokerQueue(cell, 'task_queue').catch((error: unknown) => String(error)))
      .not.toEqual({
        ready: 0,
        unacked: 7,
        consumers: 1,
      });
    expect(pageErrors).toEqual([]);
  });

  it('seven-tasks: "After publishing", the workers hold their tasks as they start on them, with no warning', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'seven-tasks');
    await clickToMoment(cell, momentLink('Follow the run', 'After publishing'), 'once the tasks are dealt out, before any work starts');
    expect(await brokerQueue(cell, 'task_queue')).toEqual({ ready: 0, unacked: 7, consumers: 2 });
    // Nothing is wrong yet: each worker is about to acknowledge its first task when it is done.
    expect(await consumerInPicture(cell, 'worker 1')).toEqual({ got: 4, acked: 0, status: 'holds 4, none acked yet' });
    expect(await consumerInPicture(cell, 'worker 2')).toEqual({ got: 3, acked: 0, status: 'holds 3, none acked yet' });
    expect((await pictureBox(cell, 'consumer', 'worker 1')).join(' ')).not.toContain('⚠');
    await screenshotRun(page, cell, 'moment-seven-tasks-dealt-out');
    expect(pageErrors).toEqual([]);
  });

  it('auto-ack: "when worker 1 stops" shows the queue empty, the tasks worker 1 got gone with it', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'auto-ack-loses-tasks');
    await clickToMoment(cell, momentLink('Count the', 'when worker 1 stops'), 'while worker 1 is stopped');
    // Nothing is held for the workers: every task left the queue as it was sent, worker 1's four with it.
    expect(await brokerQueue(cell, 'task_queue')).toEqual({ ready: 0, unacked: 0, consumers: 1 });
    expect(await consumerInPicture(cell, 'worker 1')).toMatchObject({ got: 4, acked: 'auto' });
    expect(await consumerInPicture(cell, 'worker 2')).toMatchObject({ got: 3, acked: 'auto' });
    // The four it got are counted lost as it stops, and named: the one in hand and the three waiting their turn.
    const workerOne = await pictureBox(cell, 'consumer', 'worker 1');
    expect(workerOne.slice(workerOne.indexOf('✕ 4 lost (auto-ack)'))).toEqual([
      '✕ 4 lost (auto-ack)',
      'Task 1......',
      'Task 3......',
      'Task 5......',
      'Task 7......',
    ]);
    const queueLines = await pictureBox(cell, 'queue', 'task_queue');
    expect(queueLines).toContain('✕ 4 lost');
    // The names under the empty queue are said to be the latest to arrive, not messages it still holds.
    expect(queueLines.slice(queueLines.indexOf('latest arrivals'))).toEqual([
      'latest arrivals',
      '→ Task 3......',
      '→ Task 4......',
      '→ Task 5......',
      '→ Task 6......',
      '→ Task 7......',
    ]);
    expect(await counter(cell, 'lost')).toBe(4);
    expect(await counter(cell, 'requeued')).toBe(0);
    expect(await counter(cell, 'acked')).toBe(0);
    await screenshotRun(page, cell, 'moment-auto-ack-worker-stopped');
    expect(pageErrors).toEqual([]);
  });

  it('forgotten-ack: the workers hold every task unacknowledged, and give them all back as they leave', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues');
    const cell = cellSection(page, 'forgotten-ack');
    await clickToMoment(
      cell,
      momentLink('Every task prints', 'once the work is done, the workers still connected'),
      'the work done, the workers still connected',
    );
    expect(await brokerQueue(cell, 'task_queue')).toEqual({ ready: 0, unacked: 5, consumers: 2 });
    // Each worker's label says it holds what it got and has acknowledged none.
    expect(await consumerInPicture(cell, 'worker 1')).toEqual({ got: 3, acked: 0, status: 'holds 3, none acked yet' });
    expect(await consumerInPicture(cell, 'worker 2')).toEqual({ got: 2, acked: 0, status: 'holds 2, none acked yet' });
    expect(await counter(cell, 'acked')).toBe(0);
    expect(await counter(cell, 'requeued')).toBe(0);
    await screenshotRun(page, cell, 'moment-forgotten-ack-work-done');

    await momentLink('Every task prints', 'After the workers disconnect').click();
    await expect
      .poll(() => cell.locator('run-cell [role="status"]').filter({ hasText: 'Showing the moment' }).innerText())
      .toBe('Showing the moment after the workers disconnect.\nShow the end of the run');
    expect(await brokerQueue(cell, 'task_queue')).toEqual({ ready: 5, unacked: 0, consumers: 0 });
    // Both get their Ctrl-C at once: what the first to leave held goes back, and on to the other while it is still
    // there, which gives back all it then holds. Each gives back every task it got.
    const workers = [await consumerInPicture(cell, 'worker 1'), await consumerInPicture(cell, 'worker 2')];
    for (const worker of workers)
      expect(worker).toEqual({ got: worker.got, acked: 0, status: `■ stopped · ↺ ${worker.got} back to queue` });
    const requeued = workers.reduce((sum, worker) => sum + worker.got, 0);
    expect(requeued).toBeGreaterThanOrEqual(5);
    expect(await counter(cell, 'requeued')).toBe(requeued);
    expect(await pictureBox(cell, 'queue', 'task_queue')).toContain(`↺ ${requeued} requeued`);
    await screenshotRun(page, cell, 'moment-forgotten-ack-workers-gone');
    expect(pageErrors).toEqual([]);
  });

  it('publish-first: "while the receivers are connected" shows the two amq.gen bindings', async () => {
    await openLesson(page, workbook.url, '/lessons/03-publish-subscribe');
    const cell = cellSection(page, 'publish-first');
    await clickToMoment(
      cell,
      momentLink('Right after publishing', 'while the receivers are connected'),
      'while the receivers are connected',
    );
    const fromLogs = (await bindingRows(cell)).filter((row) => row.startsWith('logs '));
    expect(fromLogs).toEqual([
      expect.stringMatching(/^logs exchange amq\.gen-\S+ queue /),
      expect.stringMatching(/^logs exchange amq\.gen-\S+ queue /),
    ]);
    await screenshotRun(page, cell, 'moment-publish-first-receivers-connected');

    await momentLink('Right after publishing', 'Right after publishing').click();
    await expect
      .poll(() => cell.locator('run-cell [role="status"]').filter({ hasText: 'Showing the moment' }).innerText())
      .toContain('right after publishing');
    expect((await bindingRows(cell)).filter((row) => row.startsWith('logs '))).toEqual([]);
    await screenshotRun(page, cell, 'moment-publish-first-published');
    expect(pageErrors).toEqual([]);
  });

  it('topics: "once every receiver is bound" shows the three patterns, before anything is sent; lazy.pink.rabbit reaches receiver 2 once', async () => {
    await openLesson(page, workbook.url, '/lessons/05-topics');
    const cell = cellSection(page, 'animals');
    await clickToMoment(cell, momentLink('Look at the bindings', 'once every receiver is bound'), 'once every receiver is bound');
    const fromTopicLogs = (await bindingRows(cell)).filter((row) => row.startsWith('topic_logs '));
    expect(fromTopicLogs).toHaveLength(3);
    const keyOf = (row: string): string | undefined => / queue (\S+)/.exec(row)?.[1];
    expect(fromTopicLogs.map(keyOf).sort()).toEqual(['*.*.rabbit', '*.orange.*', 'lazy.#']);
    // Receiver 2's two patterns lead to one queue, receiver 1's to another.
    const queueOf = (key: string): string | undefined =>
      / exchange (\S+) queue /.exec(fromTopicLogs.find((row) => keyOf(row) === key) ?? '')?.[1];
    expect(queueOf('*.*.rabbit')).toBe(queueOf('lazy.#'));
    expect(queueOf('*.orange.*')).not.toBe(queueOf('lazy.#'));
    expect(await counter(cell, 'published')).toBe(0);
    await screenshotRun(page, cell, 'moment-topics-receivers-bound');

    await cell.getByRole('button', { name: 'Show the end of the run' }).click();
    await expect.poll(() => counter(cell, 'published')).toBe(8);
    const pink = (await terminalLines(cell, 'receiver 2')).filter((line) => line.includes('lazy.pink.rabbit'));
    expect(pink).toHaveLength(1);
    expect((await terminalLines(cell, 'receiver 1')).some((line) => line.includes('lazy.pink.rabbit'))).toBe(false);
    await screenshotRun(page, cell, 'moment-topics-end');
    expect(pageErrors).toEqual([]);
  });
});
