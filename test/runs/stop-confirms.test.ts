import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { describeBothBrokers, waitFor, watchRun, type Leg } from './legs.js';

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

/** Deletes the run's vhost under it, so the broker closes its connections (320 CONNECTION_FORCED) as an operator would. */
async function deleteVhostUnderRun(leg: Leg, vhost: string): Promise<void> {
  const embedded = leg.target.embedded;
  if (embedded !== undefined) {
    embedded.deleteVhost(vhost);
    return;
  }
  const auth = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };
  const response = await fetch(`http://127.0.0.1:15672/api/vhosts/${encodeURIComponent(vhost)}`, { method: 'DELETE', headers: auth });
  expect(response.status).toBe(204);
}

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

    it('a strategy whose connection the broker closes part-way ends the run with the reason, and nothing else', async () => {
      unhandled.length = 0;
      const run = watchRun(leg.runner, { lesson: '07-publisher-confirms', cell: 'individual', params: { messages: 10_000 } });
      await waitFor(() => run.frames('basic.publish').length >= 20, 10_000);
      await deleteVhostUnderRun(leg, `warren-${run.handle.id}`);
      await run.handle.done;
      for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      // The publisher is a program of its own: it ends with the broker's error, and the run ends with that error.
      expect(run.statuses.at(-1)).toBe('ended-with-error');
      // The embedded broker closes the connections first (320); RabbitMQ may drop the vhost's exchanges first (404 on the next publish).
      expect(run.failure?.raw).toMatch(/CONNECTION_FORCED|NOT_FOUND - no exchange ''/);
      expect(unhandled.map(String)).toEqual([]);
      expect(await leg.vhostExists(`warren-${run.handle.id}`)).toBe(false);
    });
  },
  COURSE_LESSONS,
);
