/**
 * The programs' language and what a person does to running programs, in
 * Chromium against the real workbook and the embedded broker: the switch to
 * Python shows the pika programs and runs them, remembered across a reload
 * and carried in the address; a consumer stopped by hand with Ctrl-C, and the
 * producer sent again, as a person does it from the programs' terminals; a
 * worker killed by hand from its box in the picture, by keyboard, while it
 * holds tasks, whose tasks go to the other worker; and a worker started by
 * hand from the picture, by mouse, drawn there as any other.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { describeViolations, seriousViolations } from './axe.js';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import {
  cellSection,
  consumerInPicture,
  counter,
  inspectorText,
  openLesson,
  pictureBox,
  runButton,
  screenshotRun,
  sequenceNotes,
  showKinds,
  terminalLines,
  typeParam,
  waitForStatus,
} from './pages.js';
import type { BrowserWorkbook } from './workbook.js';

/** One of a switch's two languages, in a cell's code or its run controls. */
function languageButton(part: Locator, language: 'JavaScript' | 'Python'): Locator {
  return part.getByRole('group', { name: 'Program language' }).getByRole('button', { name: language, exact: true });
}

/** The language a part of a cell shows its switch pressed at. */
async function pressedLanguage(part: Locator): Promise<string> {
  return part.getByRole('group', { name: 'Program language' }).locator('[aria-pressed="true"]').innerText();
}

/** The program the code cell shows now. */
async function shownProgram(cell: Locator): Promise<string> {
  return cell.locator('code-cell').getByRole('tabpanel').innerText();
}

/** The language in the page's address. */
function addressLanguage(page: Page): string | null {
  return new URL(page.url()).searchParams.get('language');
}

/** What the run cell says the last action on a program did. */
function actedSays(cell: Locator): Locator {
  return cell.locator('run-cell .acted');
}

describe("the programs' language and actions on running programs", () => {
  let workbook: BrowserWorkbook;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ workbook, browser, page } = await openBrowserPage(pageErrors, {
      permissions: ['clipboard-read', 'clipboard-write'],
      bypassCSP: true,
    }));
  });

  afterAll(async () => {
    // Unset when beforeAll failed.
    await closeBrowserPage({ browser, workbook });
  });

  beforeEach(() => {
    pageErrors.length = 0;
  });

  it('Hello World in Python: the code cell shows the pika programs, a copy is the program shown, and a run prints their lines', async () => {
    await openLesson(page, workbook.url, '/lessons/01-hello-world');
    const cell = cellSection(page, 'hello');
    const code = cell.locator('code-cell');
    await languageButton(code, 'Python').click();

    await code.getByRole('tab', { name: 'producer', exact: true }).click();
    await expect.poll(() => shownProgram(cell)).toContain('import pika');
    const program = await shownProgram(cell);
    expect(program).toContain('python3 producer.py');
    expect(program).toContain('channel.basic_publish(');
    expect(await code.getByText('Python 3 with pika, for these parameters').isVisible()).toBe(true);
    expect(await code.getByText('producer.py', { exact: true }).isVisible()).toBe(true);
    await code.getByRole('button', { name: 'Copy the producer program (producer.py)' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(program);

    // The run controls show the same choice: the page has one language.
    expect(await pressedLanguage(cell.locator('run-cell'))).toBe('Python');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    expect(await terminalLines(cell, 'producer')).toEqual([" [x] Sent 'Hello World!'", '— exited with code 0 —']);
    expect(await terminalLines(cell, 'consumer')).toEqual([
      ' [*] Waiting for messages in hello. To exit press CTRL+C',
      " [x] Received 'Hello World!'",
      '— stopped with Ctrl-C by the lesson: exited with code 0 —',
    ]);
    // The programs that ran were pika's: their connections said so to the broker.
    await cell.locator('sequence-view .scroller').evaluate((list) => {
      list.scrollTop = 0;
    });
    await cell.locator('sequence-view [data-method="connection.start-ok"]').first().click();
    expect(await inspectorText(cell)).toMatch(/pika/i);
    expect(pageErrors).toEqual([]);
    await screenshotRun(page, cell, 'python-hello-world');
  });

  it('keeps the language across a reload and in the address, so a link opens the programs in the same language', async () => {
    await openLesson(page, workbook.url, '/lessons/01-hello-world');
    const code = cellSection(page, 'hello').locator('code-cell');
    await languageButton(code, 'Python').click();
    await expect.poll(() => addressLanguage(page)).toBe('python');

    await page.reload();
    const reloaded = cellSection(page, 'producer-first').locator('code-cell');
    await expect.poll(() => pressedLanguage(reloaded)).toBe('Python');
    await expect.poll(() => shownProgram(cellSection(page, 'producer-first'))).toContain('import pika');

    // Someone who never chose a language opens the link: Python, as its sender saw it.
    const link = page.url();
    const elsewhere = await browser.newContext();
    try {
      const theirs = await elsewhere.newPage();
      await openLesson(theirs, link, link);
      await expect.poll(() => pressedLanguage(cellSection(theirs, 'hello').locator('code-cell'))).toBe('Python');
      // The link's language is theirs now too: the lesson opened without one in its address shows Python.
      await openLesson(theirs, workbook.url, '/lessons/02-work-queues');
      await expect.poll(() => addressLanguage(theirs)).toBe('python');
    } finally {
      await elsewhere.close();
    }
    // Someone new, opening a lesson without a language in its address: JavaScript, written into the address.
    const newcomer = await browser.newContext();
    try {
      const theirs = await newcomer.newPage();
      await openLesson(theirs, workbook.url, '/lessons/01-hello-world');
      await expect.poll(() => pressedLanguage(cellSection(theirs, 'hello').locator('code-cell'))).toBe('JavaScript');
      expect(addressLanguage(theirs)).toBe('javascript');
    } finally {
      await newcomer.close();
    }

    // Back to JavaScript, from another cell's run controls: every cell of the page follows, and the address.
    await languageButton(cellSection(page, 'producer-first').locator('run-cell'), 'JavaScript').click();
    await expect.poll(() => addressLanguage(page)).toBe('javascript');
    await expect.poll(() => shownProgram(cellSection(page, 'hello'))).toContain("import amqp from 'amqplib';");
    expect(pageErrors).toEqual([]);
  });

  it('a consumer stopped by hand with Ctrl-C, and the producer sent again, from their terminals', async () => {
    await openLesson(page, workbook.url, '/lessons/01-hello-world?cell=producer-first');
    const cell = cellSection(page, 'producer-first');
    await runButton(cell, 'Run').click();
    // Once the consumer runs, the run is held: what follows happens at a person's pace.
    const stopConsumer = cell.getByRole('button', { name: 'Stop consumer', exact: true });
    await stopConsumer.waitFor();
    await runButton(cell, 'Pause').click();
    await waitForStatus(cell, 'paused');

    // The producer has sent and left: it can be sent again, but there is nothing to kill or stop.
    const producerActions = cell.getByRole('group', { name: 'Actions on producer', exact: true });
    expect(await producerActions.getByRole('button').allInnerTexts()).toEqual(['Send again']);

    // Big enough for a projector: in presenter mode no button's writing is under 16 px.
    await page.keyboard.press('f');
    const sizes = await cell
      .locator('actor-terminals')
      .getByRole('button')
      .evaluateAll((buttons) =>
        // This runs in the page: its window is the buttons' own.
        buttons.map(
          (button) => `${button.textContent?.trim() ?? ''} ${button.ownerDocument.defaultView?.getComputedStyle(button).fontSize ?? ''}`,
        ),
      );
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    for (const size of sizes) expect(Number.parseFloat(size.split(' ').at(-1) ?? '0'), size).toBeGreaterThanOrEqual(16);
    await cell.locator('actor-terminals').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screenshots/program-actions-presenter.png' });
    await page.keyboard.press('f');

    // From the keyboard, as from the mouse.
    await stopConsumer.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => actedSays(cell).innerText()).toBe('Consumer stopped');
    await cell.getByRole('button', { name: 'Send again (producer)', exact: true }).click();

    await runButton(cell, 'Resume').click();
    await expect.poll(() => actedSays(cell).innerText()).toBe('Producer started');
    await waitForStatus(cell, 'finished');

    const consumer = await terminalLines(cell, 'consumer');
    expect(consumer.slice(-2)).toEqual(['— stop: Ctrl-C (SIGINT) sent by you —', '— stopped with Ctrl-C by you: exited with code 0 —']);
    // The cell's producer sends its message three times, each time it runs.
    const sent = [" [x] Sent 'Hello World!'", " [x] Sent 'Hello World!'", " [x] Sent 'Hello World!'"];
    expect(await terminalLines(cell, 'producer')).toEqual([
      ...sent,
      '— exited with code 0 —',
      '— started by you —',
      ...sent,
      '— exited with code 0 —',
    ]);
    expect(await counter(cell, 'published')).toBe(6);
    // The sequence list tells the same, at its place among the protocol's events.
    await showKinds(cell, ['Logs']);
    const notes = (await sequenceNotes(cell)).map((note) => note.text);
    expect(notes).toContain('⚑ stop: Ctrl-C (SIGINT) sent by you');
    expect(notes).toContain('⚑ stopped with Ctrl-C by you: exited with code 0');
    expect(notes).toContain('⚑ started by you');
    // Once the run is over, nothing can be done to its programs.
    expect(
      await cell
        .locator('actor-terminals')
        .getByRole('button', { name: /^(Kill|Stop|Send again)/ })
        .count(),
    ).toBe(0);
    expect(pageErrors).toEqual([]);
    await screenshotRun(page, cell, 'consumer-stopped-by-hand');
  });

  it('Work queues, seven tasks: worker 1 killed by hand from the picture while it holds tasks, and worker 2 gets them, redelivered', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues?cell=seven-tasks');
    const cell = cellSection(page, 'seven-tasks');
    // Nobody stops a worker by plan: you kill one. Tasks long enough to do it while worker 1 still holds its four.
    await typeParam(cell, 'stopWorker', '0');
    await typeParam(cell, 'msPerDot', '300');
    await runButton(cell, 'Run').click();
    await expect.poll(() => terminalLines(cell, 'worker 1').catch(() => []), { timeout: 20_000 }).toContain(" [x] Received 'Task 1......'");
    // From the keyboard: worker 1's box in the picture opens the menu of what can be done to its program.
    const picture = cell.locator('topology-view');
    await picture.getByRole('button', { name: /^Actions on worker 1: / }).focus();
    await page.keyboard.press('Enter');
    const menu = picture.getByRole('menu', { name: 'Actions on worker 1' });
    expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual(['Kill', 'Stop (Ctrl-C)', 'Start another']);
    // Readable on a projector, and nothing in the open menu that axe finds serious.
    const sizes = await menu.getByRole('menuitem').evaluateAll((items) =>
      // This runs in the page: its window is the items' own.
      items.map((item) => `${item.ownerDocument.defaultView?.getComputedStyle(item).fontSize ?? ''}`),
    );
    for (const size of sizes) expect(Number.parseFloat(size)).toBeGreaterThanOrEqual(16);
    const violations = await seriousViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await menu.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screenshots/picture-actor-menu.png' });
    // Its first item, Kill, has the focus.
    await page.keyboard.press('Enter');
    await expect.poll(() => actedSays(cell).innerText()).toBe('Worker 1 killed');
    // Ended, it can no longer be killed or stopped; another worker can still be started.
    await expect
      .poll(() => cell.getByRole('group', { name: 'Actions on worker 1', exact: true }).getByRole('button').allInnerTexts())
      .toEqual(['Start another']);
    await waitForStatus(cell, 'finished', 60_000);

    const worker1 = await terminalLines(cell, 'worker 1');
    expect(worker1.slice(-2)).toEqual(['— kill: SIGKILL sent by you —', '— killed (SIGKILL) by you —']);
    // With no prefetch limit worker 1 was dealt tasks 1, 3, 5 and 7 at once, and works them in turn: those it had not
    // finished (acknowledged) went back to the queue and on to worker 2, which prints them as redelivered.
    const finished = worker1.filter((line) => line === ' [x] Done').length;
    const unfinished = [1, 3, 5, 7].slice(finished);
    expect(unfinished.length).toBeGreaterThan(0);
    const redelivered = (await terminalLines(cell, 'worker 2')).filter((line) => line.endsWith('(redelivered)'));
    expect(redelivered).toEqual(unfinished.map((task) => ` [x] Received 'Task ${task}......' (redelivered)`));
    expect(await counter(cell, 'requeued')).toBe(unfinished.length);
    expect(await counter(cell, 'acked')).toBe(7);
    expect(await consumerInPicture(cell, 'worker 1')).toMatchObject({ got: 4, acked: finished });
    expect(await consumerInPicture(cell, 'worker 2')).toMatchObject({ got: 3 + unfinished.length, acked: 3 + unfinished.length });
    expect(pageErrors).toEqual([]);
    await screenshotRun(page, cell, 'worker-killed-by-hand');
  });

  it('Work queues: a worker started by hand from the picture during the run is in the picture and has its own terminal', async () => {
    await openLesson(page, workbook.url, '/lessons/02-work-queues?cell=seven-tasks');
    const cell = cellSection(page, 'seven-tasks');
    await typeParam(cell, 'stopWorker', '0');
    await typeParam(cell, 'msPerDot', '200');
    await runButton(cell, 'Run').click();
    const picture = cell.locator('topology-view');
    await picture.getByRole('button', { name: /^Actions on worker 2: / }).click();
    await picture.getByRole('menuitem', { name: 'Start another (worker 2)', exact: true }).click();
    await expect.poll(() => actedSays(cell).innerText(), { timeout: 20_000 }).toBe('Worker 3 started');
    await waitForStatus(cell, 'finished', 60_000);

    expect((await terminalLines(cell, 'worker 3')).slice(0, 2)).toEqual([
      '— started by you —',
      ' [*] Waiting for messages in task_queue. To exit press CTRL+C',
    ]);
    expect(await pictureBox(cell, 'consumer', 'worker 3')).toContain('worker 3');
    expect(pageErrors).toEqual([]);
  });
});
