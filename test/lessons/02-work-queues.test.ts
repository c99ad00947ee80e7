import { describe, expect, it } from 'vitest';
import { cellsOf, countLines, linesOf, runCell, skipLessons, type CellRun } from './harness.js';

const LESSON = '02-work-queues';

/** A run that ended by itself, without failing and without leaving connections open. */
function expectCleanEnd(run: CellRun): void {
  expect(run.failure).toBeUndefined();
  expect(run.timedOut).toBe(false);
  expect(run.leakedConnections).toEqual([]);
}

/** The tasks an actor printed as received, in order, without the redelivered mark. */
function received(run: CellRun, actor: string): string[] {
  return linesOf(run, actor)
    .map((line) => /^ \[x\] Received '(.*)'/.exec(line)?.[1])
    .filter((task): task is string => task !== undefined);
}

const DONE = /^ \[x\] Done$/;
const REDELIVERED = /\(redelivered\)$/;

describe.skipIf(skipLessons)('lesson 2: Work queues', () => {
  it('has the cells this test covers', async () => {
    expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual([
      'round-robin', 'seven-tasks', 'auto-ack-loses-tasks', 'forgotten-ack', 'durable-tasks', 'fair-dispatch',
    ]);
  });

  it('round-robin: tasks are dealt to the workers in turn', async () => {
    const run = await runCell(LESSON, 'round-robin');
    expectCleanEnd(run);
    expect(received(run, 'worker 1')).toEqual(['First message.', 'Third message...', 'Fifth message.....']);
    expect(received(run, 'worker 2')).toEqual(['Second message..', 'Fourth message....']);
    expect(countLines(run, DONE)).toBe(5);
  });

  it('seven-tasks: the stopped worker\'s tasks are redelivered to the other one and none is lost', async () => {
    const run = await runCell(LESSON, 'seven-tasks');
    expectCleanEnd(run);
    expect(countLines(run, /^ \[!\] Stopped halfway through 'Task 1\.{6}'/, 'worker 1')).toBe(1);
    expect(countLines(run, DONE, 'worker 1')).toBe(0);
    expect(countLines(run, DONE, 'worker 2')).toBe(7);
    const redelivered = linesOf(run, 'worker 2').filter((line) => REDELIVERED.test(line));
    expect(redelivered.map((line) => /'(.*)'/.exec(line)?.[1]).sort()).toEqual(['Task 1......', 'Task 3......', 'Task 5......', 'Task 7......']);
    expect(new Set(received(run, 'worker 2'))).toEqual(new Set(['1', '2', '3', '4', '5', '6', '7'].map((n) => `Task ${n}......`)));
    expect(run.snapshots).toBe(4);
  });

  it('seven-tasks, stopped after its second task: only the unfinished ones move', async () => {
    const run = await runCell(LESSON, 'seven-tasks', { stopAfter: 2 });
    expectCleanEnd(run);
    expect(countLines(run, DONE, 'worker 1')).toBe(1);
    expect(countLines(run, DONE, 'worker 2')).toBe(6);
    expect(countLines(run, REDELIVERED, 'worker 2')).toBe(3);
  });

  it('auto-ack-loses-tasks: with automatic acknowledgement the stopped worker\'s tasks are lost', async () => {
    const run = await runCell(LESSON, 'auto-ack-loses-tasks');
    expectCleanEnd(run);
    expect(countLines(run, DONE)).toBe(3);
    expect(countLines(run, DONE, 'worker 2')).toBe(3);
    expect(countLines(run, REDELIVERED)).toBe(0);
  });

  it('forgotten-ack: every task is done, and the run still ends by itself', async () => {
    const run = await runCell(LESSON, 'forgotten-ack');
    expectCleanEnd(run);
    expect(countLines(run, DONE)).toBe(5);
  });

  it('forgotten-ack with prefetch 1: each worker gets one task and then nothing; the run goes quiet', async () => {
    const run = await runCell(LESSON, 'forgotten-ack', { prefetch: 1 });
    expectCleanEnd(run);
    expect(countLines(run, DONE, 'worker 1')).toBe(1);
    expect(countLines(run, DONE, 'worker 2')).toBe(1);
  });

  it('stopping the only worker: its tasks stay in the queue and the run ends by itself', async () => {
    const run = await runCell(LESSON, 'seven-tasks', { workers: 1 });
    expectCleanEnd(run);
    expect(countLines(run, DONE)).toBe(0);
    expect(run.durationMs).toBeLessThan(5000);
  });

  it('a forgetful worker that stops: its finished tasks come back and are done again by the other', async () => {
    const run = await runCell(LESSON, 'seven-tasks', { ackMode: 'forgotten', stopAfter: 2 });
    expectCleanEnd(run);
    expect(countLines(run, DONE, 'worker 1')).toBe(1);
    expect(countLines(run, DONE, 'worker 2')).toBe(7);
  });

  it('durable-tasks: the tutorial\'s durable queue and persistent tasks run through', async () => {
    const run = await runCell(LESSON, 'durable-tasks');
    expectCleanEnd(run);
    expect(countLines(run, DONE)).toBe(5);
  });

  it('fair-dispatch: with prefetch 1 the slow worker gets fewer tasks than the fast one', async () => {
    const run = await runCell(LESSON, 'fair-dispatch');
    expectCleanEnd(run);
    const slow = countLines(run, DONE, 'worker 1');
    const fast = countLines(run, DONE, 'worker 2');
    expect(slow + fast).toBe(8);
    expect(slow).toBeLessThan(fast);
  });

  it('fair-dispatch with prefetch 0: round-robin gives the slow worker as many as the fast one', async () => {
    const run = await runCell(LESSON, 'fair-dispatch', { prefetch: 0 });
    expectCleanEnd(run);
    expect(countLines(run, DONE, 'worker 1')).toBe(4);
    expect(countLines(run, DONE, 'worker 2')).toBe(4);
  });

  it('refuses to stop a worker the run does not have, naming the parameter', async () => {
    const run = await runCell(LESSON, 'round-robin', { workers: 2, stopWorker: 3 });
    expect(run.failure?.message).toBe('stopWorker is 3 but there are only 2 workers: use 0 (none) or 1 to 2');
  });
});
