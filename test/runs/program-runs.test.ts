// Runs whose programs are processes of their own, on both brokers: a pause
// freezes them with their clock (their timers do not run behind the
// learner's back) while the tap keeps their connections alive; a person can
// kill one; a program that crashes ends the run with an error naming it.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeBothBrokers, waitFor, watchRun, type WatchedRun } from './legs.js';

const PROGRAM_LESSONS = fileURLToPath(new URL('../fixtures/program-lessons', import.meta.url));

/** The times the ticker printed: how long its own clock says it has run, at each tick. */
function ticks(run: WatchedRun): number[] {
  return run.logs().flatMap((line) => {
    const match = /^ticker: tick (\d+)$/.exec(line);
    return match === null ? [] : [Number(match[1])];
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeBothBrokers(
  'programs as processes',
  (leg) => {
    it("a pause stops the programs' clocks and keeps their connections; the time paused never shows in what they print", async () => {
      const run = watchRun(leg.runner, { lesson: '01-processes', cell: 'ticker', params: {} });
      await waitFor(() => ticks(run).length >= 5);
      run.handle.pause();
      await waitFor(() => run.statuses.includes('paused'));
      const before = ticks(run).length;
      // Three seconds: three times the one-second heartbeat the program asked for.
      await sleep(3000);
      // A tick or two printed as the pause began may still arrive; none comes later.
      expect(ticks(run).length).toBeLessThanOrEqual(before + 2);
      const duringPause = ticks(run).length;
      await sleep(500);
      expect(ticks(run).length).toBe(duringPause);
      run.handle.resume();
      await waitFor(() => ticks(run).length >= duringPause + 5);
      await run.handle.stop();

      const times = ticks(run);
      const gaps = times.slice(1).map((time, index) => time - (times[index] ?? 0));
      // 100 ms a tick on the program's own clock, the pause included: no gap anywhere near three seconds.
      expect(Math.max(...gaps)).toBeLessThan(600);
      // The connection lived through the pause, and the run's stop ended the program with Ctrl-C: a clean goodbye.
      expect(run.frames('connection-lost')).toEqual([]);
      expect(run.frames('connection.close').map((frame) => frame.actor)).toEqual(['ticker']);
    }, 30_000);

    it('a person kills a program: it ends at once, and the trace says who killed it', async () => {
      const run = watchRun(leg.runner, { lesson: '01-processes', cell: 'ticker', params: {} });
      await waitFor(() => ticks(run).length >= 2);
      await expect(run.handle.act({ actor: 'ticker', action: 'kill' })).resolves.toBe('ticker killed');
      await waitFor(() => run.logs().some((line) => line.startsWith('ticker: (killed')));
      expect(run.logs()).toContain('ticker: (killed (SIGKILL) by you)');
      await expect(run.handle.act({ actor: 'ticker', action: 'stop' })).rejects.toThrow('ticker is not running');
      await expect(run.handle.act({ actor: 'nobody', action: 'kill' })).rejects.toThrow('nobody is not running');
      await expect(run.handle.act({ actor: 'ticker', action: 'another' })).rejects.toThrow('ticker has no copies to start');
      await run.handle.done;
      expect(run.statuses.at(-1)).toBe('finished');
      // Killed: the broker saw its connection drop, without a goodbye.
      expect(run.frames('connection.close')).toEqual([]);
    }, 30_000);

    it('a program that crashes ends the run with an error that names it and what it said', async () => {
      const run = watchRun(leg.runner, { lesson: '01-processes', cell: 'crash', params: {} });
      await run.handle.done;
      expect(run.statuses.at(-1)).toBe('ended-with-error');
      expect(run.failure?.explanation).toBe('crasher exited with code 1: Error: the work went wrong. Its output says more.');
      expect(run.failure?.raw).toContain('throw new Error');
      expect(run.logs()).toContain('crasher:  [*] Working');
    }, 30_000);

    it('a program that fails as its cell expects (an exit code, a broker close) ends the run as finished', async () => {
      const run = watchRun(leg.runner, { lesson: '01-processes', cell: 'on-purpose', params: {} });
      await run.handle.done;
      expect(run.statuses.at(-1)).toBe('finished');
      expect(run.failure).toBeUndefined();
      expect(run.logs()).toContain('failer:  [!] 404');
      expect(run.logs()).toContain('failer: (exited with code 3)');
    }, 30_000);

    it('the same failure, not expected, ends the run with an error naming the close and the exit code', async () => {
      const run = watchRun(leg.runner, { lesson: '01-processes', cell: 'on-purpose', params: { expected: false } });
      await run.handle.done;
      expect(run.statuses.at(-1)).toBe('ended-with-error');
      expect(run.failure?.explanation).toContain("The broker closed failer's channel 1 with 404 NOT_FOUND");
      expect(run.failure?.explanation).toContain('failer exited with code 3.');
    }, 30_000);

    it('a Python run of a cell written in JavaScript only is refused, naming the languages it has', () => {
      expect(() => leg.runner.start({ lesson: '01-processes', cell: 'ticker', params: {}, language: 'python' }, LISTENER)).toThrow(
        "The programs of cell 'ticker' exist in javascript only, not in python.",
      );
    });
  },
  PROGRAM_LESSONS,
);

const LISTENER = { onEvent: () => {}, onStatus: () => {}, onSummary: () => {} };
