import { expect, it } from 'vitest';
import { cellsOf, countLines, describeOnBrokers, expectCleanEnd, framesOf, linesOf, queueIn } from './harness.js';
import { present } from '../support/present.js';

const LESSON = '01-hello-world';

it('lesson 1 has the cells its tests cover', async () => {
  expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual(['hello', 'producer-first']);
});

describeOnBrokers(
  'lesson 1: Hello World',
  (runCell) => {
    it('hello: the consumer receives what the producer sent, through the default exchange', async () => {
      const run = await runCell(LESSON, 'hello');
      expectCleanEnd(run);
      expect(linesOf(run, 'producer')).toEqual([" [x] Sent 'Hello World!'"]);
      expect(linesOf(run, 'consumer')).toEqual([
        ' [*] Waiting for messages in hello. To exit press CTRL+C',
        " [x] Received 'Hello World!'",
      ]);
      const [publish] = framesOf(run, 'basic.publish', 'producer');
      expect(publish?.fields).toMatchObject({ exchange: '', routingKey: 'hello' });
      expect(run.summary).toMatchObject({ published: 1, routed: { hello: 1 }, delivered: { consumer: 1 } });
    });

    it("hello: every message of a count arrives, with the learner's text and properties", async () => {
      const run = await runCell(LESSON, 'hello', {
        message: 'hi there',
        count: 5,
        properties: { contentType: 'text/plain', contentEncoding: 'utf-8', headers: { lesson: 1 } },
      });
      expectCleanEnd(run);
      expect(countLines(run, /^ \[x\] Received 'hi there'$/, 'consumer')).toBe(5);
      const deliveries = framesOf(run, 'basic.deliver', 'consumer');
      expect(deliveries).toHaveLength(5);
      expect(deliveries[0]?.message?.properties).toMatchObject({
        contentType: 'text/plain',
        contentEncoding: 'utf-8',
        headers: { lesson: 1 },
      });
    });

    it("hello with userId bob: the broker closes the producer's channel with 406 and the run ends with that error", async () => {
      const run = await runCell(LESSON, 'hello', { properties: { userId: 'bob' } });
      expect(run.status).toBe('ended-with-error');
      expect(run.failure?.explanation).toMatch(
        /^The broker closed producer's channel 1 with 406 PRECONDITION_FAILED when it refused basic\.publish: user_id property set to 'bob' but authenticated user was 'guest'\./,
      );
      expect(run.summary).toMatchObject({ published: 1, delivered: {} });
      expect(countLines(run, /Received/, 'consumer')).toBe(0);
    });

    it('producer-first: the queue keeps the messages until the consumer comes', async () => {
      const run = await runCell(LESSON, 'producer-first');
      expectCleanEnd(run);
      const order = run.logs.map((line) => line.actor);
      expect(order.lastIndexOf('producer')).toBeLessThan(order.indexOf('consumer'));
      expect(countLines(run, /^ \[x\] Received 'Hello World!'$/, 'consumer')).toBe(3);
      const [afterPublishing, atTheEnd] = run.states;
      expect(queueIn(present(afterPublishing), 'hello')).toEqual({ ready: 3, unacked: 0, consumers: 0 });
      expect(queueIn(present(atTheEnd), 'hello')?.ready).toBe(0);
    });
  },
  undefined,
  ['javascript', 'python'],
);
