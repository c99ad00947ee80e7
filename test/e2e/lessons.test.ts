/**
 * Every lesson in Chromium against the real workbook server and the embedded
 * broker: open it from the lesson list, change a parameter of its first run
 * cell, run it, and check what the topology picture, the sequence of events,
 * the frame inspector, the broker panel and the counters show; then step a
 * new run through its first events and stop it. A screenshot of each lesson
 * after its run goes to test-results/screenshots/<lesson>.png.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { courseLessons } from '../support/course.js';
import { launchChromium } from './chromium.js';
import {
  bindingLabels,
  brokerQueue,
  cellSection,
  consumerInPicture,
  counter,
  inspectorText,
  openLesson,
  paramInput,
  pictureBox,
  queuesReceived,
  runButton,
  screenshotRun,
  sequence,
  sequenceRows,
  showKinds,
  statusOf,
  terminalLines,
  typeParam,
  waitForStatus,
  waitForStillPicture,
} from './pages.js';
import { startBrowserWorkbook, type BrowserWorkbook } from './workbook.js';
import { present } from '../support/present.js';

describe('every lesson in the browser', () => {
  let workbook: BrowserWorkbook;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    workbook = await startBrowserWorkbook({ clientDir: inject('clientDir') });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    // Unset when beforeAll failed.
    await (browser as Browser | undefined)?.close();
    await (workbook as BrowserWorkbook | undefined)?.close();
  });

  beforeEach(() => {
    pageErrors.length = 0;
  });

  /** Opens a lesson the way a learner does: from the lesson list. */
  async function openFromList(id: string): Promise<void> {
    await page.goto(workbook.url);
    await page.locator(`lesson-list .lessons a[href="/lessons/${id}"]`).click();
    await page.locator('lesson-page section[data-cell]').first().waitFor();
    expect(new URL(page.url()).pathname).toBe(`/lessons/${id}`);
    expect(await page.locator('lesson-page prose-cell h1').first().innerText()).toBe(workbook.lessons.get(id)?.title);
  }

  /**
   * Steps a new run of the cell through its first protocol events, then stops
   * it: the views start over and show only what was let through.
   */
  async function stepThenStop(cell: Locator): Promise<void> {
    // Every kind and actor again: the filter stays as the learner left it from run to run.
    await showKinds(cell, ['Methods', 'Messages', 'Acks', 'Broker decisions', 'Logs']);
    await sequence(cell).getByLabel('Show the rows of one actor').selectOption('');
    await runButton(cell, 'Step').click();
    await waitForStatus(cell, 'paused');
    // A connection's handshake is never held (the broker would time it out); what follows it waits for a step.
    await expect.poll(() => sequence(cell).locator('[data-method="connection.open-ok"]').count()).toBeGreaterThan(0);
    expect(await sequence(cell).locator('[data-method="channel.open"]').count()).toBe(0);
    await runButton(cell, 'Step').click();
    await expect.poll(() => sequence(cell).locator('[data-method="channel.open"]').count()).toBe(1);
    await runButton(cell, 'Step').click();
    await expect.poll(() => sequence(cell).locator('[data-method="channel.open"], [data-method="channel.open-ok"]').count()).toBe(2);
    expect(await statusOf(cell)).toBe('paused');
    await runButton(cell, 'Stop').click();
    await waitForStatus(cell, 'stopped');
    expect(await cell.locator('run-cell [role="status"]').innerText()).toBe('Stopped');
    expect(pageErrors).toEqual([]);
  }

  /** Runs a cell to its end and checks it finished with no error in the page. */
  async function runToEnd(cell: Locator): Promise<void> {
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    expect(pageErrors).toEqual([]);
  }

  it('lists every lesson with its time and what it teaches', async () => {
    await page.goto(workbook.url);
    const list = page.locator('lesson-list');
    const lessons = workbook.lessons.list();
    expect(lessons.map((lesson) => lesson.id)).toEqual(courseLessons());
    for (const lesson of lessons) {
      const text = await list.locator(`.lessons a[href="/lessons/${lesson.id}"]`).innerText();
      expect(text).toContain(lesson.title);
      expect(text).toContain(lesson.teaches);
      expect(text).toContain(`${lesson.minutes} min`);
    }
    expect(pageErrors).toEqual([]);
  });

  it('Hello World: the message typed is the message received', async () => {
    await openFromList('01-hello-world');
    const cell = cellSection(page, 'hello');
    await typeParam(cell, 'message', 'Hi from the test');
    await typeParam(cell, 'count', '2');
    await runToEnd(cell);

    expect(await queuesReceived(cell)).toEqual({ hello: 2 });
    expect(await brokerQueue(cell, 'hello')).toMatchObject({ ready: 0, unacked: 0 });
    expect(await counter(cell, 'published')).toBe(2);
    expect(await counter(cell, 'delivered')).toBe(2);

    await showKinds(cell, ['Messages']);
    const rows = await sequenceRows(cell);
    expect(rows.filter((row) => row.method === 'basic.publish')).toHaveLength(2);
    const deliver = sequence(cell).locator('[data-method="basic.deliver"]').first();
    await deliver.click();
    const inspected = await inspectorText(cell);
    expect(inspected).toContain('basic.deliver');
    expect(inspected).toContain('Hi from the test');
    await waitForStillPicture(cell);
    await screenshotRun(page, cell, '01-hello-world');
    await stepThenStop(cell);
  });

  it("Hello World with userId bob: the broker closes the producer's channel, the run ends with that error and is not counted", async () => {
    // A browser of its own: progress is kept in the browser, and no other test's runs may count here.
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    try {
      const learner = await fresh.newPage();
      learner.on('pageerror', (error) => pageErrors.push(error.message));
      await openLesson(learner, workbook.url, '/lessons/01-hello-world');
      const progressLine = learner.locator('lesson-page .meta .progress');
      const before = await progressLine.innerText();
      expect(before).toMatch(/^0 of \d+ runs finished$/i);
      const cell = cellSection(learner, 'hello');
      await cell.locator('param-form summary').filter({ hasText: 'properties' }).click();
      await typeParam(cell, 'userId', 'bob');
      await runButton(cell, 'Run').click();
      await waitForStatus(cell, 'ended-with-error');

      expect(await cell.locator('run-cell .toolbar [role="status"]').innerText()).toBe('Ended with an error');
      const failure = cell.locator('run-cell').getByRole('alert');
      expect(await failure.innerText()).toBe(
        'The broker closed a channel or connection with an error\n\n' +
          "The broker closed producer's channel 1 with 406 PRECONDITION_FAILED when it refused basic.publish: " +
          "user_id property set to 'bob' but authenticated user was 'guest'. What the program did after that did not reach the broker." +
          '\n\nRaw error',
      );
      // Where it happened: under the producer in the picture, and on the producer's row of the sequence list.
      expect(await pictureBox(cell, 'producer', 'producer')).toEqual([
        'producer',
        'sent 1',
        '✕ channel 1 closed: 406 PRECONDITION_FAILED',
        'refused basic.publish',
      ]);
      // The error line is read whole: inside the picture, not cut off at its edge.
      const picture = present(
        await cell
          .locator('topology-view')
          .getByRole('group', { name: /^Topology/ })
          .boundingBox(),
      );
      const errorLine = present(
        await cell
          .locator('topology-view')
          .getByRole('img', { name: /^producer producer/ })
          .locator('text', { hasText: 'PRECONDITION_FAILED' })
          .boundingBox(),
      );
      expect(errorLine.x).toBeGreaterThanOrEqual(picture.x);
      expect(errorLine.x + errorLine.width).toBeLessThanOrEqual(picture.x + picture.width);
      await showKinds(cell, ['Methods']);
      await sequence(cell).getByLabel('Show the rows of one actor').selectOption('producer');
      const errors = (await sequenceRows(cell)).filter((row) => row.text.includes('✕ error'));
      expect(errors).toEqual([
        expect.objectContaining({
          method: 'channel.close',
          text: expect.stringMatching(
            /✕ error: channel\.close 406 PRECONDITION_FAILED - user_id property set to 'bob' but authenticated user was 'guest' \(refused basic\.publish\)$/,
          ),
        }),
      ]);
      // It does not count towards the lesson's progress.
      expect(await progressLine.innerText()).toBe(before);
      expect(await cell.locator('.cell-head').innerText()).not.toContain('Finished before');
      await screenshotRun(learner, cell, '01-hello-world-user-id-bob');
      expect(pageErrors).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it("Work queues, seven tasks: the stopped worker's tasks go to the other worker, redelivered", async () => {
    await openFromList('02-work-queues');
    const cell = cellSection(page, 'seven-tasks');
    await typeParam(cell, 'msPerDot', '20');
    await runToEnd(cell);

    expect(await consumersInPicture(cell)).toBe(2);
    expect(await consumerInPicture(cell, 'worker 1')).toEqual({ got: 4, acked: 0, status: '■ stopped · ↺ 4 back to queue' });
    expect(await consumerInPicture(cell, 'worker 2')).toEqual({ got: 7, acked: 7, status: 'connection closed' });
    // The counters and the picture count the same requeues.
    expect(await counter(cell, 'requeued')).toBe(4);
    expect(await pictureBox(cell, 'queue', 'task_queue')).toContain('↺ 4 requeued');
    expect(await counter(cell, 'acked')).toBe(7);
    expect(await brokerQueue(cell, 'task_queue')).toMatchObject({ ready: 0, unacked: 0 });

    // Only worker 2's deliveries: its last four are the stopped worker's tasks, marked redelivered.
    await showKinds(cell, ['Messages']);
    await sequence(cell).getByLabel('Show the rows of one actor').selectOption('worker 2');
    const deliveries = (await sequenceRows(cell)).filter((row) => row.method === 'basic.deliver');
    expect(deliveries).toHaveLength(7);
    await sequence(cell)
      .locator(`[data-seq="${present(deliveries[6]).seq}"]`)
      .click();
    const inspected = await inspectorText(cell);
    expect(inspected).toContain('broker → worker 2');
    expect(inspected).toMatch(/redelivered\s*true/);

    await showKinds(cell, ['Broker decisions']);
    await sequence(cell).getByLabel('Show the rows of one actor').selectOption('');
    expect((await sequenceRows(cell)).filter((row) => row.method === 'broker.requeued')).toHaveLength(4);
    await waitForStillPicture(cell);
    await screenshotRun(page, cell, '02-work-queues');
    await stepThenStop(cell);
  });

  it('Publish/Subscribe: three receivers each get their own copy', async () => {
    await openFromList('03-publish-subscribe');
    const cell = cellSection(page, 'receivers-first');
    await typeParam(cell, 'receivers', '3');
    await runToEnd(cell);

    const received = Object.values(await queuesReceived(cell));
    expect(received).toEqual([1, 1, 1]);
    expect(await consumersInPicture(cell)).toBe(3);
    expect(await pictureBox(cell, 'exchange', 'logs')).toContain('fanout exchange');
    expect(await counter(cell, 'delivered')).toBe(3);
    await showKinds(cell, ['Broker decisions']);
    const routed = sequence(cell).locator('[data-method="broker.routed"]');
    await routed.first().click();
    expect((await inspectorText(cell)).match(/amq\.gen-/g)?.length).toBeGreaterThanOrEqual(3);
    await waitForStillPicture(cell);
    await screenshotRun(page, cell, '03-publish-subscribe');
    await stepThenStop(cell);
  });

  it('Routing: a message sent as error reaches the errors-only queue too', async () => {
    await openFromList('04-routing');
    const cell = cellSection(page, 'severities');
    await paramInput(cell, 'severity 1').fill('error');
    await runToEnd(cell);

    // The first queue is bound to error only, the second to info, warning and error.
    const received = Object.values(await queuesReceived(cell));
    expect(received).toEqual([2, 3]);
    // Both queues are bound with error, and each of the two error messages matched both bindings.
    expect((await bindingLabels(cell)).filter((text) => text.startsWith('error'))).toEqual(['error · 2', 'error · 2']);
    await showKinds(cell, ['Broker decisions']);
    const decisions = await sequenceRows(cell);
    expect(decisions.map((row) => row.method)).toEqual(['broker.routed', 'broker.routed', 'broker.routed']);
    await waitForStillPicture(cell);
    await screenshotRun(page, cell, '04-routing');
    await stepThenStop(cell);
  });

  it('Topics: lazy.orange.elephant reaches both queues, quick.brown.fox is dropped', async () => {
    await openFromList('05-topics');
    const cell = cellSection(page, 'animals');
    // Not mandatory: the broker drops what matches no binding instead of returning it.
    await paramInput(cell, 'mandatory').uncheck();
    await runToEnd(cell);

    const received = await queuesReceived(cell);
    expect(Object.values(received).sort()).toEqual([3, 5]);
    for (const queue of Object.keys(received)) expect(await pictureBox(cell, 'queue', queue)).toContain('→ lazy.orange.elephant');
    const exchange = await pictureBox(cell, 'exchange', 'topic_logs');
    expect(exchange).toContain('✕ 2 unroutable, dropped');
    expect(exchange).toContain('quick.brown.fox');
    expect(await counter(cell, 'dropped')).toBe(2);

    await showKinds(cell, ['Broker decisions']);
    const rows = await sequenceRows(cell);
    const elephant = rows.find((row) => row.text.includes('lazy.orange.elephant'));
    const fox = rows.find((row) => row.text.includes('quick.brown.fox'));
    expect(elephant?.method).toBe('broker.routed');
    expect(fox?.method).toBe('broker.unroutable');
    await sequence(cell)
      .locator(`[data-seq="${present(elephant).seq}"]`)
      .click();
    const inspected = await inspectorText(cell);
    expect(inspected).toContain('*.orange.*');
    expect(inspected).toContain('lazy.#');
    // Both queues, named in the bindings that matched and in the queues that got a copy.
    const named = new Set(inspected.match(/amq\.gen-[\w-]+/g));
    expect([...named].sort()).toEqual(Object.keys(await queuesReceived(cell)).sort());
    await waitForStillPicture(cell);
    await screenshotRun(page, cell, '05-topics');
    await stepThenStop(cell);
  });

  it('RPC: the client gets fib(10) = 55 back on its callback queue', async () => {
    await openFromList('06-rpc');
    const cell = cellSection(page, 'fib-30');
    await typeParam(cell, /^requests/, '10');
    await runToEnd(cell);

    expect((await queuesReceived(cell)).rpc_queue).toBe(1);
    await showKinds(cell, ['Logs']);
    const logs = (await sequenceRows(cell)).map((row) => row.text).join('\n');
    expect(logs).toContain('Requesting fib(10)');
    expect(logs).toContain('Got 55');
    await waitForStillPicture(cell);
    await screenshotRun(page, cell, '06-rpc');
    await stepThenStop(cell);
  });

  it('Publisher confirms: fifty messages, each one confirmed', async () => {
    await openFromList('07-publisher-confirms');
    const cell = cellSection(page, 'individual');
    await typeParam(cell, 'messages', '50');
    await runToEnd(cell);

    expect(await counter(cell, 'published')).toBe(50);
    expect(await counter(cell, 'confirmed')).toBe(50);
    // Nobody consumes the exclusive queue: it goes with the publisher's connection, the fifty messages with it,
    // and the counters say so as the queue in the picture does.
    expect(await counter(cell, 'dropped')).toBe(50);
    const queue = cell.locator('topology-view').getByRole('img', { name: /^queue amq\.gen-/ });
    expect(await queue.locator('text').allTextContents()).toContain('✕ 50 dropped');
    await showKinds(cell, ['Acks']);
    expect((await sequenceRows(cell)).some((row) => row.method === 'basic.ack')).toBe(true);
    await waitForStillPicture(cell);
    await screenshotRun(page, cell, '07-publisher-confirms');
    await stepThenStop(cell);
  });

  it("When things go wrong: a redeclared queue's 406 and a closed port's refusal, as the terminals and the sequence show them", async () => {
    await openFromList('08-when-things-go-wrong');
    const redeclare = cellSection(page, 'redeclare');
    await runToEnd(redeclare);
    const refusal = "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'hello'";
    expect((await terminalLines(redeclare, 'second program')).some((line) => line.includes(refusal))).toBe(true);
    const closes = (await sequenceRows(redeclare)).filter((row) => row.method === 'channel.close');
    expect(closes.map((row) => row.text).join('\n')).toContain('406');
    // The way out: the first program's message is still in hello, as it first made it.
    expect(await brokerQueue(redeclare, 'hello')).toEqual({ ready: 1, unacked: 0, consumers: 0 });

    const nothingListening = cellSection(page, 'nothing-listening');
    await runToEnd(nothingListening);
    const producer = await terminalLines(nothingListening, 'producer');
    expect(producer.join('\n')).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(producer.at(-1)).toBe('— exited with code 1 —');
    // No broker was ever reached: not one frame.
    expect((await sequenceRows(nothingListening)).filter((row) => row.method.includes('.'))).toEqual([]);
    await screenshotRun(page, redeclare, '08-when-things-go-wrong');
  });

  it('Poison messages: the quorum queue dead-letters the poison task after its delivery limit', async () => {
    await openFromList('09-dead-letters-and-limits');
    const cell = cellSection(page, 'delivery-limit');
    await runToEnd(cell);

    expect(await counter(cell, 'dead-lettered')).toBe(1);
    await showKinds(cell, ['Logs']);
    const logs = (await sequenceRows(cell)).map((row) => row.text).join('\n');
    expect(logs).toContain("Dead-lettered 'Task 2' (reason delivery_limit, from quorum_tasks)");
    expect((await queuesReceived(cell)).dead_letters).toBe(1);
    await waitForStillPicture(cell);
    await screenshotRun(page, cell, '09-dead-letters-and-limits');
    await stepThenStop(cell);
  });
});

/** How many consumers the picture draws. */
async function consumersInPicture(cell: Locator): Promise<number> {
  return cell
    .locator('topology-view')
    .getByRole('img', { name: /^consumer / })
    .count();
}
