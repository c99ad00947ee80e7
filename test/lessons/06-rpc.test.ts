import { describe, expect, it } from 'vitest';
import { cellsOf, linesOf, runCell, skipLessons, type CellRun } from './harness.js';

const LESSON = '06-rpc';

/** A run that ended by itself, without failing and without leaving connections open. */
function expectCleanEnd(run: CellRun): void {
  expect(run.failure).toBeUndefined();
  expect(run.timedOut).toBe(false);
  expect(run.leakedConnections).toEqual([]);
}

/** What the client printed about replies, in order. */
function replies(run: CellRun): string[] {
  return linesOf(run, 'rpc client').filter((line) => !line.startsWith(' [x] Requesting'));
}

describe.skipIf(skipLessons)('lesson 6: RPC', () => {
  it('has the cells this test covers', async () => {
    expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['fib-30', 'direct-reply-to', 'two-servers', 'no-server', 'forwarded-error']);
  });

  it('fib-30: the client gets fib(30) = 832040', async () => {
    const run = await runCell(LESSON, 'fib-30');
    expectCleanEnd(run);
    expect(linesOf(run, 'rpc server 1')).toEqual([' [x] Awaiting RPC requests', ' [.] fib(30)']);
    expect(linesOf(run, 'rpc client')).toEqual([' [x] Requesting fib(30)', ' [.] Got 832040']);
  });

  it('direct-reply-to: replies arrive without a callback queue, each matched to its request', async () => {
    const run = await runCell(LESSON, 'direct-reply-to');
    expectCleanEnd(run);
    expect(replies(run).sort()).toEqual([' [.] Got 55', ' [.] Got 6765', ' [.] Got 832040']);
  });

  it('fib(0), fib(1) and a number past what a double holds come out exact', async () => {
    const run = await runCell(LESSON, 'fib-30', { requests: [0, 1, 90] });
    expectCleanEnd(run);
    expect(replies(run)).toEqual([' [.] Got 0', ' [.] Got 1', ' [.] Got 2880067194370816120']);
  });

  it('two-servers: both servers answer, and every request gets its reply', async () => {
    const run = await runCell(LESSON, 'two-servers');
    expectCleanEnd(run);
    const served = (actor: string): number => linesOf(run, actor).filter((line) => line.startsWith(' [.] fib(')).length;
    expect(served('rpc server 1')).toBeGreaterThan(0);
    expect(served('rpc server 2')).toBeGreaterThan(0);
    expect(served('rpc server 1') + served('rpc server 2')).toBe(6);
    expect(replies(run)).toHaveLength(6);
  });

  it('no-server: the client times out and says so, without crashing', async () => {
    const run = await runCell(LESSON, 'no-server');
    expectCleanEnd(run);
    expect(replies(run)).toEqual([' [!] fib(30): no reply within 1000 ms. Is any RPC server running?']);
  });

  it('no-server with mandatory: the request comes back at once', async () => {
    const run = await runCell(LESSON, 'no-server', { mandatory: true, clientTimeoutMs: 5000 });
    expectCleanEnd(run);
    expect(replies(run)).toEqual([' [!] fib(30) came back: 312 NO_ROUTE (no queue rpc_queue: no server has started)']);
    expect(run.durationMs).toBeLessThan(2000);
  });

  it('forwarded-error: the server refuses n above the limit before any work, and the client prints the error', async () => {
    const run = await runCell(LESSON, 'forwarded-error');
    expectCleanEnd(run);
    expect(linesOf(run, 'rpc server 1')).toEqual([
      ' [x] Awaiting RPC requests',
      ' [.] fib(30)',
      ' [!] fib(5000) refused: n must be at most 1000',
    ]);
    expect(replies(run)).toEqual([' [.] Got 832040', ' [!] fib(5000) failed on the server: fib(5000) refused: n must be at most 1000']);
  });
});
