import { expect, it } from 'vitest';
import type { BrokerDecisionEvent } from '../../server/protocol/index.js';
import { cellsOf, describeOnBrokers, expectCleanEnd, framesOf, linesOf, type CellRun } from './harness.js';

const LESSON = '05-topics';
const RETURNED = 'dropped: no binding matched (returned)';

/**
 * The tutorial's table, from what the programs printed: routing key -> the
 * receivers that printed it, or why nobody did (the producer printed it
 * returned, or nothing came back).
 */
function table(run: CellRun, receivers = ['receiver 1', 'receiver 2']): Record<string, string> {
  const sent = linesOf(run, 'producer').flatMap((line) => /^ \[x\] Sent (.*):'/.exec(line)?.[1] ?? []);
  const returned = linesOf(run, 'producer').flatMap((line) => /^ \[!\] Returned (.*): 312 NO_ROUTE$/.exec(line)?.[1] ?? []);
  const got = (actor: string, key: string): number => linesOf(run, actor).filter((line) => line.startsWith(` [x] ${key}:'`)).length;
  return Object.fromEntries(
    sent.map((key) => {
      const reached = receivers.filter((actor) => got(actor, key) > 0);
      // A queue gets a message once per publish, however many of its bindings match.
      for (const actor of reached)
        expect(got(actor, key), `${actor}'s copies of ${key}`).toBe(sent.filter((sentKey) => sentKey === key).length);
      const where = reached.length > 0 ? reached.join(', ') : returned.includes(key) ? RETURNED : 'dropped: nobody received it';
      return [key, where];
    }),
  );
}

/** From the trace alone: routing key -> receivers whose queue got a copy, and the binding keys that matched. */
function tableFromTrace(run: CellRun): Record<string, { receivers: string[]; matched: string[] }> {
  const owner = new Map<string, string>();
  for (const frame of framesOf(run, 'queue.declare-ok')) {
    const queue = frame.fields.queue;
    if (typeof queue === 'string') owner.set(queue, frame.actor);
  }
  const decisions = run.events.filter((event): event is BrokerDecisionEvent => event.kind === 'broker' && event.exchange === 'topic_logs');
  return Object.fromEntries(
    decisions.map((decision) => [
      decision.routingKey,
      {
        receivers: decision.queues.map((queue) => owner.get(queue) ?? queue).sort(),
        matched: decision.matchedBindings.map((binding) => /\((.*)\)$/.exec(binding)?.[1] ?? binding).sort(),
      },
    ]),
  );
}

it('lesson 5 has the cells its tests cover', async () => {
  expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['animals', 'fanout-and-direct']);
});

describeOnBrokers(
  'lesson 5: Topics',
  (runCell) => {
    it('animals: each key goes exactly where the tutorial says, by the bindings it says', async () => {
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
      expect(tableFromTrace(run)).toEqual({
        'quick.orange.rabbit': { receivers: ['receiver 1', 'receiver 2'], matched: ['*.*.rabbit', '*.orange.*'] },
        'lazy.orange.elephant': { receivers: ['receiver 1', 'receiver 2'], matched: ['*.orange.*', 'lazy.#'] },
        'quick.orange.fox': { receivers: ['receiver 1'], matched: ['*.orange.*'] },
        'lazy.brown.fox': { receivers: ['receiver 2'], matched: ['lazy.#'] },
        'lazy.pink.rabbit': { receivers: ['receiver 2'], matched: ['*.*.rabbit', 'lazy.#'] },
        'quick.brown.fox': { receivers: [], matched: [] },
        'quick.orange.male.rabbit': { receivers: [], matched: [] },
        'lazy.orange.male.rabbit': { receivers: ['receiver 2'], matched: ['lazy.#'] },
      });
      expect(linesOf(run, 'producer').filter((line) => line.startsWith(' [!] Returned'))).toEqual([
        ' [!] Returned quick.brown.fox: 312 NO_ROUTE',
        ' [!] Returned quick.orange.male.rabbit: 312 NO_ROUTE',
      ]);
      expect(run.summary).toMatchObject({ published: 8, returned: 2 });
    });

    it('animals without mandatory: the same keys are dropped, and nothing comes back', async () => {
      const run = await runCell(LESSON, 'animals', { mandatory: false });
      expectCleanEnd(run);
      const where = table(run);
      expect(where['quick.brown.fox']).toBe('dropped: nobody received it');
      expect(where['quick.orange.male.rabbit']).toBe('dropped: nobody received it');
      expect(where['lazy.orange.male.rabbit']).toBe('receiver 2');
      expect(framesOf(run, 'basic.return')).toHaveLength(0);
      expect(run.summary).toMatchObject({ returned: 0, dropped: 2 });
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
      for (const key of [
        'lazy.orange.elephant',
        'quick.orange.fox',
        'lazy.brown.fox',
        'lazy.pink.rabbit',
        'quick.brown.fox',
        'quick.orange.male.rabbit',
        'lazy.orange.male.rabbit',
      ]) {
        expect(where[key]).toBe('receiver 1');
      }
      expect(run.summary.returned).toBe(0);
    });
  },
  undefined,
  ['javascript', 'python'],
);
