/**
 * `npm run bench:ui`: how the page keeps up with a busy run. Starts the
 * workbook with the embedded broker, opens a work queue cell in Chromium
 * with its parameters in the address, runs it at 10,000 messages/s, and
 * measures in the page: frame times (requestAnimationFrame deltas), long
 * tasks, the JS heap (after a forced GC) before and after, and the heap after
 * GC and DOM node counts every ten seconds, so a leak shows as a climb.
 *
 * Then it finds the ceiling: short runs at rising rates, and the highest
 * rate at which the frame time's p95 stays under 33 ms (30 frames a second).
 *
 * Then scrubbing: a run of a million events (publish, route, deliver and ack
 * cycles) loaded into a cell, the cursor moved to random moments, and the
 * time from each move until every view has redrawn, p50, p95 and max.
 *
 *   npm run bench:ui                       300 s at 10,000 msg/s, the ceiling, scrubbing
 *   npm run bench:ui -- --seconds 30       a shorter run, to try things
 *   npm run bench:ui -- --rate 2000 --workers 2 --prefetch 50
 *   npm run bench:ui -- --trial-seconds 0 --scrub-events 0   the steady run alone
 *   npm run bench:ui -- --seconds 0 --trial-seconds 0          scrubbing alone
 *
 * The course's work-queues lesson sends at most 50 tasks, far from a load,
 * so the run is a cell made for this (test/e2e/load-lessons): the same
 * queue and workers at a steady rate.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildClient } from '../e2e/client-build.js';
import { chromiumAvailable, launchChromium } from '../e2e/chromium.js';
import { cellSection, counter, runButton, screenshotRun, statusOf } from '../e2e/pages.js';
import { startBrowserWorkbook } from '../e2e/workbook.js';
import { loadScript, scrubScript, scrubTraceParts } from './scrub-trace.js';
import { domNodes, heapUsed, mib, ms, percentile, startFrameRecorder, stopFrameRecorder } from './page-figures.js';

const LOAD_LESSONS = fileURLToPath(new URL('../e2e/load-lessons/', import.meta.url));
const LESSON = '02-work-queue-load';
const CELL = 'steady';
/** How often progress is printed. */
const REPORT_EVERY_MS = 10_000;

interface RunOptions {
  seconds: number;
  rate: number;
  workers: number;
  prefetch: number;
}

interface Options extends RunOptions {
  /** Seconds each run of the ceiling search takes; 0 leaves the search out. */
  trialSeconds: number;
  /** Events of the scrubbing run; 0 leaves scrubbing out. */
  scrubEvents: number;
  /** Cursor moves timed. */
  scrubMoves: number;
}

/** Frame time p95 under which the page counts as keeping up: 30 frames a second. */
const KEEPS_UP_MS = 33;
/** Rates the ceiling search starts from and never goes past. */
const FIRST_TRIAL_RATE = 2500;
const MOST_RATE = 20_000;

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '300' },
      rate: { type: 'string', default: '10000' },
      'trial-seconds': { type: 'string', default: '20' },
      'scrub-events': { type: 'string', default: '1000000' },
      'scrub-moves': { type: 'string', default: '200' },
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
    seconds: whole('seconds', 0, 600),
    rate: whole('rate', 1, 20_000),
    workers: whole('workers', 1, 10),
    prefetch: whole('prefetch', 1, 1000),
    trialSeconds: whole('trial-seconds', 0, 120),
    scrubEvents: whole('scrub-events', 0, 2_000_000),
    scrubMoves: whole('scrub-moves', 1, 10_000),
  };
}

/** The rates the counters show, as written ("2,400 in · 2,380 out"). */
async function rateShown(cell: Locator): Promise<string> {
  const figure = cell.locator('run-counters dl > div').filter({ hasText: 'msgs/s' }).first();
  return (await figure.locator('dd').innerText()).replace(/\s+/g, ' ').trim();
}

/** What one run at a steady rate measured. */
interface RunFigures {
  status: string | null;
  p95: number;
  heapBefore: number;
  heapAfter: number;
  heapDuring: number[];
}

/** Opens the load cell with these parameters in the address, as a shared link would carry them. */
async function openCell(page: Page, url: string, run: RunOptions): Promise<Locator> {
  const params = Object.entries(run)
    .map(([name, value]) => `${CELL}.${name}=${value}`)
    .join('&');
  await page.goto(`${url}lessons/${LESSON}?cell=${CELL}&${params}`);
  const cell = cellSection(page, CELL);
  await cell.locator('run-cell').waitFor();
  await cell.locator('run-cell').scrollIntoViewIfNeeded();
  return cell;
}

/** One run at a steady rate in a fresh page; `verbose` prints progress every ten seconds and every figure. */
async function steadyRun(browser: Browser, url: string, run: RunOptions, verbose: boolean): Promise<RunFigures> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const cdp = await page.context().newCDPSession(page);
    const cell = await openCell(page, url, run);

    const heapBefore = await heapUsed(cdp, true);
    const nodesBefore = await domNodes(cdp);
    await startFrameRecorder(page);
    await runButton(cell, 'Run').click();
    await cell.locator('run-cell[data-status="running"]').waitFor({ timeout: 30_000 });
    const started = Date.now();
    if (verbose) console.log('\n   time   published   delivered        page shows msgs/s   heap after GC   DOM nodes');
    const samples: number[] = [];
    for (;;) {
      await page.waitForTimeout(REPORT_EVERY_MS - ((Date.now() - started) % REPORT_EVERY_MS));
      const status = await statusOf(cell);
      // One forced GC every ten seconds costs a frame or two; without it the heap figure is noise.
      const heap = await heapUsed(cdp, true);
      samples.push(heap);
      if (verbose) {
        console.log(
          `${String(Math.round((Date.now() - started) / 1000)).padStart(5)} s ${(await counter(cell, 'published')).toLocaleString('en').padStart(11)} ` +
            `${(await counter(cell, 'delivered')).toLocaleString('en').padStart(11)} ${(await rateShown(cell)).padStart(22)} ` +
            `${mib(heap).padStart(15)} ${String(await domNodes(cdp)).padStart(11)}`,
        );
      }
      if (status !== 'running' && status !== 'starting') break;
    }
    const elapsedS = (Date.now() - started) / 1000;
    const figures = await stopFrameRecorder(page);
    const status = await statusOf(cell);
    await cell.locator('run-cell[data-status="finished"], run-cell[data-status="failed"]').waitFor();
    const heapAfter = await heapUsed(cdp, true);
    const sorted = [...figures.frames].sort((a, b) => a - b);
    const p95 = percentile(sorted, 0.95);
    const during = samples.slice(0, -1);
    if (verbose) {
      const published = await counter(cell, 'published');
      const delivered = await counter(cell, 'delivered');
      const nodesAfter = await domNodes(cdp);
      await screenshotRun(page, cell, 'bench-ui');
      const slow = figures.frames.filter((frame) => frame > 50).length;
      const runSeconds = Math.min(elapsedS, run.seconds);
      console.log(`\nRun: ${status}${status === 'failed' ? ` (${await cell.locator('run-cell .explanation').innerText()})` : ''}`);
      console.log(
        `Messages: ${published.toLocaleString('en')} published, ${delivered.toLocaleString('en')} delivered; ` +
          `${Math.round(published / runSeconds).toLocaleString('en')} msg/s published over the ${run.seconds} s the producer ran`,
      );
      console.log(
        `Frames: ${figures.frames.length.toLocaleString('en')} in ${elapsedS.toFixed(0)} s (${(figures.frames.length / elapsedS).toFixed(1)} fps); ` +
          `frame time p50 ${ms(percentile(sorted, 0.5))}, p95 ${ms(p95)}, p99 ${ms(percentile(sorted, 0.99))}, ` +
          `max ${ms(sorted.at(-1) ?? Number.NaN)}; ${slow} frames over 50 ms`,
      );
      console.log(`Long tasks: ${figures.longTasks} (${ms(figures.longTaskMs)} in all)`);
      console.log(
        `JS heap after GC: ${mib(heapBefore)} before the run, ${mib(heapAfter)} after it; during it ` +
          `${mib(Math.min(...during))} to ${mib(Math.max(...during))} (first ${mib(during[0] ?? Number.NaN)}, last ${mib(during.at(-1) ?? Number.NaN)})`,
      );
      console.log(`DOM nodes: ${nodesBefore.toLocaleString('en')} before, ${nodesAfter.toLocaleString('en')} after`);
      console.log('Screenshot: test-results/screenshots/bench-ui.png');
    }
    if (errors.length > 0) console.log(`Page errors:\n  ${errors.join('\n  ')}`);
    return { status, p95, heapBefore, heapAfter, heapDuring: during };
  } finally {
    await page.close();
  }
}

/** Short runs at rising rates, then halving the step between the last rate that kept up and the first that did not. */
async function ceiling(browser: Browser, url: string, options: Options): Promise<void> {
  console.log(`\nCeiling: runs of ${options.trialSeconds} s, looking for the highest rate with frame time p95 under ${KEEPS_UP_MS} ms`);
  const trial = async (rate: number): Promise<boolean> => {
    const figures = await steadyRun(
      browser,
      url,
      { rate, seconds: options.trialSeconds, workers: options.workers, prefetch: options.prefetch },
      false,
    );
    const keepsUp = figures.status === 'finished' && figures.p95 < KEEPS_UP_MS;
    console.log(
      `  ${rate.toLocaleString('en').padStart(7)} msg/s: p95 ${ms(figures.p95)}, ${figures.status ?? 'no status'}${keepsUp ? '' : ' (does not keep up)'}`,
    );
    return keepsUp;
  };
  let good = 0;
  let bad = 0;
  for (let rate = FIRST_TRIAL_RATE; rate <= MOST_RATE; rate *= 2) {
    if (await trial(rate)) good = rate;
    else {
      bad = rate;
      break;
    }
  }
  if (bad === 0 && good < MOST_RATE && (await trial(MOST_RATE))) good = MOST_RATE;
  for (let step = 0; bad !== 0 && step < 2; step += 1) {
    const middle = Math.round((good + bad) / 2 / 500) * 500;
    if (middle <= good || middle >= bad) break;
    if (await trial(middle)) good = middle;
    else bad = middle;
  }
  console.log(
    good === 0
      ? `Ceiling: frame time p95 is over ${KEEPS_UP_MS} ms even at ${FIRST_TRIAL_RATE.toLocaleString('en')} msg/s`
      : `Ceiling: the highest rate tried with frame time p95 under ${KEEPS_UP_MS} ms is ${good.toLocaleString('en')} msg/s` +
          (bad === 0 ? ` (the most the cell sends)` : ` (${bad.toLocaleString('en')} msg/s did not keep up)`),
  );
}

/** A million-event run loaded into a cell, the cursor moved to random moments, each redraw of every view timed. */
async function scrubbing(browser: Browser, url: string, options: Options): Promise<void> {
  console.log(
    `\nScrubbing: a run of ${options.scrubEvents.toLocaleString('en')} events, the cursor moved to ${options.scrubMoves} random moments`,
  );
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const cdp = await page.context().newCDPSession(page);
    await openCell(page, url, {
      seconds: Math.max(1, options.seconds),
      rate: options.rate,
      workers: options.workers,
      prefetch: options.prefetch,
    });
    const heapBefore = await heapUsed(cdp, true);
    const loaded = await page.evaluate<{ ms: number; events: number; forgotten: number }>(
      loadScript(CELL, options.scrubEvents, scrubTraceParts()),
    );
    const heapLoaded = await heapUsed(cdp, true);
    console.log(
      `Loaded ${loaded.events.toLocaleString('en')} events (${loaded.forgotten.toLocaleString('en')} let go) in ${(loaded.ms / 1000).toFixed(1)} s; ` +
        `JS heap after GC ${mib(heapBefore)} before, ${mib(heapLoaded)} with the run`,
    );
    const times = await page.evaluate<number[]>(scrubScript(CELL, options.scrubMoves));
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `Cursor move to every view redrawn: p50 ${ms(percentile(sorted, 0.5))}, p95 ${ms(percentile(sorted, 0.95))}, ` +
        `max ${ms(sorted.at(-1) ?? Number.NaN)} (${times.length} moves)`,
    );
    await screenshotRun(page, cellSection(page, CELL), 'bench-ui-scrub');
    console.log('Screenshot: test-results/screenshots/bench-ui-scrub.png');
    if (errors.length > 0) console.log(`Page errors:\n  ${errors.join('\n  ')}`);
  } finally {
    await page.close();
  }
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
    const run: RunOptions = { seconds: options.seconds, rate: options.rate, workers: options.workers, prefetch: options.prefetch };
    if (options.seconds > 0) await steadyRun(browser, workbook.url, run, true);
    if (options.trialSeconds > 0) await ceiling(browser, workbook.url, options);
    if (options.scrubEvents > 0) await scrubbing(browser, workbook.url, options);
  } finally {
    await browser.close();
    await workbook.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
