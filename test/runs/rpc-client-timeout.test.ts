/**
 * The RPC client's timeout runs on the run's clock: stepped slowly, with
 * pauses far longer than the timeout, it does not give up while the run
 * stands still; run straight through, it gives up when its time comes.
 * In both languages, since each patches its own clock (node-clock.ts,
 * sitecustomize.py).
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { ProgramLanguage } from '../../server/programs/actor-process.js';
import { pythonProblem } from '../../server/programs/python-check.js';
import { describeBothBrokers, waitFor, watchRun, type WatchedRun } from './legs.js';

const COURSE_LESSONS = fileURLToPath(new URL('../../lessons/', import.meta.url));

/** The client's timeout in these runs. */
const TIMEOUT_MS = 500;

/** What the client prints when it gives up. */
const GAVE_UP = ` [!] fib(30): no reply within ${TIMEOUT_MS} ms. Is any RPC server running?`;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function clientLines(run: WatchedRun): string[] {
  return run.events.flatMap((event) =>
    event.kind === 'log' && event.actor === 'rpc client' && event.process === undefined ? [event.text] : [],
  );
}

function requestSent(run: WatchedRun): boolean {
  return run.frames('basic.publish').some((frame) => frame.actor === 'rpc client');
}

const languages: ProgramLanguage[] = pythonProblem() === undefined || process.env.CI === 'true' ? ['javascript', 'python'] : ['javascript'];

describeBothBrokers(
  "the RPC client's timeout",
  (leg) => {
    for (const language of languages) {
      it(`${language}: stepped slowly, the client does not time out while the run stands still`, async () => {
        const params = { clientTimeoutMs: TIMEOUT_MS };
        const run = watchRun(leg.runner, { lesson: '06-rpc', cell: 'no-server', params, mode: 'step', language });
        await waitFor(() => run.statuses.includes('paused'));
        // Each step lets one frame through, after a real wait longer than the timeout, until the request is out.
        for (let steps = 0; !requestSent(run); steps += 1) {
          expect(steps, 'steps before the request went out').toBeLessThan(40);
          await pause(TIMEOUT_MS + 200);
          const before = run.frames().length;
          run.handle.step();
          await waitFor(() => run.frames().length > before, 10_000);
        }
        await pause(3 * TIMEOUT_MS);
        expect(clientLines(run)).toEqual([' [x] Requesting fib(30)']);

        const resumed = Date.now();
        run.handle.resume();
        await waitFor(() => clientLines(run).includes(GAVE_UP), 10_000);
        // Only the run's own time counts: nearly all of the timeout was still to come.
        expect(Date.now() - resumed).toBeGreaterThanOrEqual(TIMEOUT_MS - 150);
        await run.handle.done;
        expect(run.statuses.at(-1)).toBe('finished');
        expect(run.failure).toBeUndefined();
      });

      it(`${language}: run straight through, the client times out when its time comes`, async () => {
        const timeoutMs = 1500;
        const run = watchRun(leg.runner, { lesson: '06-rpc', cell: 'no-server', params: { clientTimeoutMs: timeoutMs }, language });
        await run.handle.done;
        expect(run.statuses.at(-1)).toBe('finished');
        const sent = run.frames('basic.publish').find((frame) => frame.actor === 'rpc client');
        const gaveUp = run.events.find(
          (event) => event.kind === 'log' && event.text === ` [!] fib(30): no reply within ${timeoutMs} ms. Is any RPC server running?`,
        );
        expect(sent).toBeDefined();
        expect(gaveUp).toBeDefined();
        const waited = (gaveUp?.time ?? 0) - (sent?.time ?? 0);
        expect(waited).toBeGreaterThanOrEqual(timeoutMs - 50);
        expect(waited).toBeLessThan(timeoutMs + 700);
      });
    }
  },
  COURSE_LESSONS,
);
