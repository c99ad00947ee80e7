/**
 * A token bucket: `burst` messages at once, refilled at `perSecond`. Lets a
 * learner hammer the step button, not a script flood the runner.
 */
export interface RateLimit {
  /** Takes one token; false when the bucket is empty. */
  take(): boolean;
}

/** A bucket that starts full. */
export function createRateLimit(options: { perSecond: number; burst: number; now?: () => number }): RateLimit {
  const now = options.now ?? (() => performance.now());
  let tokens = options.burst;
  let last = now();
  return {
    take() {
      const time = now();
      tokens = Math.min(options.burst, tokens + ((time - last) / 1000) * options.perSecond);
      last = time;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
