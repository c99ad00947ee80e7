/** The sliding rate window: a steady stream reads at its own rate, whatever the moment it is read. */
import { describe, expect, it } from 'vitest';
import { RateWindow } from '../../client/src/run/rate-window.js';

describe('RateWindow', () => {
  it('reads a steady 5,000 events per second as 5,000/s anywhere inside a bucket', () => {
    const window = new RateWindow();
    // One event every 0.2 ms for 3 s, read at times that fall early, midway and late in a bucket.
    for (const readAt of [2001, 2125, 2249.8, 2999.8]) {
      window.clear();
      for (let time = 0; time <= readAt; time += 0.2) window.add(time);
      expect(window.perSecond(readAt)).toBeGreaterThan(4950);
      expect(window.perSecond(readAt)).toBeLessThan(5050);
    }
  });

  it('divides by the time there was early in a run', () => {
    const window = new RateWindow();
    for (let time = 0; time < 500; time += 1) window.add(time);
    expect(window.perSecond(499)).toBeCloseTo(1000, -1);
  });

  it('forgets buckets older than the window', () => {
    const window = new RateWindow();
    window.add(0, 100);
    expect(window.perSecond(5000)).toBe(0);
  });
});
