import { expect, it } from 'vitest';
import { cellsOf, describeOnBrokers, expectCleanEnd, linesOf, type CellRun } from './harness.js';
import { present } from '../support/present.js';

const LESSON = '04-routing';

/** The lines a receiver printed for messages it got. */
function got(run: CellRun, actor: string): string[] {
  return linesOf(run, actor).filter((line) => line.startsWith(' [x] '));
}

/** The broker's routing decisions for one routing key. */
function decisionsFor(run: CellRun, routingKey: string) {
  return run.events.filter((event) => event.kind === 'broker' && event.routingKey === routingKey);
}

it('lesson 4 has the cells its tests cover', async () => {
  expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['severities', 'colours', 'same-key-twice']);
});

describeOnBrokers(
  'lesson 4: Routing',
  (runCell) => {
    it('severities: errors go to both receivers, info and warning only to the one that bound them', async () => {
      const run = await runCell(LESSON, 'severities');
      expectCleanEnd(run);
      expect(got(run, 'receiver 1')).toEqual([" [x] error: 'Run. Run. Or it will explode.'"]);
      expect(got(run, 'receiver 2')).toEqual([
        " [x] info: 'Hello World!'",
        " [x] warning: 'Disk almost full'",
        " [x] error: 'Run. Run. Or it will explode.'",
      ]);
      const bindings = present(run.states[0]).bindings.filter((binding) => binding.source === 'direct_logs');
      expect(bindings.map((binding) => binding.routingKey).sort()).toEqual(['error', 'error', 'info', 'warning']);
    });

    it('colours: a key nobody bound is dropped', async () => {
      const run = await runCell(LESSON, 'colours');
      expectCleanEnd(run);
      expect(got(run, 'receiver 1')).toEqual([" [x] orange: 'an orange message'"]);
      expect(got(run, 'receiver 2')).toEqual([" [x] black: 'a black message'", " [x] green: 'a green message'"]);
      expect(decisionsFor(run, 'blue')).toMatchObject([{ decision: 'unroutable', queues: [] }]);
      expect(run.summary.dropped).toBe(1);
    });

    it('same-key-twice: a key bound to both queues reaches both, like fanout', async () => {
      const run = await runCell(LESSON, 'same-key-twice');
      expectCleanEnd(run);
      expect(got(run, 'receiver 1')).toEqual([" [x] orange: 'an orange message'", " [x] black: 'a black message'"]);
      expect(got(run, 'receiver 2')).toEqual([" [x] black: 'a black message'", " [x] green: 'a green message'"]);
      const [black] = decisionsFor(run, 'black');
      expect(black).toMatchObject({ decision: 'routed' });
      expect(black?.kind === 'broker' ? black.queues : []).toHaveLength(2);
    });

    it('the same key bound twice to one queue is one binding: one copy', async () => {
      const run = await runCell(LESSON, 'severities', { bindings: [['error', 'error']] });
      expectCleanEnd(run);
      expect(got(run, 'receiver 1')).toEqual([" [x] error: 'Run. Run. Or it will explode.'"]);
      expect(Object.values(run.summary.routed)).toEqual([1]);
    });
  },
  undefined,
  ['javascript', 'python'],
);
