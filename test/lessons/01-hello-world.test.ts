import { describe, expect, it } from 'vitest';
import { cellsOf, countLines, linesOf, runCell, skipLessons, type CellRun } from './harness.js';

const LESSON = '01-hello-world';

/** A run that ended by itself, without failing and without leaving connections open. */
function expectCleanEnd(run: CellRun): void {
  expect(run.failure).toBeUndefined();
  expect(run.timedOut).toBe(false);
  expect(run.leakedConnections).toEqual([]);
}

describe.skipIf(skipLessons)('lesson 1: Hello World', () => {
  it('has the cells this test covers', async () => {
    expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['hello', 'producer-first']);
  });

  it('hello: the consumer receives what the producer sent', async () => {
    const run = await runCell(LESSON, 'hello');
    expectCleanEnd(run);
    expect(linesOf(run, 'producer')).toEqual([" [x] Sent 'Hello World!'"]);
    expect(linesOf(run, 'consumer')).toEqual([
      ' [*] Waiting for messages in hello. To exit press CTRL+C',
      " [x] Received 'Hello World!'",
    ]);
  });

  it('hello: every message of a count arrives, with the learner\'s text', async () => {
    const run = await runCell(LESSON, 'hello', { message: 'hi there', count: 5 });
    expectCleanEnd(run);
    expect(countLines(run, /^ \[x\] Received 'hi there'$/, 'consumer')).toBe(5);
  });

  it('producer-first: the queue keeps the messages until the consumer comes', async () => {
    const run = await runCell(LESSON, 'producer-first');
    expectCleanEnd(run);
    const order = run.logs.map((line) => line.actor);
    expect(order.lastIndexOf('producer')).toBeLessThan(order.indexOf('consumer'));
    expect(countLines(run, /^ \[x\] Received 'Hello World!'$/, 'consumer')).toBe(3);
    expect(run.snapshots).toBe(2);
  });
});
