import { describe, expect, it } from 'vitest';
import { cellsOf, countLines, linesOf, runCell, skipLessons, type CellRun } from './harness.js';

const LESSON = '03-publish-subscribe';

/** A run that ended by itself, without failing and without leaving connections open. */
function expectCleanEnd(run: CellRun): void {
  expect(run.failure).toBeUndefined();
  expect(run.timedOut).toBe(false);
  expect(run.leakedConnections).toEqual([]);
}

const RECEIVED = /^ \[x\] Received /;

describe.skipIf(skipLessons)('lesson 3: Publish/Subscribe', () => {
  it('has the cells this test covers', async () => {
    expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['receivers-first', 'publish-first']);
  });

  it('receivers-first: every receiver gets a copy of every line', async () => {
    const run = await runCell(LESSON, 'receivers-first', { receivers: 3, messages: ['info: one', 'warning: two'] });
    expectCleanEnd(run);
    for (const receiver of ['receiver 1', 'receiver 2', 'receiver 3']) {
      expect(linesOf(run, receiver).filter((line) => RECEIVED.test(line))).toEqual([
        " [x] Received 'info: one'",
        " [x] Received 'warning: two'",
      ]);
      expect(linesOf(run, receiver)[0]).toMatch(/^ \[\*\] Waiting for messages in amq\.gen-\S+\. To exit press CTRL\+C$/);
    }
  });

  it('receivers-first with its defaults: both receivers print the line', async () => {
    const run = await runCell(LESSON, 'receivers-first');
    expectCleanEnd(run);
    expect(countLines(run, /^ \[x\] Received 'info: Hello World!'$/)).toBe(2);
    expect(run.snapshots).toBe(2);
  });

  it('publish-first: the line is lost, nobody receives anything', async () => {
    const run = await runCell(LESSON, 'publish-first');
    expectCleanEnd(run);
    expect(linesOf(run, 'producer')).toEqual([" [x] Sent 'info: Hello World!'"]);
    expect(countLines(run, RECEIVED)).toBe(0);
    expect(run.durationMs).toBeLessThan(3000);
  });

  it('no receivers at all: the run ends without waiting', async () => {
    const run = await runCell(LESSON, 'receivers-first', { receivers: 0 });
    expectCleanEnd(run);
    expect(countLines(run, RECEIVED)).toBe(0);
  });
});
