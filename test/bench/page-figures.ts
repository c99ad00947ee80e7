/**
 * What the UI benchmarks measure in a Chromium page: frame times
 * (requestAnimationFrame deltas), long tasks, the JS heap after a forced GC,
 * and DOM nodes; with the percentiles and units they are printed in.
 */
import type { CDPSession, Page } from 'playwright-core';
import { present } from '../support/present.js';

/** Frames kept for the figures: more than ten minutes at 60 frames a second. */
const MOST_FRAMES = 60 * 60 * 10;

/** The page's JS heap in use, in bytes, after a full garbage collection when `collect` is set. */
export async function heapUsed(cdp: CDPSession, collect: boolean): Promise<number> {
  if (collect) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

/** DOM nodes alive in the page (shadow roots included). */
export async function domNodes(cdp: CDPSession): Promise<number> {
  const { nodes } = await cdp.send('Memory.getDOMCounters');
  return nodes;
}

/**
 * Starts recording in the page: every frame's time since the previous one,
 * into a buffer allocated now (so it does not grow the heap during the run),
 * and every long task (over 50 ms) the page had.
 */
export async function startFrameRecorder(page: Page): Promise<void> {
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

export interface FrameFigures {
  frames: number[];
  longTasks: number;
  longTaskMs: number;
}

export async function stopFrameRecorder(page: Page): Promise<FrameFigures> {
  return page.evaluate<FrameFigures>(`(() => {
    const bench = globalThis.__bench;
    bench.recording = false;
    return { frames: Array.from(bench.frames.subarray(0, bench.count)), longTasks: bench.longTasks, longTaskMs: bench.longTaskMs };
  })()`);
}

export function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return present(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]);
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const ms = (value: number): string => `${value.toFixed(1)} ms`;
