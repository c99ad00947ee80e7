/**
 * The page that opens a saved trace, in Chromium: a long run (50,000 events)
 * opens with the page answering all along (the views are fed a batch at a
 * time), and shows the run's end; a refused file says why.
 */
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import type { TracePage } from '../../client/src/app/trace-page.js';
import '../../client/src/app/trace-page.js';
import type { TraceEvent, TraceFile } from '../../server/protocol/index.js';
import { allInShadow, inShadow, mount, settled, textOf, unmountAll } from './mount.js';
import { present } from '../support/present.js';
import { recording } from './recorded-runs.js';

/** The seven-tasks run's events again and again, numbered on, up to `count` events, as one saved file. */
function longTrace(count: number): TraceFile {
  const { events, summary } = recording('seven-tasks');
  const long: TraceEvent[] = [];
  for (let round = 0; long.length < count; round += 1) {
    for (const event of events) {
      if (long.length === count) break;
      long.push({ ...event, seq: long.length + 1, time: event.time + round * 60_000 });
    }
  }
  return {
    format: 'warren-trace',
    version: 1,
    savedAt: '2026-12-07T18:00:00.000Z',
    lesson: '02-work-queues',
    cell: 'seven-tasks',
    title: 'Work queues: seven tasks',
    language: 'javascript',
    broker: { kind: 'rabbitmq' },
    params: { workers: 2 },
    status: 'finished',
    summary,
    events: long,
  };
}

afterEach(unmountAll);

describe('opening a saved trace', () => {
  it('opens 50,000 events without holding the page still for long, and shows the last one', async () => {
    const page = await mount<TracePage>(html`<trace-page></trace-page>`);
    const file = new File([JSON.stringify(longTrace(50_000))], 'long.json', { type: 'application/json' });
    // The longest stretch the page went without drawing a frame while the file opened.
    let longest = 0;
    let last = performance.now();
    let watching = true;
    const watch = (now: number): void => {
      longest = Math.max(longest, now - last);
      last = now;
      if (watching) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    await page.open(file);
    watching = false;
    await settled(page);
    const timeline = inShadow(page, 'run-timeline');
    await settled(timeline);
    expect(textOf(inShadow(timeline, '.where'))).toMatch(/^Event 50,000 of 50,000: /);
    expect(textOf(inShadow(page, '.facts'))).toContain('RabbitMQ');
    // Reading and checking the file is one step; feeding the views is in batches that each leave the page a frame.
    expect(longest).toBeLessThan(1500);
  }, 60_000);

  it("says so when the file does not hold the run's first events, and shows the gap that stands for them", async () => {
    const whole = longTrace(3000);
    const counts = { 'basic.publish': 1200, 'basic.deliver': 800 };
    const events: TraceEvent[] = [{ kind: 'gap', seq: 2000, time: 0, dropped: 2000, counts }, ...whole.events.slice(2000)];
    const file = { ...whole, letGo: { events: 2000, counts }, events };
    const page = await mount<TracePage>(html`<trace-page></trace-page>`);
    await page.open(new File([JSON.stringify(file)], 'long.json'));
    await settled(page);
    expect(textOf(inShadow(page, '.let-go'))).toContain("This file does not hold the run's first 2,000 events");
    const timeline = inShadow(page, 'run-timeline');
    await settled(timeline);
    expect(textOf(inShadow(timeline, '.where'))).toMatch(/^Event 1,001 of 1,001: /);
  });

  it('opens a file dropped on it, and its named moments move every view there', async () => {
    const page = await mount<TracePage>(html`<trace-page></trace-page>`);
    const dropped = new DataTransfer();
    dropped.items.add(new File([JSON.stringify(longTrace(recording('seven-tasks').events.length))], 'seven.json'));
    inShadow(page, '.drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    await expect.poll(() => page.shadowRoot?.querySelector('run-timeline') ?? null).not.toBeNull();
    await settled(page);
    const timeline = inShadow(page, 'run-timeline');
    const moments = allInShadow(page, '.moments button');
    expect(moments.length).toBeGreaterThan(0);
    const first = present(moments[0], 'a moment button');
    first.click();
    await settled(timeline);
    expect(textOf(inShadow(timeline, '.where'))).not.toMatch(/^Event ([\d,]+) of \1: /);
    expect(inShadow(timeline, '.live').getAttribute('aria-pressed')).toBe('false');
  });

  it('says what is wrong with a file it refuses, and shows no run', async () => {
    const page = await mount<TracePage>(html`<trace-page></trace-page>`);
    await page.open(new File(['{"format":"warren-trace","version":7}'], 'future.json'));
    await settled(page);
    expect(textOf(inShadow(page, '[role="alert"]'))).toBe(
      'future.json: This trace was saved in version 7 of the format, newer than this workbook reads (version 1 and older). Open it with a newer Warren.',
    );
    expect(page.shadowRoot?.querySelector('run-output')).toBeNull();
  });
});
