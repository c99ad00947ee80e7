// Stopping lesson 8's memory-alarm cell while the broker has its publisher
// blocked: the blocked publisher does not hold the run up (the broker reads
// nothing it sends, not even its goodbye), and the run ends as stopped,
// without an error. On the embedded broker only: on RabbitMQ the cell
// changes the node's memory limit for everyone, and runs in test/restart/.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeBothBrokers, waitFor, watchRun } from './legs.js';

const COURSE_LESSONS = fileURLToPath(new URL('../../lessons', import.meta.url));

describeBothBrokers(
  'stopping the memory-alarm cell while its publisher is blocked',
  (leg) => {
    it('ends the run as stopped, without an error', async () => {
      // Slow enough to be stopped before the consumer has drained the queue.
      const run = watchRun(leg.runner, { lesson: '08-when-things-go-wrong', cell: 'memory-alarm', params: { messages: 200 } });
      await waitFor(() => run.frames('connection.blocked').length > 0, 30_000);
      const stoppedAt = Date.now();
      await run.handle.stop();
      await run.handle.done;
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      expect(run.failure).toBeUndefined();
      expect(run.statuses.at(-1)).toBe('stopped');
    }, 60_000);
  },
  COURSE_LESSONS,
  ['embedded'],
);
