import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { describeBothBrokers, waitFor, watchRun } from './legs.js';

const COURSE_LESSONS = fileURLToPath(new URL('../../lessons/', import.meta.url));

/** Rejections nobody handled while these tests ran: each one would have ended `npm start`. */
const unhandled: unknown[] = [];
const keep = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', keep);
});
afterAll(() => {
  process.off('unhandledRejection', keep);
});

describeBothBrokers(
  'stopping a publisher confirms run while it publishes',
  (leg) => {
    for (const cell of ['individual', 'batches', 'async', 'compare']) {
      it(`${cell}: stops, leaves no promise rejected unheard and no vhost behind`, async () => {
        unhandled.length = 0;
        const run = watchRun(leg.runner, { lesson: '07-publisher-confirms', cell, params: { messages: 10_000 } });
        await waitFor(() => run.frames('basic.publish').length >= 20, 10_000);
        await run.handle.stop();
        // Rejections are reported after the microtasks of the turn that made them: let a few turns pass.
        for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(run.statuses.at(-1)).toBe('stopped');
        expect(run.failure).toBeUndefined();
        expect(unhandled.map(String)).toEqual([]);
        expect(await leg.vhostExists(`warren-${run.handle.id}`)).toBe(false);
      });
    }
  },
  COURSE_LESSONS,
);
