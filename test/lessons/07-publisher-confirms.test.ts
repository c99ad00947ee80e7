import { describe, expect, it } from 'vitest';
import { cellsOf, linesOf, runCell, skipLessons, type CellRun } from './harness.js';

const LESSON = '07-publisher-confirms';

/** A run that ended by itself, without failing and without leaving connections open. */
function expectCleanEnd(run: CellRun): void {
  expect(run.failure).toBeUndefined();
  expect(run.timedOut).toBe(false);
  expect(run.leakedConnections).toEqual([]);
}

/** What a publisher reported: messages, msgs/s, confirmed, nacked, ack frames, multiple acks. */
function report(run: CellRun, actor: string): { messages: number; perSecond: number; confirmed: number; nacked: number; ackFrames: number; multipleAcks: number } {
  const [throughput, confirms] = linesOf(run, actor);
  const rate = / Published (\d+) messages .* in \d+ ms: (\d+) msgs\/s$/.exec(throughput ?? '');
  const counts = / (\d+) confirmed, (\d+) nacked, in (\d+) basic\.ack frames \((\d+) with multiple=true\)$/.exec(confirms ?? '');
  expect(rate, throughput).not.toBeNull();
  expect(counts, confirms).not.toBeNull();
  return {
    messages: Number(rate![1]),
    perSecond: Number(rate![2]),
    confirmed: Number(counts![1]),
    nacked: Number(counts![2]),
    ackFrames: Number(counts![3]),
    multipleAcks: Number(counts![4]),
  };
}

describe.skipIf(skipLessons)('lesson 7: Publisher confirms', () => {
  it('has the cells this test covers', async () => {
    expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['individual', 'batches', 'async', 'compare']);
  });

  for (const [cell, actor] of [['individual', 'individual publisher'], ['batches', 'batch publisher'], ['async', 'async publisher']] as const) {
    it(`${cell}: every message is confirmed, and the throughput is reported`, async () => {
      const run = await runCell(LESSON, cell);
      expectCleanEnd(run);
      const { messages, perSecond, confirmed, nacked, ackFrames } = report(run, actor);
      expect(messages).toBe(500);
      expect(confirmed).toBe(500);
      expect(nacked).toBe(0);
      expect(perSecond).toBeGreaterThan(0);
      expect(ackFrames).toBeGreaterThan(0);
      if (cell === 'individual') expect(ackFrames).toBe(500);
    });
  }

  it('compare: all three strategies confirm every message; waiting for each is the slowest', async () => {
    const run = await runCell(LESSON, 'compare');
    expectCleanEnd(run);
    const individual = report(run, 'individual publisher');
    const batch = report(run, 'batch publisher');
    const async = report(run, 'async publisher');
    for (const strategy of [individual, batch, async]) {
      expect(strategy.confirmed).toBe(1000);
      expect(strategy.nacked).toBe(0);
    }
    expect(individual.multipleAcks).toBe(0);
    expect(individual.perSecond).toBeLessThan(async.perSecond);
    expect(individual.perSecond).toBeLessThan(batch.perSecond);
  });
});
