/**
 * `npm run bench:ui`: how the page keeps up with a busy run. Starts the
 * workbook with the embedded broker, opens a work queue cell in Chromium
 * with its parameters in the address, runs it at ~5,000 messages/s, and
 * measures in the page: frame times (requestAnimationFrame deltas), long
 * tasks, the JS heap (after a forced GC) before and after, and the heap after
 * GC and DOM node counts every ten seconds, so a leak shows as a climb.
 *
 *   npm run bench:ui                       60 s at 5,000 msg/s, 4 workers
 *   npm run bench:ui -- --seconds 300      the 5-minute figure
 *   npm run bench:ui -- --rate 2000 --workers 2 --prefetch 50
 *
 * The course's work-queues lesson sends at most 50 tasks, far from a load,
 * so the run is a cell made for this (test/e2e/load-lessons): the same
 * queue and workers at a steady rate.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CDPSession, Locator, Page } from 'playwright-core';
import { buildClient } from '../e2e/client-build.js';
import { chromiumAvailable, launchChromium } from '../e2e/chromium.js';
import { cellSection, counter, runButton, screenshotRun, statusOf } from '../e2e/pages.js';
import { startBrowserWorkbook } from '../e2e/workbook.js';
import { present } from '../support/present.js';

const LOAD_LESSONS = fileURLToPath(new URL('../e2e/load-lessons/', import.meta.url));
const LESSON = '02-work-queue-load';
const CELL = 'steady';
/** Frames kept for the figures: more than ten minutes at 60 frames a second. */
const MOST_FRAMES = 60 * 60 * 10;
/** How often progress is printed. */
const REPORT_EVERY_MS = 10_000;

interface Options {
  seconds: number;
  rate: number;
  workers: number;
  prefetch: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      rate: { type: 'string', default: '5000' },
      workers: { type: 'string', default: '4' },
      prefetch: { type: 'string', default: '100' },
    },
  });
  const whole = (name: keyof typeof values, min: number, max: number): number => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`--${name} ${values[name]} is not allowed: use a whole number from ${min} to ${max}`);
    }
    return value;
  };
  return {
    seconds: whole('seconds', 1, 600),
    rate: whole('rate', 1, 20_000),
    workers: whole('workers', 1, 10),
    prefetch: whole('prefetch', 1, 1000),
  };
}

/** The page's JS heap in use, in bytes, after a full garbage collection when `collect` is set. */
async function heapUsed(cdp: CDPSession, collect: boolean): Promise<number> {
  if (collect) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

/** DOM nodes alive in the page (shadow roots included). */
async function domNodes(cdp: CDPSession): Promise<number> {
  const { nodes } = await cdp.send('Memory.getDOMCounters');
  return nodes;
}

/**
 * Starts recording in the page: every frame's time since the previous one,
 * into a buffer allocated now (so it does not grow the heap during the run),
 * and every long task (over 50 ms) the page had.
 */
async function startFrameRecorder(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const bench = { frames: new Float64Array(${MOST_FRAMES}), count: 0, longTasks: 0, longTaskMs: 0, recording: true, last: 0 };
    globalThis.__bench = bench;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) { bench.longTasks += 1; bench.longTaskMs += entry.duration; }
    }).observe({ type: 'longtask' });
    const frame = (now) => {
      if (!bench.recording) return;
      if (bench.last !== 0 && bench.count < bench.frames.length) bench.frames[bench.count++] = now - bench.last;
      bench.last = now;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  })()`);
}

interface FrameFigures {
  frames: number[];
  longTasks: number;
  longTaskMs: number;
}

async function stopFrameRecorder(page: Page): Promise<FrameFigures> {
  return page.evaluate<FrameFigures>(`(() => {
    const bench = globalThis.__bench;
    bench.recording = false;
    return { frames: Array.from(bench.frames.subarray(0, bench.count)), longTasks: bench.longTasks, longTaskMs: bench.longTaskMs };
  })()`);
}

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return present(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]);
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

async function rateShown(cell: Locator): Promise<number> {
  return counter(cell, 'rate');
}

async function main(): Promise<void> {
  const options = readOptions();
  if (!chromiumAvailable()) return;
  console.log(
    `UI benchmark: a work queue at ${options.rate.toLocaleString('en')} msg/s for ${options.seconds} s, ` +
      `${options.workers} workers (prefetch ${options.prefetch}), embedded broker, Chromium at 1280x720`,
  );
  const clientDir = await buildClient();
  const workbook = await startBrowserWorkbook({ clientDir, lessonsDir: LOAD_LESSONS });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const cdp = await page.context().newCDPSession(page);

    // The setup travels in the address, as a shared link would carry it.
    const params = Object.entries(options)
      .map(([name, value]) => `${CELL}.${name}=${value}`)
      .join('&');
    await page.goto(`${workbook.url}lessons/${LESSON}?cell=${CELL}&${params}`);
    const cell = cellSection(page, CELL);
    await cell.locator('run-cell').waitFor();
    await cell.locator('run-cell').scrollIntoViewIfNeeded();

    const heapBefore = await heapUsed(cdp, true);
    const nodesBefore = await domNodes(cdp);
    await startFrameRecorder(page);
    await runButton(cell, 'Run').click();
    await cell.locator('run-cell[data-status="running"]').waitFor({ timeout: 30_000 });
    const started = Date.now();
    console.log('\n   time   published   delivered   page shows   heap after GC   DOM nodes');
    const samples: number[] = [];
    for (;;) {
      await page.waitForTimeout(REPORT_EVERY_MS - ((Date.now() - started) % REPORT_EVERY_MS));
      const status = await statusOf(cell);
      // One forced GC every ten seconds costs a frame or two; without it the heap figure is noise.
      const heap = await heapUsed(cdp, true);
      samples.push(heap);
      console.log(
        `${String(Math.round((Date.now() - started) / 1000)).padStart(5)} s ${(await counter(cell, 'published')).toLocaleString('en').padStart(11)} ` +
          `${(await counter(cell, 'delivered')).toLocaleString('en').padStart(11)} ${`${(await rateShown(cell)).toLocaleString('en')}/s`.padStart(12)} ` +
          `${mib(heap).padStart(15)} ${String(await domNodes(cdp)).padStart(11)}`,
      );
      if (status !== 'running' && status !== 'starting') break;
    }
    const elapsedS = (Date.now() - started) / 1000;
    const figures = await stopFrameRecorder(page);
    const status = await statusOf(cell);
    await cell.locator('run-cell[data-status="finished"], run-cell[data-status="failed"]').waitFor();
    const published = await counter(cell, 'published');
    const delivered = await counter(cell, 'delivered');
    const heapAfter = await heapUsed(cdp, true);
    const nodesAfter = await domNodes(cdp);
    await screenshotRun(page, cell, 'bench-ui');

    const sorted = [...figures.frames].sort((a, b) => a - b);
    const slow = figures.frames.filter((frame) => frame > 50).length;
    const runSeconds = Math.min(elapsedS, options.seconds);
    console.log(`\nRun: ${status}${status === 'failed' ? ` (${await cell.locator('run-cell .explanation').innerText()})` : ''}`);
    console.log(
      `Messages: ${published.toLocaleString('en')} published, ${delivered.toLocaleString('en')} delivered; ` +
        `${Math.round(published / runSeconds).toLocaleString('en')} msg/s published over the ${options.seconds} s the producer ran`,
    );
    console.log(
      `Frames: ${figures.frames.length.toLocaleString('en')} in ${elapsedS.toFixed(0)} s (${(figures.frames.length / elapsedS).toFixed(1)} fps); ` +
        `frame time p50 ${ms(percentile(sorted, 0.5))}, p95 ${ms(percentile(sorted, 0.95))}, p99 ${ms(percentile(sorted, 0.99))}, ` +
        `max ${ms(sorted.at(-1) ?? Number.NaN)}; ${slow} frames over 50 ms`,
    );
    console.log(`Long tasks: ${figures.longTasks} (${ms(figures.longTaskMs)} in all)`);
    const during = samples.slice(0, -1);
    console.log(
      `JS heap after GC: ${mib(heapBefore)} before the run, ${mib(heapAfter)} after it; during it ` +
        `${mib(Math.min(...during))} to ${mib(Math.max(...during))} (first ${mib(during[0] ?? Number.NaN)}, last ${mib(during.at(-1) ?? Number.NaN)})`,
    );
    console.log(`DOM nodes: ${nodesBefore.toLocaleString('en')} before, ${nodesAfter.toLocaleString('en')} after`);
    console.log('Screenshot: test-results/screenshots/bench-ui.png');
    if (errors.length > 0) console.log(`Page errors:\n  ${errors.join('\n  ')}`);
  } finally {
    await browser.close();
    await workbook.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
