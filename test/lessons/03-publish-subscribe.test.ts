import { expect, it } from 'vitest';
import { cellsOf, countLines, describeOnBrokers, expectCleanEnd, framesOf, linesOf } from './harness.js';
import { present } from '../support/present.js';

const LESSON = '03-publish-subscribe';
const RECEIVED = /^ \[x\] Received /;

it('lesson 3 has the cells its tests cover', async () => {
  expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['receivers-first', 'publish-first']);
});

describeOnBrokers(
  'lesson 3: Publish/Subscribe',
  (runCell, _broker, language) => {
    it('receivers-first: every receiver gets a copy of every line, from a queue of its own', async () => {
      const run = await runCell(LESSON, 'receivers-first', { receivers: 3, messages: ['info: one', 'warning: two'] });
      expectCleanEnd(run);
      for (const receiver of ['receiver 1', 'receiver 2', 'receiver 3']) {
        expect(linesOf(run, receiver).filter((line) => line.startsWith(' [x] Received '))).toEqual([
          " [x] Received 'info: one'",
          " [x] Received 'warning: two'",
        ]);
        expect(linesOf(run, receiver)[0]).toMatch(/^ \[\*\] Waiting for messages in amq\.gen-\S+\. To exit press CTRL\+C$/);
        expect(framesOf(run, 'queue.declare', receiver)[0]?.fields).toMatchObject({ queue: '', exclusive: true });
      }
      expect(run.summary.published).toBe(2);
      expect(Object.values(run.summary.routed)).toEqual([2, 2, 2]);
    });

    it('receivers-first with its defaults: both receivers print the line; the bindings are the list_bindings view', async () => {
      const run = await runCell(LESSON, 'receivers-first');
      expectCleanEnd(run);
      expect(countLines(run, /^ \[x\] Received 'info: Hello World!'$/)).toBe(2);
      const logsBindings = present(run.states[0]).bindings.filter((binding) => binding.source === 'logs');
      expect(logsBindings).toHaveLength(2);
      expect(logsBindings.every((binding) => binding.destination.startsWith('amq.gen-'))).toBe(true);
      // amqplib binds with an empty key; pika, given none, with the queue's name. A fanout exchange ignores it either way.
      for (const binding of logsBindings) expect(binding.routingKey).toBe(language === 'python' ? binding.destination : '');
    });

    it('publish-first: the line is lost, nobody receives anything', async () => {
      const run = await runCell(LESSON, 'publish-first');
      expectCleanEnd(run);
      expect(linesOf(run, 'producer')).toEqual([" [x] Sent 'info: Hello World!'"]);
      expect(countLines(run, RECEIVED)).toBe(0);
      expect(run.summary).toMatchObject({ published: 1, routed: {}, delivered: {}, dropped: 1 });
      const decision = run.events.find((event) => event.kind === 'broker');
      expect(decision).toMatchObject({ decision: 'unroutable', exchange: 'logs', queues: [] });
      // Nothing waits for copies that never come: once the receivers are in, the run goes quiet and they are stopped.
      const lastReady = run.events.findLast(
        (event) => event.kind === 'log' && event.process === undefined && event.text.startsWith(' [*] '),
      );
      const receiversEnded = run.events.filter(
        (event) => event.kind === 'log' && event.process?.what === 'ended' && event.actor !== 'producer',
      );
      expect(receiversEnded).toHaveLength(2);
      for (const ended of receiversEnded) expect(ended.time - (lastReady?.time ?? 0)).toBeLessThan(2500);
    });

    it('no receivers at all: the line goes nowhere and the run ends without waiting', async () => {
      const run = await runCell(LESSON, 'receivers-first', { receivers: 0 });
      expectCleanEnd(run);
      expect(run.summary.dropped).toBe(1);
    });
  },
  undefined,
  ['javascript', 'python'],
);
