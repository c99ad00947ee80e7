/**
 * What a learner reads in a run's views, in Chromium against the embedded
 * broker: the sequence list's lanes stay in one order, whatever the cell and
 * wherever the cursor is; Publisher confirms' rows say which message each
 * publish and routing was about, by its body; an empty routing key reads "(empty)" in the
 * sequence list, the frame inspector and the picture; the names written
 * beside the picture's moving dots never cover a box's title. Screenshots go to test-results/screenshots/views-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  cellSection,
  dragTimeline,
  inspectorText,
  openLesson,
  pictureBox,
  pressOnTimeline,
  runButton,
  screenshotRun,
  sequence,
  sequenceLanes,
  sequenceRows,
  showKinds,
  timeline,
  timelineSays,
  typeParam,
  waitForReplayEnd,
  waitForStatus,
} from './pages.js';
import { closeBrowserPage, openBrowserPage } from './browser-page.js';
import type { BrowserWorkbook } from './workbook.js';

describe('the run views', () => {
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

  it('the sequence lanes read producer, broker, receivers in both Publish/Subscribe cells, at every moment', async () => {
    await openLesson(page, workbook.url, '/lessons/03-publish-subscribe');
    // The receivers start first in one cell and last in the other: the producer stands left of the broker in both.
    for (const cellId of ['receivers-first', 'publish-first']) {
      const cell = cellSection(page, cellId);
      await runButton(cell, 'Run').click();
      await waitForStatus(cell, 'finished');
      const lanes = await sequenceLanes(cell);
      expect(lanes.slice(0, 2)).toEqual(['producer', 'broker']);
      expect([...lanes.slice(2)].sort()).toEqual(['receiver 1', 'receiver 2']);

      // Back to the first event, before anyone published, and forward a step at a time: the lanes stay put.
      await dragTimeline(cell, 0.6, 0);
      expect(await timelineSays(cell)).toMatch(/^Event 1 of /);
      expect(await sequenceLanes(cell)).toEqual(lanes);
      for (let step = 0; step < 40; step += 1) {
        await pressOnTimeline(cell, 'ArrowRight');
        expect(await sequenceLanes(cell)).toEqual(lanes);
      }
      await screenshotRun(page, cell, `views-lanes-${cellId}`);
    }
    expect(pageErrors).toEqual([]);
  });

  it('RPC: the client, which sends the first request, stands left of the broker, the server right; decisions stay clear of the event numbers', async () => {
    await openLesson(page, workbook.url, '/lessons/06-rpc');
    const cell = cellSection(page, 'direct-reply-to');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    const lanes = await sequenceLanes(cell);
    expect(lanes).toEqual(['rpc client', 'broker', 'rpc server 1']);
    await showKinds(cell, ['Broker decisions']);
    const decisions: { text: string; clear: boolean }[] = await sequence(cell)
      .locator('[data-method="broker.routed"]')
      .evaluateAll((rows) =>
        rows.map((row) => {
          const gutterRight: number = row.querySelector('.gutter')?.getBoundingClientRect().right ?? Infinity;
          const decisionLeft: number = row.querySelector('.decision')?.getBoundingClientRect().left ?? -Infinity;
          return {
            text: (row.textContent ?? '').replace(/\s+/g, ' ').trim(),
            clear: decisionLeft >= gutterRight,
          };
        }),
      );
    expect(decisions.length).toBeGreaterThan(0);
    for (const decision of decisions) expect(decision, decision.text).toMatchObject({ clear: true });
    expect(pageErrors).toEqual([]);
  });

  /** Puts the cursor back at the end of the run, as the Live button does, once the replay got there. */
  async function showLive(cell: Locator): Promise<void> {
    const live = timeline(cell).getByRole('button', { name: 'Live', exact: true });
    if ((await live.getAttribute('aria-pressed')) === 'false') await live.click();
    await waitForReplayEnd(cell);
  }

  /** From the end of the run, selects the first sequence row of this method (shown among the given kinds); returns its text and the inspector's. */
  async function selectFirst(cell: Locator, kinds: string[], method: string): Promise<{ row: string; inspector: string }> {
    await showLive(cell);
    await showKinds(cell, kinds);
    const row = (await sequenceRows(cell)).find((candidate) => candidate.method === method);
    if (row === undefined) throw new Error(`the sequence list shows no ${method} row`);
    await sequence(cell).locator(`[data-seq="${row.seq}"]`).click();
    return { row: row.text, inspector: await inspectorText(cell) };
  }

  it('an empty routing key reads (empty): a fanout publish routed to two queues, and one that matched no binding', async () => {
    await openLesson(page, workbook.url, '/lessons/03-publish-subscribe');
    const routedCell = cellSection(page, 'receivers-first');
    await runButton(routedCell, 'Run').click();
    await waitForStatus(routedCell, 'finished');
    const publish = await selectFirst(routedCell, ['Messages'], 'basic.publish');
    expect(publish.row).toMatch(/basic\.publish logs ← \(empty\) · info: Hello World!$/);
    expect(publish.inspector).toContain('exchange logs routingKey (empty) mandatory false');
    const deliver = await selectFirst(routedCell, ['Messages'], 'basic.deliver');
    expect(deliver.row).toMatch(/basic\.deliver #1 \(empty\) · info: Hello World!$/);
    const routed = await selectFirst(routedCell, ['Broker decisions'], 'broker.routed');
    expect(routed.row).toMatch(/→ routed info: Hello World! · \(empty\) → 2 queues via \(empty\)$/);
    expect(routed.inspector).toContain('exchange logs routing key (empty)');
    await screenshotRun(page, routedCell, 'views-empty-key-routed');

    const unroutableCell = cellSection(page, 'publish-first');
    await runButton(unroutableCell, 'Run').click();
    await waitForStatus(unroutableCell, 'finished');
    const unroutable = await selectFirst(unroutableCell, ['Broker decisions'], 'broker.unroutable');
    expect(unroutable.row).toMatch(/✕ unroutable info: Hello World! · \(empty\) matched no binding of logs$/);
    expect(unroutable.inspector).toContain('routing key (empty)');
    await showLive(unroutableCell);
    // Under the exchange, the keys of the messages it dropped, struck through.
    expect(await pictureBox(unroutableCell, 'exchange', 'logs')).toEqual(['logs', 'fanout exchange', '✕ 1 unroutable, dropped', '(empty)']);
    await screenshotRun(page, unroutableCell, 'views-empty-key-unroutable');
    expect(pageErrors).toEqual([]);
  });

  /**
   * Watches a cell's picture at every animation frame until `stop` resolves: the names written beside moving dots, and
   * those that covered a box's title (an exchange's, a queue's, a program's name) then, with the title.
   */
  async function watchDotNames(cell: Locator, stop: () => Promise<void>): Promise<{ names: number; covering: string[] }> {
    const picture = cell.locator('topology-view');
    await picture.evaluate((view) => {
      const root = view.shadowRoot;
      const window = view.ownerDocument.defaultView;
      if (root === null || window === null) throw new Error('the picture is not in a page');
      const seen = { names: 0, covering: [] as string[], watching: true };
      (view as unknown as { dotNamesSeen: typeof seen }).dotNamesSeen = seen;
      const look = (): void => {
        const titles = [...root.querySelectorAll('.nodes text.name, .edge-labels .edge-label text')].map((title) => ({
          text: title.textContent ?? '',
          box: title.getBoundingClientRect(),
        }));
        for (const name of root.querySelectorAll('.dots .dot-label')) {
          seen.names += 1;
          const box = name.getBoundingClientRect();
          for (const title of titles) {
            const t = title.box;
            if (box.left < t.right && t.left < box.right && box.top < t.bottom && t.top < box.bottom) {
              seen.covering.push(`"${name.textContent ?? ''}" over ${title.text}`);
            }
          }
        }
        if (seen.watching) window.requestAnimationFrame(look);
      };
      window.requestAnimationFrame(look);
    });
    await stop();
    return picture.evaluate((view) => {
      const seen = (view as unknown as { dotNamesSeen: { names: number; covering: string[]; watching: boolean } }).dotNamesSeen;
      seen.watching = false;
      return { names: seen.names, covering: [...new Set(seen.covering)] };
    });
  }

  it('the names on moving dots leave the titles of exchanges, queues and programs, and the binding keys, readable', async () => {
    // Names written, over the three runs: a run of one message may draw its dot unnamed when the page skips ahead.
    let names = 0;
    for (const [lesson, cellId] of [
      ['03-publish-subscribe', 'receivers-first'],
      ['03-publish-subscribe', 'publish-first'],
      ['04-routing', 'severities'],
    ] as const) {
      await openLesson(page, workbook.url, `/lessons/${lesson}`);
      const cell = cellSection(page, cellId);
      await runButton(cell, 'Run').click();
      // The picture comes with the run; its dots follow the events at the animation speed, until the replay's end.
      await cell.locator('topology-view').waitFor({ state: 'attached' });
      const seen = await watchDotNames(cell, () => waitForStatus(cell, 'finished'));
      // No name was written over a title or a key.
      names += seen.names;
      expect(seen.covering, cellId).toEqual([]);
    }
    // The dots were named: the check above saw names to check.
    expect(names).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('Publisher confirms, asynchronously: each publish and each routing row names its message by its body, in full view', async () => {
    await openLesson(page, workbook.url, '/lessons/07-publisher-confirms');
    const cell = cellSection(page, 'async');
    await typeParam(cell, 'messages', '20');
    await runButton(cell, 'Run').click();
    await waitForStatus(cell, 'finished');
    // The newest rows drawn of one kind: the last publishes, or the last routings, each with the message's body (the numbers 1 to 20).
    const rowsOf = async (kind: string, method: string): Promise<{ text: string; whole: boolean }[]> => {
      await showKinds(cell, [kind]);
      return sequence(cell)
        .locator(`[data-method="${method}"]`)
        .evaluateAll((found) =>
          found.map((row) => {
            const label = row.querySelector('.label, .decision');
            return {
              text: (label?.textContent ?? '').replace(/\s+/g, ' ').trim(),
              // A pixel is rounding, not text out of sight.
              whole: label !== null && label.scrollWidth - label.clientWidth <= 1,
            };
          }),
        );
    };
    const published = await rowsOf('Messages', 'basic.publish');
    const routed = await rowsOf('Broker decisions', 'broker.routed');
    expect(published.length).toBeGreaterThan(3);
    expect(routed.length).toBeGreaterThan(3);
    for (const row of published) {
      // The key is the server-named queue's name, cut short; the body ends the row, in full view.
      expect(row.text).toMatch(/^basic\.publish \(AMQP default\) ← "amq\.gen-\S{5}…" · \d{1,2}$/);
      expect(row, row.text).toMatchObject({ whole: true });
    }
    for (const row of routed) expect(row.text).toMatch(/^→ routed \d{1,2} · "amq\.gen-\S{5}…" → amq\.gen-\S{5}…$/);
    const bodies = (list: { text: string }[]): number[] => list.map((row) => Number(/(?:· |routed )(\d+)/.exec(row.text)?.[1]));
    expect(bodies(published).at(-1)).toBe(20);
    expect(bodies(routed).at(-1)).toBe(20);
    // The rows of each kind count up, one message after the other.
    for (const list of [bodies(published), bodies(routed)]) expect(list).toEqual(list.map((_, index) => (list[0] ?? 0) + index));
    // The inspector names the message of the newest routing, and its queue in full.
    await sequence(cell).locator('[data-method="broker.routed"]').last().click();
    expect(await inspectorText(cell)).toMatch(/routing key amq\.gen-\S{22} message 20 /);
    await showKinds(cell, ['Methods', 'Messages', 'Acks', 'Broker decisions', 'Logs']);
    expect(pageErrors).toEqual([]);
  });
});
