import { describe, expect, it } from 'vitest';
import { cellsOf, linesOf, runCell, skipLessons, type CellRun } from './harness.js';

const LESSON = '04-routing';

/** A run that ended by itself, without failing and without leaving connections open. */
function expectCleanEnd(run: CellRun): void {
  expect(run.failure).toBeUndefined();
  expect(run.timedOut).toBe(false);
  expect(run.leakedConnections).toEqual([]);
}

/** The lines a receiver printed for messages it got. */
function got(run: CellRun, actor: string): string[] {
  return linesOf(run, actor).filter((line) => line.startsWith(' [x] '));
}

describe.skipIf(skipLessons)('lesson 4: Routing', () => {
  it('has the cells this test covers', async () => {
    expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['severities', 'colours', 'same-key-twice']);
  });

  it('severities: errors go to both receivers, info and warning only to the one that bound them', async () => {
    const run = await runCell(LESSON, 'severities');
    expectCleanEnd(run);
    expect(got(run, 'receiver 1')).toEqual([" [x] error: 'Run. Run. Or it will explode.'"]);
    expect(got(run, 'receiver 2')).toEqual([
      " [x] info: 'Hello World!'",
      " [x] warning: 'Disk almost full'",
      " [x] error: 'Run. Run. Or it will explode.'",
    ]);
    expect(run.snapshots).toBe(2);
  });

  it('colours: a key nobody bound is dropped', async () => {
    const run = await runCell(LESSON, 'colours');
    expectCleanEnd(run);
    expect(got(run, 'receiver 1')).toEqual([" [x] orange: 'an orange message'"]);
    expect(got(run, 'receiver 2')).toEqual([" [x] black: 'a black message'", " [x] green: 'a green message'"]);
    expect(run.logs.some((line) => line.actor !== 'producer' && line.text.includes('blue'))).toBe(false);
  });

  it('same-key-twice: a key bound to both queues reaches both, like fanout', async () => {
    const run = await runCell(LESSON, 'same-key-twice');
    expectCleanEnd(run);
    expect(got(run, 'receiver 1')).toEqual([" [x] orange: 'an orange message'", " [x] black: 'a black message'"]);
    expect(got(run, 'receiver 2')).toEqual([" [x] black: 'a black message'", " [x] green: 'a green message'"]);
  });

  it('the same key bound twice to one queue is one binding: one copy', async () => {
    const run = await runCell(LESSON, 'severities', { bindings: [['error', 'error']] });
    expectCleanEnd(run);
    expect(got(run, 'receiver 1')).toEqual([" [x] error: 'Run. Run. Or it will explode.'"]);
  });
});
