/**
 * Runs on the local RabbitMQ: without its management API (port 1 stands for
 * a RabbitMQ whose plugin is off), and with a wrong password. That RabbitMQ
 * is shared and not empty: its '/' may hold the quorum queue 'hello' the
 * current tutorials leave behind, so these runs share a vhost the test makes
 * instead, and '/' is checked to be as it was.
 */
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerTarget } from '../../server/broker-connection.js';
import { loadLessons } from '../../server/lessons/index.js';
import { createRunner } from '../../server/runs/index.js';
import { managementApiFor } from '../../server/runs/management-api.js';
import { FIXTURE_LESSONS, RABBIT_URL, rabbitProblem, waitFor, watchRun } from './legs.js';

const skip = rabbitProblem !== null && process.env.CI !== 'true';
const rabbit = (url = RABBIT_URL): BrokerTarget => ({ kind: 'rabbitmq', url, embedded: undefined, close: async () => {} });
const management = managementApiFor(RABBIT_URL);

/** RABBIT_URL with another vhost. */
function urlIn(vhost: string): string {
  const url = new URL(RABBIT_URL);
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return url.toString();
}

/** Runs `work` on a channel of a connection to `url` of its own; a refusal closes only that channel. */
async function onChannel<T>(url: string, work: (channel: amqp.Channel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(url);
  connection.on('error', () => {});
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    return await work(channel);
  } finally {
    await connection.close().catch(() => {});
  }
}

/** What RabbitMQ answers for a passive declare of `queue`: its counts, or the refusal. */
async function checkQueue(url: string, queue: string): Promise<string> {
  return onChannel(url, (channel) =>
    channel.checkQueue(queue).then(
      (found) => `${found.queue} ${found.messageCount}`,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    ),
  );
}

/** Declares a quorum queue as the current tutorials do, unless '/' (or `vhost`) already has `queue`; says whether it did. */
async function ensureQuorumQueue(url: string, queue: string): Promise<boolean> {
  if (!(await checkQueue(url, queue)).includes('NOT_FOUND')) return false;
  await onChannel(url, (channel) => channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } }));
  return true;
}

describe.skipIf(skip)('runs on RabbitMQ without its management API', async () => {
  const lessons = await loadLessons(FIXTURE_LESSONS);
  // The URL's vhost, which runs share: one of this test's own.
  const shared = `shared-${randomBytes(4).toString('hex')}`;
  const sharedUrl = urlIn(shared);
  // Port 1 answers nothing: the runner must fall back to the URL's own vhost.
  const notices: string[] = [];
  const runner = createRunner({
    broker: rabbit(sharedUrl),
    lessons,
    managementUrl: 'http://127.0.0.1:1',
    log: (line) => notices.push(line),
  });
  let madeHelloInRoot = false;
  let helloInRoot = '';

  beforeAll(async () => {
    await management.createVhost(shared);
    await management.grantAll(shared, 'guest');
    // As on a machine where someone followed the current tutorials: these runs must not depend on an empty '/'.
    madeHelloInRoot = await ensureQuorumQueue(RABBIT_URL, 'hello');
    helloInRoot = await checkQueue(RABBIT_URL, 'hello');
  });
  afterAll(async () => {
    await runner.close();
    // '/' as it was: 'hello' untouched by the runs, and gone again only if this test made it.
    expect(await checkQueue(RABBIT_URL, 'hello')).toBe(helloInRoot);
    if (madeHelloInRoot) await onChannel(RABBIT_URL, (channel) => channel.deleteQueue('hello'));
    await management.deleteVhost(shared);
  });

  it("share the URL's vhost one run at a time, say so once, and delete what they declared", async () => {
    const first = watchRun(runner, { lesson: '01-echo', cell: 'slow', params: { message: 'first', count: 5 } });
    const second = watchRun(runner, { lesson: '01-echo', cell: 'slow', params: { message: 'second', count: 5 } });
    await waitFor(() => first.statuses.includes('running'));
    expect(second.statuses).toEqual(['starting']);
    await Promise.all([first.handle.done, second.handle.done]);
    expect(first.statuses.at(-1)).toBe('finished');
    expect(second.statuses.at(-1)).toBe('finished');
    expect(first.frames('connection.open').map((frame) => frame.fields.virtualHost)).toEqual([shared, shared]);
    expect(
      second
        .logs()
        .filter((line) => line.startsWith('consumer:  [x] Received'))
        .every((line) => line.includes('second')),
    ).toBe(true);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      new RegExp(`management API does not answer .* Runs share the vhost '${shared}', one at a time, and delete what they declared\\.$`),
    );

    const allReceived = second.events.find((event) => event.kind === 'state' && event.moment?.id === 'all-received');
    expect(allReceived).toMatchObject({ queues: [{ name: 'hello', messagesReady: 0, messagesUnacknowledged: 0, consumers: 1 }] });
    expect(await checkQueue(sharedUrl, 'hello')).toMatch(/NOT_FOUND/);
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

  it('explain a quorum queue left behind by the tutorials, and leave it there', async () => {
    expect(await ensureQuorumQueue(sharedUrl, 'hello')).toBe(true);
    const run = watchRun(runner, { lesson: '01-echo', cell: 'three-messages', params: {} });
    await run.handle.done;
    expect(run.statuses).toEqual(['starting', 'running', 'ended-with-error']);
    expect(run.failure?.explanation).toContain(
      "The broker closed consumer's channel 1 with 406 PRECONDITION_FAILED when it refused queue.declare. " +
        `The queue 'hello' already exists in vhost '${shared}' as a quorum queue, and was declared again as a classic queue (no x-queue-type). ` +
        'A queue keeps the settings it was first declared with, and this one may have been there before the run ' +
        "(the current RabbitMQ tutorials declare 'hello', 'task_queue' and 'rpc_queue' as quorum queues and leave them behind): " +
        `runs share the vhost '${shared}' with whatever is in it, because without RabbitMQ's management plugin Warren cannot make a vhost per run. ` +
        `Delete the queue if nothing else needs it (rabbitmqctl delete_queue -p '${shared}' hello), or turn the management plugin on ` +
        '(rabbitmq-plugins enable rabbitmq_management, with an administrator in AMQP_URL) so that every run gets a vhost of its own.',
    );
    expect(run.failure?.raw).toMatch(/PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'hello'/);
    // The queue the run did not make is still there, a quorum queue still.
    expect(await checkQueue(sharedUrl, 'hello')).toMatch(/^hello \d+$/);
    const redeclared = await onChannel(sharedUrl, (channel) =>
      channel.assertQueue('hello', { durable: true, arguments: { 'x-queue-type': 'quorum' } }).then(
        () => 'quorum',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      ),
    );
    expect(redeclared).toBe('quorum');
    await onChannel(sharedUrl, (channel) => channel.deleteQueue('hello'));
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
