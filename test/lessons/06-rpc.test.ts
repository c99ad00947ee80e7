import { expect, it } from 'vitest';
import { cellsOf, describeOnBrokers, expectCleanEnd, framesOf, linesOf, queueIn, type CellRun } from './harness.js';
import { present } from '../support/present.js';

const LESSON = '06-rpc';

/** What the client printed about replies, in order. */
function replies(run: CellRun): string[] {
  return linesOf(run, 'rpc client').filter((line) => !line.startsWith(' [x] Requesting'));
}

it('lesson 6 has the cells its tests cover', async () => {
  expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual([
    'fib-30',
    'direct-reply-to',
    'two-servers',
    'no-server',
    'forwarded-error',
  ]);
});

describeOnBrokers(
  'lesson 6: RPC',
  (runCell) => {
    it('fib-30: the client gets fib(30) = 832040, matched by its correlation id', async () => {
      const run = await runCell(LESSON, 'fib-30');
      expectCleanEnd(run);
      expect(linesOf(run, 'rpc server 1')).toEqual([' [x] Awaiting RPC requests', ' [.] fib(30)']);
      expect(linesOf(run, 'rpc client')).toEqual([' [x] Requesting fib(30)', ' [.] Got 832040']);
      const [request] = framesOf(run, 'basic.publish', 'rpc client');
      const [reply] = framesOf(run, 'basic.publish', 'rpc server 1');
      expect(request?.fields.routingKey).toBe('rpc_queue');
      expect(request?.message?.properties.replyTo).toMatch(/^amq\.gen-/);
      expect(reply?.fields.routingKey).toBe(request?.message?.properties.replyTo);
      expect(reply?.message?.properties.correlationId).toBe(request?.message?.properties.correlationId);
      expect(framesOf(run, 'basic.qos', 'rpc server 1')[0]?.fields.prefetchCount).toBe(1);
    });

    it('direct-reply-to: replies arrive without a callback queue, each matched to its request', async () => {
      const run = await runCell(LESSON, 'direct-reply-to');
      expectCleanEnd(run);
      expect(replies(run).sort()).toEqual([' [.] Got 55', ' [.] Got 6765', ' [.] Got 832040']);
      expect(framesOf(run, 'queue.declare', 'rpc client')).toHaveLength(0);
      const requests = framesOf(run, 'basic.publish', 'rpc client');
      expect(requests.every((frame) => frame.message?.properties.replyTo === 'amq.rabbitmq.reply-to')).toBe(true);
      const delivered = framesOf(run, 'basic.deliver', 'rpc server 1');
      for (const frame of delivered) expect(frame.message?.properties.replyTo).toMatch(/^amq\.rabbitmq\.reply-to\./);
    });

    it('fib(0), fib(1) and a number past what a double holds come out exact', async () => {
      const run = await runCell(LESSON, 'fib-30', { requests: [0, 1, 90] });
      expectCleanEnd(run);
      expect(replies(run)).toEqual([' [.] Got 0', ' [.] Got 1', ' [.] Got 2880067194370816120']);
    });

    it('two-servers: both servers answer, and every request gets its reply', async () => {
      const run = await runCell(LESSON, 'two-servers');
      expectCleanEnd(run);
      const served = (actor: string): number => linesOf(run, actor).filter((line) => line.startsWith(' [.] fib(')).length;
      expect(served('rpc server 1')).toBeGreaterThan(0);
      expect(served('rpc server 2')).toBeGreaterThan(0);
      expect(served('rpc server 1') + served('rpc server 2')).toBe(6);
      expect(replies(run)).toHaveLength(6);
      expect(queueIn(present(run.states[0]), 'rpc_queue')).toMatchObject({ ready: 0, consumers: 2 });
    });

    it('no-server: the request is unroutable, and the client times out and says so, without crashing', async () => {
      const run = await runCell(LESSON, 'no-server');
      expectCleanEnd(run);
      expect(replies(run)).toEqual([' [!] fib(30): no reply within 1000 ms. Is any RPC server running?']);
      expect(run.events.find((event) => event.kind === 'broker' && event.routingKey === 'rpc_queue')).toMatchObject({
        decision: 'unroutable',
      });
      expect(run.summary.dropped).toBe(1);
    });

    it('no-server with mandatory: the request comes back at once', async () => {
      const run = await runCell(LESSON, 'no-server', { mandatory: true, clientTimeoutMs: 5000 });
      expectCleanEnd(run);
      expect(replies(run)).toEqual([' [!] fib(30) came back: 312 NO_ROUTE (no queue rpc_queue: no server has started)']);
      expect(run.durationMs).toBeLessThan(3000);
    });

    it('forwarded-error: the server refuses n above the limit before any work, and the client prints the error', async () => {
      const run = await runCell(LESSON, 'forwarded-error');
      expectCleanEnd(run);
      expect(linesOf(run, 'rpc server 1')).toEqual([
        ' [x] Awaiting RPC requests',
        ' [.] fib(30)',
        ' [!] fib(5000) refused: n must be at most 1000',
      ]);
      expect(replies(run)).toEqual([' [.] Got 832040', ' [!] fib(5000) failed on the server: fib(5000) refused: n must be at most 1000']);
      const errorReply = framesOf(run, 'basic.publish', 'rpc server 1')[1];
      expect(errorReply?.message?.properties.headers).toEqual({ error: 'fib(5000) refused: n must be at most 1000' });
      expect(run.summary.acked).toBe(2);
    });
  },
  undefined,
  ['javascript', 'python'],
);
