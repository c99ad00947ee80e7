import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRunClock } from '../../server/programs/clock/run-clock.js';
import { readStoppedTime } from '../../server/programs/clock/stopped-time.js';

describe("a run's clock", () => {
  it('writes each stop and each go for the programs, and counts the time stood still', async () => {
    const clock = createRunClock();
    try {
      expect(readStoppedTime(readFileSync(clock.file, 'utf8'))).toEqual({ before: 0n, since: null });
      clock.stop();
      expect(clock.stopped).toBe(true);
      expect(readStoppedTime(readFileSync(clock.file, 'utf8')).since).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 20));
      clock.go();
      const after = readStoppedTime(readFileSync(clock.file, 'utf8'));
      expect(after.since).toBeNull();
      expect(after.before).toBeGreaterThanOrEqual(20_000_000n);
    } finally {
      clock.close();
    }
  });

  it('once closed, a late stop or go (a restart ending after its run) leaves no file and throws nothing', () => {
    const clock = createRunClock();
    clock.close();
    expect(() => {
      clock.stop();
      clock.go();
    }).not.toThrow();
    expect(existsSync(clock.file)).toBe(false);
  });
});
