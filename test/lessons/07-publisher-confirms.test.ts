import { expect, it } from 'vitest';
import { cellsOf, describeOnBrokers, expectCleanEnd, framesOf, linesOf, type CellRun } from './harness.js';
import { present } from '../support/present.js';

const LESSON = '07-publisher-confirms';

/** What a publisher reported: messages, msgs/s, confirmed, nacked, ack frames, multiple acks. */
function report(
  run: CellRun,
  actor: string,
): { messages: number; perSecond: number; confirmed: number; nacked: number; ackFrames: number; multipleAcks: number } {
  const [throughput, confirms] = linesOf(run, actor);
  const rate = / Published (\d+) messages .* in \d+ ms: (\d+) msgs\/s$/.exec(throughput ?? '');
  const counts = / (\d+) confirmed, (\d+) nacked, in (\d+) basic\.ack frames \((\d+) with multiple=true\)$/.exec(confirms ?? '');
  expect(rate, throughput).not.toBeNull();
  expect(counts, confirms).not.toBeNull();
  return {
    messages: Number(present(rate)[1]),
    perSecond: Number(present(rate)[2]),
    confirmed: Number(present(counts)[1]),
    nacked: Number(present(counts)[2]),
    ackFrames: Number(present(counts)[3]),
    multipleAcks: Number(present(counts)[4]),
  };
}

/** The lesson's batch size in the compare cell. */
const BATCH_SIZE = 100;

/** The numbers of the messages `actor` published with every earlier one already confirmed: where it had waited. */
function publishedAfterWaiting(run: CellRun, actor: string): number[] {
  const unconfirmed = new Set<number>();
  const waited: number[] = [];
  let published = 0;
  for (const event of run.events) {
    if (event.kind !== 'frame' || event.actor !== actor) continue;
    if (event.method === 'basic.publish') {
      published += 1;
      if (unconfirmed.size === 0) waited.push(published);
      unconfirmed.add(published);
    } else if (event.method === 'basic.ack' || event.method === 'basic.nack') {
      const tag = event.fields.deliveryTag;
      if (event.fields.multiple) {
        for (const each of unconfirmed) if (each <= tag) unconfirmed.delete(each);
      } else unconfirmed.delete(tag);
    }
  }
  return waited;
}

it('lesson 7 has the cells its tests cover', async () => {
  expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['individual', 'batches', 'async', 'compare']);
});

describeOnBrokers(
  'lesson 7: Publisher confirms',
  (runCell) => {
    for (const [cell, actor] of [
      ['individual', 'individual publisher'],
      ['batches', 'batch publisher'],
      ['async', 'async publisher'],
    ] as const) {
      it(`${cell}: every message is confirmed, and the throughput is reported`, async () => {
        const run = await runCell(LESSON, cell);
        expectCleanEnd(run);
        const { messages, perSecond, confirmed, nacked, ackFrames } = report(run, actor);
        expect(messages).toBe(500);
        expect(confirmed).toBe(500);
        expect(nacked).toBe(0);
        expect(perSecond).toBeGreaterThan(0);
        expect(ackFrames).toBe(framesOf(run, 'basic.ack', actor).length);
        expect(framesOf(run, 'confirm.select', actor)).toHaveLength(1);
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
      // Why waiting for each is the slowest, in what the broker saw: the individual publisher sent every message only once
      // the one before was confirmed (a round trip per message), the batch publisher each batch only once the one before
      // was. (The throughputs themselves depend on the machine's load: the lesson prints them, a benchmark would compare.)
      expect(publishedAfterWaiting(run, 'individual publisher')).toHaveLength(1000);
      expect(individual.ackFrames).toBe(1000);
      const batchStarts = Array.from({ length: 1000 / BATCH_SIZE }, (_, batchNumber) => batchNumber * BATCH_SIZE + 1);
      expect(publishedAfterWaiting(run, 'batch publisher')).toEqual(expect.arrayContaining(batchStarts));
      expect(run.summary.published).toBe(3000);
    });

    it('compare in the order the prose suggests: async first, individual last', async () => {
      const run = await runCell(LESSON, 'compare', { strategies: ['async', 'batch', 'individual'], messages: 100 });
      expectCleanEnd(run);
      const order = ['async publisher', 'batch publisher', 'individual publisher'];
      expect(framesOf(run, 'connection.start-ok').map((frame) => frame.actor)).toEqual(order);
      expect([...new Set(run.logs.map((line) => line.actor))]).toEqual(order);
      for (const actor of order) expect(report(run, actor).confirmed).toBe(100);
    });
  },
  undefined,
  ['javascript', 'python'],
);
