import { describe, expect, it } from 'vitest';
import { cellsOf, linesOf, runCell, skipLessons, type CellRun } from './harness.js';

const LESSON = '05-topics';

/** A run that ended by itself, without failing and without leaving connections open. */
function expectCleanEnd(run: CellRun): void {
  expect(run.failure).toBeUndefined();
  expect(run.timedOut).toBe(false);
  expect(run.leakedConnections).toEqual([]);
}

/** The producer's closing table: routing key -> where it went. */
function table(run: CellRun): Record<string, string> {
  const lines = linesOf(run, 'producer');
  const start = lines.indexOf(' Where each routing key went:');
  expect(start).toBeGreaterThanOrEqual(0);
  return Object.fromEntries(lines.slice(start + 1).map((line) => {
    const [key, where] = line.trim().split(/\s+-> /);
    return [key, where];
  }));
}

const RETURNED = 'dropped: no binding matched (returned)';

describe.skipIf(skipLessons)('lesson 5: Topics', () => {
  it('has the cells this test covers', async () => {
    expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['animals', 'fanout-and-direct']);
  });

  it('animals: each key goes exactly where the tutorial says', async () => {
    const run = await runCell(LESSON, 'animals');
    expectCleanEnd(run);
    expect(table(run)).toEqual({
      'quick.orange.rabbit': 'receiver 1, receiver 2',
      'lazy.orange.elephant': 'receiver 1, receiver 2',
      'quick.orange.fox': 'receiver 1',
      'lazy.brown.fox': 'receiver 2',
      'lazy.pink.rabbit': 'receiver 2',
      'quick.brown.fox': RETURNED,
      'quick.orange.male.rabbit': RETURNED,
      'lazy.orange.male.rabbit': 'receiver 2',
    });
    expect(linesOf(run, 'producer').filter((line) => line.startsWith(' [!] Returned'))).toEqual([
      ' [!] Returned quick.brown.fox: 312 NO_ROUTE',
      ' [!] Returned quick.orange.male.rabbit: 312 NO_ROUTE',
    ]);
    expect(linesOf(run, 'receiver 2').filter((line) => line.startsWith(' [x] lazy.pink.rabbit'))).toHaveLength(1);
  });

  it('animals without mandatory: the same keys are dropped, and nothing comes back', async () => {
    const run = await runCell(LESSON, 'animals', { mandatory: false });
    expectCleanEnd(run);
    const where = table(run);
    expect(where['quick.brown.fox']).toBe('dropped: nobody received it');
    expect(where['quick.orange.male.rabbit']).toBe('dropped: nobody received it');
    expect(where['lazy.orange.male.rabbit']).toBe('receiver 2');
    expect(linesOf(run, 'producer').some((line) => line.startsWith(' [!] Returned'))).toBe(false);
  });

  it('edge keys: one word, zero words for #, and the empty word', async () => {
    const run = await runCell(LESSON, 'animals', { routingKeys: ['orange', 'lazy', 'lazy..rabbit', 'quick.orange.new.rabbit'] });
    expectCleanEnd(run);
    expect(table(run)).toEqual({
      orange: RETURNED,
      lazy: 'receiver 2',
      'lazy..rabbit': 'receiver 2',
      'quick.orange.new.rabbit': RETURNED,
    });
  });

  it('fanout-and-direct: # takes everything, an exact key only itself', async () => {
    const run = await runCell(LESSON, 'fanout-and-direct');
    expectCleanEnd(run);
    const where = table(run);
    expect(where['quick.orange.rabbit']).toBe('receiver 1, receiver 2');
    for (const key of ['lazy.orange.elephant', 'quick.orange.fox', 'lazy.brown.fox', 'lazy.pink.rabbit', 'quick.brown.fox', 'quick.orange.male.rabbit', 'lazy.orange.male.rabbit']) {
      expect(where[key]).toBe('receiver 1');
    }
  });
});
