/**
 * What the end-to-end tests do on a workbook page, in a learner's terms:
 * open a lesson, find a run cell, press its buttons, read its views. Every
 * figure a test checks is read from the text a person sees (a counter's label
 * and number, the counts written in the picture, the broker panel's columns by
 * their headings), and a figure that is not on the page fails the test rather
 * than reading as 0. Lookups pierce the components' open shadow roots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { present } from '../support/present.js';

/** Where screenshots go, from the repository root. */
const SCREENSHOTS_DIR = 'test-results/screenshots';

/** A run cell's status, as its data-status attribute says. */
export type CellStatus =
  'idle' | 'starting' | 'running' | 'paused' | 'finished' | 'ended-with-error' | 'stopped' | 'failed' | 'interrupted';

/** How long a lesson's run may take before a test gives up on it. */
const RUN_TIMEOUT_MS = 30_000;

/** Opens a lesson page by address and waits for its first run cell. */
export async function openLesson(page: Page, baseUrl: string, path: string): Promise<void> {
  await page.goto(new URL(path, baseUrl).toString());
  await page.locator('lesson-page section[data-cell]').first().waitFor();
}

/** A run cell's section: its parameter form, code and run controls. */
export function cellSection(page: Page, cellId: string): Locator {
  return page.locator(`lesson-page section[data-cell="${cellId}"]`);
}

/** A button of a run cell's toolbar, by its accessible name (Run, Step, Pause, Resume, Stop, Reset). */
export function runButton(cell: Locator, name: 'Run' | 'Step' | 'Pause' | 'Resume' | 'Stop' | 'Reset'): Locator {
  return cell.locator('run-cell').getByRole('button', { name, exact: true });
}

/** Longer than the views take to redraw while a run floods them (a few times a second). */
const VIEWS_STILL_MS = 200;

/**
 * Waits until a cell's run shows this status. For a status that holds the
 * run still (paused, or ended), also waits until the views have caught up:
 * they redraw a few times a second when many events arrive at once.
 */
export async function waitForStatus(cell: Locator, status: CellStatus, timeout = RUN_TIMEOUT_MS): Promise<void> {
  await cell.locator(`run-cell[data-status="${status}"]`).waitFor({ timeout });
  if (status !== 'starting' && status !== 'running') await waitForStillViews(cell);
}

/**
 * Waits until the replay of the run has reached its newest event (the
 * views follow the dots at the animation speed), then until the counters,
 * the picture's counts, the sequence's row count and the broker panel stay
 * the same for a moment.
 */
async function waitForStillViews(cell: Locator, timeout = 10_000): Promise<void> {
  if (await timeline(cell).isVisible()) await waitForReplayEnd(cell);
  const deadline = Date.now() + timeout;
  let before = await viewsNow(cell);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, VIEWS_STILL_MS));
    const now = await viewsNow(cell);
    if (now === before) return;
    if (Date.now() > deadline) throw new Error(`the run's views kept changing for ${timeout} ms`);
    before = now;
  }
}

/** What the run's views show now, as one string to compare: the text written on them (moving dots left out). */
async function viewsNow(cell: Locator): Promise<string> {
  const parts = await Promise.all([
    cell.locator('run-counters dl').allInnerTexts(),
    cell.locator('topology-view svg[part="picture"] text').allTextContents(),
    cell.locator('sequence-view .count').allInnerTexts(),
    cell.locator('broker-panel tr').allInnerTexts(),
  ]);
  return JSON.stringify(parts);
}

/** A cell's run status now. */
export async function statusOf(cell: Locator): Promise<string | null> {
  return cell.locator('run-cell').getAttribute('data-status');
}

/** A parameter's input in a cell's form, by its label: the parameter's name (exactly), or a pattern for labels with a hint. */
export function paramInput(cell: Locator, label: string | RegExp): Locator {
  return cell.locator('param-form').getByLabel(label, { exact: true });
}

/** Sets a parameter as a learner types it: clears the field and types the new text. */
export async function typeParam(cell: Locator, label: string | RegExp, text: string): Promise<void> {
  await paramInput(cell, label).fill(text);
}

/** A count as the page writes it ("7", "1,024"); anything else is a test failure, never a 0. */
export function readCount(text: string, what: string): number {
  const digits = text.trim();
  if (!/^\d{1,3}([,.\s\u202f]?\d{3})*$/.test(digits)) throw new Error(`${what} shows "${text}", not a count`);
  return Number(digits.replace(/\D/g, ''));
}

/** The lines of text a box of the picture shows, in order (SVG text has no innerText: its content is what is drawn). */
async function pictureLines(box: Locator): Promise<string[]> {
  return (await box.locator('text').allTextContents()).map((line) => line.replace(/\s+/g, ' ').trim());
}

/** The full name of a box of the picture: its tooltip (the drawn name may be shortened). */
async function pictureName(box: Locator): Promise<string> {
  return (await box.locator('title').first().textContent()) ?? '';
}

/** A count the picture writes on one of a box's lines, found by the pattern around it, e.g. /^received (.+)$/. */
function countOnLine(lines: string[], pattern: RegExp, what: string): number {
  for (const line of lines) {
    const match = pattern.exec(line);
    if (match?.[1] !== undefined) return readCount(match[1], what);
  }
  throw new Error(`${what} is not written in the picture; its lines are: ${JSON.stringify(lines)}`);
}

/** What the picture writes under each queue: "received N", by the queue's name. */
export async function queuesReceived(cell: Locator): Promise<Record<string, number>> {
  const queues = await cell
    .locator('topology-view')
    .getByRole('img', { name: /^queue / })
    .all();
  const pairs: [string, number][] = [];
  for (const queue of queues) {
    const name = await pictureName(queue);
    pairs.push([name, countOnLine(await pictureLines(queue), /^received (.+)$/, `queue ${name}'s received count`)]);
  }
  return Object.fromEntries(pairs);
}

/** The labels written on the picture's bindings: the binding key, then how many messages it matched ("error · 2"). */
export async function bindingLabels(cell: Locator): Promise<string[]> {
  return (await cell.locator('topology-view .binding-label text').allTextContents()).map((text) => text.trim());
}

/** What the picture writes on a queue, an actor or an exchange: its lines of text, found by its full name. */
export async function pictureBox(cell: Locator, kind: 'queue' | 'producer' | 'consumer' | 'exchange', name: string): Promise<string[]> {
  // Each box is an image named by what it is: "queue task_queue: ...", "consumer worker 1: ...", "fanout exchange logs".
  const named = kind === 'exchange' ? /^\S+ exchange/ : new RegExp(`^${kind} `);
  const boxes = cell.locator('topology-view').getByRole('img', { name: named });
  for (const box of await boxes.all()) {
    if ((await pictureName(box)) === name) return pictureLines(box);
  }
  throw new Error(`the picture has no ${kind} called ${name}`);
}

/** What the picture writes under a consumer: got N, acked M, and how its connection ended, if it did. */
export async function consumerInPicture(cell: Locator, name: string): Promise<{ got: number; acked: number | 'auto'; status: string }> {
  const lines = await pictureBox(cell, 'consumer', name);
  const counts = lines.find((line) => line.startsWith('got '));
  const match = counts === undefined ? null : /^got (.+) · (?:acked (.+)|auto-ack)$/.exec(counts);
  if (match === null) throw new Error(`consumer ${name} shows no "got N · acked M" line; its lines are: ${JSON.stringify(lines)}`);
  const got = readCount(present(match[1]), `consumer ${name}'s got count`);
  const acked = match[2] === undefined ? 'auto' : readCount(match[2], `consumer ${name}'s acked count`);
  return { got, acked, status: lines[lines.indexOf(present(counts)) + 1] ?? '' };
}

/**
 * A figure of the run's counters (published, delivered, acked, requeued, dropped, confirmed ...), read as a
 * learner reads it: the number under the label that names it. A figure that is not shown fails the test.
 */
export async function counter(cell: Locator, name: string): Promise<number> {
  const figures = await cell.locator('run-counters dl > div').all();
  const shown: string[] = [];
  for (const figure of figures) {
    if (!(await figure.isVisible())) continue;
    // Labels carry a mark before their word ("↺ requeued"): the word is the name.
    const label = (await figure.locator('dt').innerText()).replace(/^[^\p{L}]+/u, '').trim();
    shown.push(label);
    if (label === name) return readCount(await figure.locator('dd').innerText(), `the ${name} counter`);
  }
  throw new Error(`the counters show no "${name}" figure; they show: ${shown.join(', ')}`);
}

/** The sequence view of a cell. */
export function sequence(cell: Locator): Locator {
  return cell.locator('sequence-view');
}

/** Shows only some kinds of rows in a cell's sequence view, as a learner ticks the filter's boxes. */
export async function showKinds(cell: Locator, kinds: string[]): Promise<void> {
  const boxes = sequence(cell).locator('.kinds label');
  for (const label of await boxes.all()) {
    const name = (await label.innerText()).trim();
    const box = label.locator('input');
    if (kinds.includes(name) !== (await box.isChecked())) await box.click();
  }
}

/** The text of every sequence row drawn now, with its data-method. */
export async function sequenceRows(cell: Locator): Promise<{ method: string; seq: number; text: string }[]> {
  return sequence(cell)
    .locator('[data-method]')
    .evaluateAll((rows) =>
      rows.map((row) => ({
        method: row.getAttribute('data-method') ?? '',
        seq: Number(row.getAttribute('data-seq')),
        text: (row.textContent ?? '').replace(/\s+/g, ' ').trim(),
      })),
    );
}

/**
 * The lines a program's terminal shows, read as a learner reads them: the
 * window titled with the actor's name, its screen's visible text line by line.
 */
export async function terminalLines(cell: Locator, actor: string): Promise<string[]> {
  const window = cell.locator('actor-terminals').getByRole('group', { name: `Terminal of ${actor}`, exact: true });
  if ((await window.count()) === 0) {
    const titles = await cell.locator('actor-terminals .title').allInnerTexts();
    throw new Error(`no terminal is titled ${actor}; the terminals are: ${titles.join(', ')}`);
  }
  const title = await window.locator('.title').innerText();
  if (title !== actor) throw new Error(`the terminal of ${actor} is titled ${title}`);
  return (await window.locator('.screen').innerText()).split('\n');
}

/**
 * The actors' printed lines the sequence list shows as notes now, each with
 * whether all of its text can be seen: not cut off by its box or the list.
 */
export async function sequenceNotes(cell: Locator): Promise<{ text: string; whole: boolean }[]> {
  return sequence(cell)
    .locator('[data-method="log"] .note')
    .evaluateAll((notes) =>
      notes.map((note) => {
        const box = note.getBoundingClientRect();
        const list = note.closest('.scroller')?.getBoundingClientRect();
        // A pixel either way is rounding, not text out of sight.
        const inList = list !== undefined && list.left - box.left <= 1 && box.right - list.right <= 1;
        const unclipped = note.scrollWidth - note.clientWidth <= 1 && note.scrollHeight - note.clientHeight <= 1;
        // The note keeps its spaces as it shows them (white-space: pre-wrap), so its text content is what is read.
        return { text: note.textContent ?? '', whole: inList && unclipped };
      }),
    );
}

/** The frame inspector's text. */
export async function inspectorText(cell: Locator): Promise<string> {
  return (await sequence(cell).locator('frame-inspector section').innerText()).replace(/\s+/g, ' ');
}

/** Shows one of the broker panel's lists (list_queues, list_bindings, ...), as a learner clicks its tab. */
export async function showBrokerList(cell: Locator, list: string): Promise<void> {
  await cell
    .locator('broker-panel')
    .getByRole('tab', { name: new RegExp(`^${list} `) })
    .click();
}

/** The broker panel's list shown now: the command it is titled with, and each row as column heading -> cell text. */
export async function brokerList(cell: Locator): Promise<{ command: string; rows: Record<string, string>[]; notes: string }> {
  const panel = cell.locator('broker-panel');
  const table = panel.getByRole('tabpanel');
  const command = (await table.locator('.command').innerText()).trim();
  const headings = (await table.getByRole('columnheader').allInnerTexts()).map((heading) => heading.trim());
  const rows: Record<string, string>[] = [];
  for (const row of await table.locator('tbody tr').all()) {
    const cells = (await row.getByRole('cell').allInnerTexts()).map((text) => text.trim());
    if (cells.length !== headings.length) continue;
    rows.push(Object.fromEntries(cells.map((text, index) => [headings[index] ?? `column ${index}`, text])));
  }
  const notes = (await table.locator('.notes li').allInnerTexts()).join(' ').replace(/\s+/g, ' ');
  return { command, rows, notes };
}

/** A queue's row of the broker panel's list_queues, read by rabbitmqctl's column headings. */
export async function brokerQueue(cell: Locator, name: string): Promise<{ ready: number; unacked: number; consumers: number }> {
  await showBrokerList(cell, 'list_queues');
  const { rows } = await brokerList(cell);
  const row = rows.find((candidate) => candidate.name === name);
  if (row === undefined)
    throw new Error(`the broker panel lists no queue ${name}; it lists: ${rows.map((other) => other.name).join(', ')}`);
  const read = (column: string): number => {
    const text = row[column];
    if (text === undefined) throw new Error(`the broker panel has no ${column} column; its columns are: ${Object.keys(row).join(', ')}`);
    return readCount(text, `the broker panel's ${column} for ${name}`);
  };
  return { ready: read('messages_ready'), unacked: read('messages_unacknowledged'), consumers: read('consumers') };
}

/** Waits until no message dot is moving in the cell's picture, so a screenshot shows where things ended. */
export async function waitForStillPicture(cell: Locator, timeout = 15_000): Promise<void> {
  await cell.locator('topology-view .dots').waitFor({ state: 'attached', timeout });
  await cell.locator('topology-view .dots .dot').first().waitFor({ state: 'detached', timeout });
}

/** Scrolls a cell's run to just under the page's sticky header and saves a 1280x720 screenshot as <name>.png. */
export async function screenshotRun(page: Page, cell: Locator, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `${name}.png`);
  await cell.locator('run-cell').evaluate((runCell) => {
    // This runs in the page, where only what the page itself defines can be used.
    const view = runCell.ownerDocument.defaultView;
    if (view === null) throw new Error('the run cell is not in a window');
    const header = runCell.ownerDocument.querySelector('warren-app')?.shadowRoot?.querySelector('header');
    view.scrollBy(0, runCell.getBoundingClientRect().top - (header?.getBoundingClientRect().height ?? 0) - 8);
  });
  await page.screenshot({ path });
  return path;
}

/**
 * Moves a cell's timeline cursor to just after the first event of the run that is this frame (and from this
 * actor, when given), through the run cell's model: what dragging the scrubber to that event does.
 */
export async function moveTimelineToFrame(cell: Locator, method: string, actor?: string): Promise<number> {
  return cell.locator('run-cell').evaluate(
    (runCell, wanted) => {
      interface Timeline {
        eventCount: number;
        eventAt(index: number): { seq: number; kind: string; method?: string; actor?: string } | undefined;
        moveCursor(seq: number | 'live'): void;
      }
      const model = (runCell as unknown as { model: Timeline }).model;
      for (let index = 0; index < model.eventCount; index += 1) {
        const event = model.eventAt(index);
        if (event?.kind !== 'frame' || event.method !== wanted.method) continue;
        if (wanted.actor !== undefined && event.actor !== wanted.actor) continue;
        model.moveCursor(event.seq);
        return event.seq;
      }
      throw new Error(`the run has no ${wanted.method} frame${wanted.actor === undefined ? '' : ` from ${wanted.actor}`}`);
    },
    { method, actor },
  );
}

/** Scrolls a cell's broker panel to the middle of the window and saves a 1280x720 screenshot as <name>.png. */
export async function screenshotBrokerPanel(page: Page, cell: Locator, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `${name}.png`);
  await cell.locator('broker-panel').evaluate((panel) => {
    panel.scrollIntoView({ block: 'center' });
  });
  await page.screenshot({ path });
  return path;
}

/** A run cell's timeline: the scrubber under its run controls. */
export function timeline(cell: Locator): Locator {
  return cell.locator('run-timeline');
}

/** What the timeline says under its track: "Event 57 of 120: basic.ack from worker 2". */
export async function timelineSays(cell: Locator): Promise<string> {
  return (await timeline(cell).locator('.where').innerText()).trim();
}

/** Presses a key on the timeline's slider, as a keyboard user moves the cursor. */
export async function pressOnTimeline(cell: Locator, key: string): Promise<void> {
  await timeline(cell).getByRole('slider', { name: 'Run timeline' }).press(key);
}

/** Drags the timeline's cursor to a fraction of the track (0 the first event, 1 the newest), with the mouse. */
export async function dragTimeline(cell: Locator, from: number, to: number): Promise<void> {
  const slider = timeline(cell).getByRole('slider', { name: 'Run timeline' });
  // In the middle of the window, clear of the sticky header and run controls.
  await slider.evaluate((element) => {
    element.scrollIntoView({ block: 'center' });
  });
  const box = await slider.boundingBox();
  if (box === null) throw new Error('the timeline is not on the screen');
  const mouse = cell.page().mouse;
  const y = box.y + box.height / 2;
  await mouse.move(box.x + from * box.width, y);
  await mouse.down();
  await mouse.move(box.x + (from + to) * 0.5 * box.width, y, { steps: 4 });
  await mouse.move(box.x + to * box.width, y, { steps: 4 });
  await mouse.up();
}

/** Waits until the timeline shows the run's newest event: a finished run's replay has caught up. */
export async function waitForReplayEnd(cell: Locator, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const says = await timelineSays(cell);
    const match = /^Event ([\d,]+) of ([\d,]+)/.exec(says);
    if (says === 'No events yet.' || (match !== null && match[1] === match[2])) return;
    // The cursor was put at a moment (Live is off): there is no replay to wait for.
    if ((await timeline(cell).getByRole('button', { name: 'Live', exact: true }).getAttribute('aria-pressed')) === 'false') return;
    if (Date.now() > deadline) throw new Error(`the replay did not reach the newest event in ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The sequence list's lane names as a person reads them across its header, left to right. */
export async function sequenceLanes(cell: Locator): Promise<string[]> {
  const lanes = await sequence(cell)
    .locator('.lane-name')
    .evaluateAll((names) => names.map((name) => ({ text: (name.textContent ?? '').trim(), left: name.getBoundingClientRect().left })));
  return lanes.sort((a, b) => a.left - b.left).map((lane) => lane.text);
}
