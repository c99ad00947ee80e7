/**
 * `npm run bench:lab`: how the Lab page keeps up with a busy application of
 * your own. Starts the workbook with the embedded broker (or the RabbitMQ of
 * --broker), opens /lab in Chromium, and drives an outside application from a
 * separate process (test/bench/lab-load.ts: a producer at --rate msg/s and
 * consumers acking) through the lab's port. Measures in the page what
 * `npm run bench:ui` measures for a lesson's run: frame times, long tasks, the
 * JS heap after GC every ten seconds and DOM nodes, so a leak shows as a climb.
 *
 *   npm run bench:lab                        60 s at 10,000 msg/s
 *   npm run bench:lab -- --seconds 300 --rate 10000 --consumers 2
 *   npm run bench:lab -- --broker amqp://guest:guest@127.0.0.1:5672/some-vhost
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildClient } from '../e2e/client-build.js';
import { chromiumAvailable, launchChromium } from '../e2e/chromium.js';
import { counter } from '../e2e/pages.js';
import { startBrowserWorkbook } from '../e2e/workbook.js';
import { domNodes, heapUsed, mib, ms, percentile, startFrameRecorder, stopFrameRecorder } from './page-figures.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '10000' },
    consumers: { type: 'string', default: '2' },
    broker: { type: 'string' },
  },
});
const whole = (name: 'seconds' | 'rate' | 'consumers', min: number, max: number): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`--${name} ${values[name]} is not allowed: use a whole number from ${min} to ${max}`);
  }
  return value;
};
const seconds = whole('seconds', 5, 600);
const rate = whole('rate', 1, 50_000);
const consumers = whole('consumers', 1, 10);
const REPORT_EVERY_MS = 10_000;

if (!chromiumAvailable()) process.exit(1);
const clientDir = await buildClient();
const workbook = await startBrowserWorkbook({ clientDir, ...(values.broker === undefined ? {} : { amqpUrl: values.broker }) });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const cdp = await page.context().newCDPSession(page);
  await page.goto(`${workbook.url}lab`);
  const lab = page.locator('lab-page');
  await lab.locator('run-output').waitFor();
  const heapBefore = await heapUsed(cdp, true);
  const nodesBefore = await domNodes(cdp);
  await startFrameRecorder(page);

  console.log(
    `Lab benchmark: ${rate.toLocaleString('en')} msg/s for ${seconds} s from a separate process, ${consumers} consumers, on the ${workbook.broker.kind} broker`,
  );
  const load = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./lab-load.ts', import.meta.url)),
      '--url',
      workbook.lab.workbookUrl,
      '--rate',
      String(rate),
      '--seconds',
      String(seconds),
      '--consumers',
      String(consumers),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let last = { published: 0, delivered: 0 };
  load.stdout.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.split('\n').filter((candidate) => candidate.startsWith('{'))) last = JSON.parse(line) as typeof last;
  });
  const exited = new Promise<number | null>((resolve) => load.once('exit', resolve));
  const started = Date.now();
  const samples: number[] = [];
  console.log('\n   time   sent (load)   delivered (load)   page: published   page: delivered   heap after GC   DOM nodes');
  let code: number | null | undefined;
  while (code === undefined) {
    code = await Promise.race([
      exited,
      new Promise<undefined>((resolve) =>
        setTimeout(() => resolve(undefined), REPORT_EVERY_MS - ((Date.now() - started) % REPORT_EVERY_MS)),
      ),
    ]);
    const heap = await heapUsed(cdp, true);
    samples.push(heap);
    console.log(
      `${String(Math.round((Date.now() - started) / 1000)).padStart(5)} s ${last.published.toLocaleString('en').padStart(13)} ${last.delivered.toLocaleString('en').padStart(18)} ` +
        `${(await counter(lab, 'published')).toLocaleString('en').padStart(17)} ${(await counter(lab, 'delivered')).toLocaleString('en').padStart(17)} ` +
        `${mib(heap).padStart(15)} ${String(await domNodes(cdp)).padStart(11)}`,
    );
  }
  const elapsedS = (Date.now() - started) / 1000;
  const figures = await stopFrameRecorder(page);
  // The page shows what the dots have reached, a moment behind the trace: give it time to catch up before comparing.
  const caughtUp = Date.now();
  while ((await counter(lab, 'published')) < last.published && Date.now() - caughtUp < 15_000) await page.waitForTimeout(250);
  const shown = { published: await counter(lab, 'published'), delivered: await counter(lab, 'delivered') };
  console.log(
    `\nPage, ${((Date.now() - caughtUp) / 1000).toFixed(1)} s after the load ended: ${shown.published.toLocaleString('en')} published, ${shown.delivered.toLocaleString('en')} delivered` +
      ` (the load counted ${last.published.toLocaleString('en')} and ${last.delivered.toLocaleString('en')})`,
  );
  const heapAfter = await heapUsed(cdp, true);
  const sorted = [...figures.frames].sort((a, b) => a - b);
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/bench-lab.png', fullPage: true });
  console.log(
    `\nLoad: exited with code ${code}; ${last.published.toLocaleString('en')} published, ${last.delivered.toLocaleString('en')} delivered, ${Math.round(last.published / seconds).toLocaleString('en')} msg/s over ${seconds} s`,
  );
  console.log(
    `Frames: ${figures.frames.length.toLocaleString('en')} in ${elapsedS.toFixed(0)} s (${(figures.frames.length / elapsedS).toFixed(1)} fps); ` +
      `frame time p50 ${ms(percentile(sorted, 0.5))}, p95 ${ms(percentile(sorted, 0.95))}, p99 ${ms(percentile(sorted, 0.99))}, max ${ms(sorted.at(-1) ?? Number.NaN)}`,
  );
  console.log(`Long tasks: ${figures.longTasks} (${ms(figures.longTaskMs)} in all)`);
  const during = samples.slice(0, -1);
  console.log(
    `JS heap after GC: ${mib(heapBefore)} before, ${mib(heapAfter)} after; during ${mib(Math.min(...during))} to ${mib(Math.max(...during))}`,
  );
  console.log(`DOM nodes: ${nodesBefore.toLocaleString('en')} before, ${(await domNodes(cdp)).toLocaleString('en')} after`);
  console.log('Screenshot: test-results/screenshots/bench-lab.png');
  if (errors.length > 0) console.log(`Page errors:\n  ${errors.join('\n  ')}`);
} finally {
  await browser.close();
  await workbook.close();
}
