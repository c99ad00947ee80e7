import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import type { BrokerTarget } from '../../server/broker-connection.js';
import { loadLessons } from '../../server/lessons/index.js';
import { createRunner } from '../../server/runs/index.js';
import { FIXTURE_LESSONS, RABBIT_URL, rabbitProblem, waitFor, watchRun } from './legs.js';

const skip = rabbitProblem !== null && process.env.CI !== 'true';
const rabbit = (url = RABBIT_URL): BrokerTarget => ({ kind: 'rabbitmq', url, embedded: undefined, close: async () => {} });

describe.skipIf(skip)('runs on RabbitMQ without its management API', async () => {
  const lessons = await loadLessons(FIXTURE_LESSONS);
  // Port 1 answers nothing: the runner must fall back to the URL's own vhost.
  const notices: string[] = [];
  const runner = createRunner({ broker: rabbit(), lessons, managementUrl: 'http://127.0.0.1:1', log: (line) => notices.push(line) });

  it("share the URL's vhost one run at a time, say so once, and delete what they declared", async () => {
    const first = watchRun(runner, { lesson: '01-echo', cell: 'slow', params: { message: 'first', count: 5 } });
    const second = watchRun(runner, { lesson: '01-echo', cell: 'slow', params: { message: 'second', count: 5 } });
    await waitFor(() => first.statuses.includes('running'));
    expect(second.statuses).toEqual(['starting']);
    await Promise.all([first.handle.done, second.handle.done]);
    expect(first.statuses.at(-1)).toBe('finished');
    expect(second.statuses.at(-1)).toBe('finished');
    expect(first.frames('connection.open').map((frame) => frame.fields.virtualHost)).toEqual(['/', '/']);
    expect(
      second
        .logs()
        .filter((line) => line.startsWith('consumer:'))
        .every((line) => line.includes('second')),
    ).toBe(true);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /management API does not answer .* Runs share the vhost '\/', one at a time, and delete what they declared\.$/,
    );

    const last = second.events.filter((event) => event.kind === 'state').at(-1);
    expect(last).toMatchObject({ queues: [{ name: 'hello', messagesReady: 0, messagesUnacknowledged: 0, consumers: 1 }] });
    const connection = await amqp.connect(RABBIT_URL);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      await expect(channel.checkQueue('hello')).rejects.toThrow(/NOT_FOUND/);
    } finally {
      await connection.close().catch(() => {});
    }
  });

  it('a stopped run gives up its turn at once', async () => {
    const first = watchRun(runner, { lesson: '01-echo', cell: 'flood', params: { everyMs: 100 } });
    const second = watchRun(runner, { lesson: '01-echo', cell: 'three-messages', params: {} });
    await waitFor(() => first.statuses.includes('running'));
    await second.handle.stop();
    expect(second.statuses).toEqual(['starting', 'stopped']);
    await first.handle.stop();
    const third = watchRun(runner, { lesson: '01-echo', cell: 'three-messages', params: {} });
    await third.handle.done;
    expect(third.statuses.at(-1)).toBe('finished');
  });
});

describe.skipIf(skip)('a run on RabbitMQ with a wrong password', () => {
  it('explains the refused login', async () => {
    const lessons = await loadLessons(FIXTURE_LESSONS);
    const url = new URL(RABBIT_URL);
    url.password = 'wrong';
    const notices: string[] = [];
    const runner = createRunner({ broker: rabbit(url.toString()), lessons, log: (line) => notices.push(line) });
    const run = watchRun(runner, { lesson: '01-echo', cell: 'three-messages', params: {} });
    await run.handle.done;
    expect(run.statuses).toEqual(['starting', 'failed']);
    expect(run.failure?.explanation).toBe(
      "The broker refused to log in user 'guest' with that password. Check the user and password in AMQP_URL (RabbitMQ's guest user may only log in from localhost).",
    );
    expect(notices).toEqual([]);
  });
});
