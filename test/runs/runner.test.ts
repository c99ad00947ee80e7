import { describe, expect, it } from 'vitest';
import { RunRequestError } from '../../server/runs/index.js';
import { describeBothBrokers, FIXTURE_LESSONS, waitFor, watchRun } from './legs.js';
import { loadLessons } from '../../server/lessons/index.js';
import { createRunner } from '../../server/runs/index.js';
import { openBrokerTarget } from '../../server/broker-connection.js';

describeBothBrokers('a run', (leg) => {
  it('runs a cell to its end and reports its trace, state and totals', async () => {
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'three-messages', params: {} });
    const summary = await run.handle.done;
    expect(run.statuses).toEqual(['starting', 'running', 'finished']);
    expect(run.logs()).toEqual(
      expect.arrayContaining(["producer:  [x] Sent 'hello 1'", "consumer:  [x] Received 'hello 1'", "consumer:  [x] Received 'hello 3'"]),
    );
    expect(run.frames('connection.start-ok').map((frame) => frame.actor)).toEqual(['consumer', 'producer']);
    expect(run.frames('basic.publish')).toHaveLength(3);
    const routed = run.events.filter((event) => event.kind === 'broker' && event.decision === 'routed');
    expect(routed).toHaveLength(3);
    expect(routed[0]).toMatchObject({
      exchange: '',
      routingKey: 'hello',
      queues: ['hello'],
      matchedBindings: ['(AMQP default) -> hello (hello)'],
    });
    const allReceived = run.events.find((event) => event.kind === 'state' && event.moment?.id === 'all-received');
    expect(allReceived).toMatchObject({ queues: [{ name: 'hello', messagesReady: 0, messagesUnacknowledged: 0, consumers: 1 }] });
    // Once the run went quiet, the runner stopped the consumer with Ctrl-C: a clean goodbye.
    expect(run.logs()).toContain('consumer: (exited with code 0)');
    expect(run.frames('connection.close').map((frame) => frame.actor)).toEqual(['producer', 'consumer']);
    expect(summary).toMatchObject({ published: 3, routed: { hello: 3 }, delivered: { consumer: 3 } });
    expect(run.summaries).toEqual([summary]);
    expect(await leg.vhostExists(`warren-${run.handle.id}`)).toBe(false);
  });

  it('keeps two runs of the same cell apart', async () => {
    const first = watchRun(leg.runner, { lesson: '01-echo', cell: 'slow', params: { message: 'first' } });
    const second = watchRun(leg.runner, { lesson: '01-echo', cell: 'slow', params: { message: 'second' } });
    await Promise.all([first.handle.done, second.handle.done]);
    for (const [run, own, other] of [
      [first, 'first', 'second'],
      [second, 'second', 'first'],
    ] as const) {
      expect(run.statuses.at(-1)).toBe('finished');
      const received = run.logs().filter((line) => line.startsWith('consumer:  [x] Received'));
      expect(received).toHaveLength(10);
      expect(received.every((line) => line.includes(own) && !line.includes(other))).toBe(true);
      const delivered = run.frames('basic.deliver').map((frame) => frame.message?.bodyPreview);
      expect(delivered.every((body) => body?.startsWith(own))).toBe(true);
      expect(run.summaries[0]).toMatchObject({ published: 10, delivered: { consumer: 10 } });
    }
    // Both overlapped in time: each started before the other finished.
    expect(first.handle.id).not.toBe(second.handle.id);
  });

  it('stops mid-run: connections closed, vhost deleted, status stopped', async () => {
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'flood', params: { everyMs: 20 } });
    await waitFor(() => run.frames('basic.publish').length >= 3);
    await run.handle.stop();
    expect(run.statuses.at(-1)).toBe('stopped');
    expect(run.failure).toBeUndefined();
    const opened = run.frames('connection.open-ok').map((frame) => frame.actor);
    const closed = run.events.flatMap((event) =>
      event.kind === 'frame' && (event.method === 'connection.close-ok' || event.method === 'connection-lost') ? [event.actor] : [],
    );
    expect(opened).toEqual(['producer']);
    expect(closed).toEqual(['producer']);
    expect(run.events.filter((event) => event.kind === 'state')).toHaveLength(1);
    expect(await leg.vhostExists(`warren-${run.handle.id}`)).toBe(false);
    const publishedAtStop = run.frames('basic.publish').length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(run.frames('basic.publish')).toHaveLength(publishedAtStop);
  });

  it('stops a run that publishes more than its message bound', async () => {
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'flood', params: { everyMs: 1 } });
    await run.handle.done;
    expect(run.statuses.at(-1)).toBe('failed');
    expect(run.failure?.explanation).toBe(
      'This run published more than 40 messages, the most one run may publish, so it was stopped. Lower the number of messages and run it again.',
    );
    expect(await leg.vhostExists(`warren-${run.handle.id}`)).toBe(false);
  });

  it('stops a run that goes on longer than its time bound', async () => {
    const started = Date.now();
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'flood', params: { everyMs: 500 } });
    await run.handle.done;
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(run.statuses.at(-1)).toBe('failed');
    expect(run.failure?.explanation).toMatch(/^This run reached its time limit of 2 s/);
  });

  it('in step mode reaches its first frame and stands still there, and each step moves it on by a frame or so', async () => {
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'three-messages', params: {}, mode: 'step' });
    await waitFor(() => run.statuses.includes('paused'));
    // A handshake goes through as a whole, without a step; then the first program stands still with its first frame
    // waiting, longer than a learner's pause may well be.
    const handshake = [
      'protocol-header',
      'connection.start',
      'connection.start-ok',
      'connection.tune',
      'connection.tune-ok',
      'connection.open',
      'connection.open-ok',
    ];
    await waitFor(() => run.frames('connection.open-ok').length === 1);
    await sleep(1100);
    expect(run.frames().map((frame) => frame.method)).toEqual(handshake);
    expect(run.failure).toBeUndefined();
    const stepped = () => run.frames().filter((frame) => !handshake.includes(frame.method));
    for (let step = 1; step <= 20 && !stepped().some((frame) => frame.method === 'queue.declare-ok'); step += 1) {
      const before = stepped().length;
      run.handle.step();
      await sleep(300);
      expect(stepped().length - before).toBeLessThanOrEqual(3);
    }
    expect(stepped().map((frame) => frame.method)).toEqual(['channel.open', 'channel.open-ok', 'queue.declare', 'queue.declare-ok']);
    // Between steps nothing moves.
    const held = run.frames().length;
    await sleep(400);
    expect(run.frames()).toHaveLength(held);
    run.handle.resume();
    await run.handle.done;
    expect(run.statuses).toEqual(['starting', 'paused', 'running', 'finished']);
    expect(run.summaries[0]).toMatchObject({ published: 3 });
  });

  it('pauses: no frame passes and no scenario time goes by until resumed', async () => {
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'slow', params: { pauseMs: 100 } });
    await waitFor(() => run.frames('basic.publish').length >= 2);
    run.handle.pause();
    const framesAtPause = run.frames().length;
    const logsAtPause = run.logs().length;
    await sleep(400);
    expect(run.frames()).toHaveLength(framesAtPause);
    expect(run.logs().length).toBeLessThanOrEqual(logsAtPause + 1);
    run.handle.resume();
    await run.handle.done;
    expect(run.statuses).toEqual(['starting', 'running', 'paused', 'running', 'finished']);
    expect(run.summaries[0]).toMatchObject({ published: 10, delivered: { consumer: 10 } });
  });

  it('counts ready and unacknowledged messages in its snapshots', async () => {
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'unacked', params: { count: 5, prefetch: 2 } });
    const summary = await run.handle.done;
    expect(run.statuses.at(-1)).toBe('finished');
    const states = run.events.filter((event) => event.kind === 'state');
    expect(states).toHaveLength(2);
    expect(states[0]).toMatchObject({
      moment: { id: 'window-full' },
      queues: [{ name: 'held', messagesReady: 3, messagesUnacknowledged: 2, consumers: 1, durable: true, exclusive: false }],
    });
    // The runner stopped the consumer once the run went quiet: closing its connection gave its two deliveries back.
    expect(states[1]).toMatchObject({ queues: [{ name: 'held', messagesReady: 5, messagesUnacknowledged: 0, consumers: 0 }] });
    expect(summary.queues).toEqual([
      { name: 'held', messagesReady: 5, messagesUnacknowledged: 0, consumers: 0, durable: true, exclusive: false, autoDelete: false },
    ]);
    expect(summary.requeued).toBe(2);
  });

  it('explains a queue that does not exist', async () => {
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'mistake', params: { mistake: 'missing-queue' } });
    await run.handle.done;
    expect(run.statuses.at(-1)).toBe('ended-with-error');
    expect(run.failure?.explanation).toMatch(
      /^The broker closed client's channel 1 with 404 NOT_FOUND when it refused queue\.declare\. There is no queue 'nowhere' in this run's broker: something used it before anyone declared it\. Declare it first \(assertQueue\), or start the actor that declares it earlier\. What the program did after that did not reach the broker\. client exited with code 1: /,
    );
    expect(run.failure?.raw).toMatch(/client channel 1: 404 NOT_FOUND - no queue 'nowhere'/);
  });

  it('explains a queue declared again with other settings', async () => {
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'mistake', params: { mistake: 'redeclare' } });
    await run.handle.done;
    expect(run.statuses.at(-1)).toBe('ended-with-error');
    expect(run.failure?.explanation).toContain(
      "The queue 'settled' already exists with durable = false, and was declared again with durable = true. A queue keeps the settings it was first declared with: declare it the same way everywhere, or delete it first.",
    );
  });

  it('explains a program that throws, with what it said', async () => {
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'mistake', params: { mistake: 'throw' } });
    await run.handle.done;
    expect(run.statuses.at(-1)).toBe('ended-with-error');
    expect(run.failure?.explanation).toBe('client exited with code 1: Error: the program gave up. Its output says more.');
    expect(run.failure?.raw).toContain("throw new Error('the program gave up')");
  });

  it('explains a channel error nobody listens for, without crashing', async () => {
    const run = watchRun(leg.runner, { lesson: '01-echo', cell: 'mistake', params: { mistake: 'unheard-channel-error' } });
    await run.handle.done;
    expect(run.statuses.at(-1)).toBe('ended-with-error');
    expect(run.failure?.explanation).toMatch(
      /^The broker closed client's channel 1 with 406 PRECONDITION_FAILED when it refused basic\.ack\. An actor settled delivery tag 99, which its channel never received/,
    );
  });
});

describe('starting a run', async () => {
  const lessons = await loadLessons(FIXTURE_LESSONS);
  // Never started: requests are refused before anything touches the broker.
  const runner = createRunner({
    broker: { kind: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:1', embedded: undefined, close: async () => {} },
    lessons,
  });
  const listener = { onEvent: () => {}, onStatus: () => {}, onSummary: () => {} };
  const refusal = (request: Parameters<typeof runner.start>[0]): RunRequestError => {
    try {
      runner.start(request, listener);
    } catch (error) {
      if (error instanceof RunRequestError) return error;
      throw error;
    }
    throw new Error('the run started');
  };

  it('refuses an unknown lesson, naming the lessons there are', () => {
    expect(refusal({ lesson: '09', cell: 'x', params: {} }).message).toBe("There is no lesson '09'. The lessons are: 01-echo.");
  });

  it('refuses an unknown cell, naming the cells there are', () => {
    expect(refusal({ lesson: 'echo', cell: 'x', params: {} }).message).toBe(
      "Lesson 01-echo has no cell 'x'. Its cells are: three-messages, slow, flood, mistake, unacked.",
    );
  });

  it('refuses bad parameters, naming each and what it allows', () => {
    const error = refusal({ lesson: '01-echo', cell: 'slow', params: { count: 0, colour: 'red' } });
    expect(error.problems).toEqual([
      { param: 'colour', message: 'there is no parameter colour; the parameters are count, message, pauseMs, properties' },
    ]);
    expect(refusal({ lesson: '01-echo', cell: 'slow', params: { count: 0, pauseMs: 'x' } }).message).toBe(
      'count must be an integer from 1 to 1000, got 0; pauseMs must be an integer from 0 to 10000, got "x"',
    );
  });
});

describe('a broker that cannot be used', () => {
  it('explains that nothing answers at the address', async () => {
    const lessons = await loadLessons(FIXTURE_LESSONS);
    const closedPort = await freePort();
    const runner = createRunner({
      broker: { kind: 'rabbitmq', url: `amqp://guest:guest@127.0.0.1:${closedPort}`, embedded: undefined, close: async () => {} },
      lessons,
    });
    const run = watchRun(runner, { lesson: '01-echo', cell: 'three-messages', params: {} });
    await run.handle.done;
    expect(run.statuses).toEqual(['starting', 'failed']);
    expect(run.failure).toEqual({
      explanation: `Nothing answers at 127.0.0.1:${closedPort}. Is RabbitMQ running? Start it with rabbitmq-server -detached, or unset AMQP_URL to use the embedded broker.`,
      raw: `connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    });
  });

  it('explains a broker that shuts down in the middle of a run', async () => {
    const lessons = await loadLessons(FIXTURE_LESSONS);
    const target = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
    const runner = createRunner({ broker: target, lessons });
    const run = watchRun(runner, { lesson: '01-echo', cell: 'slow', params: { pauseMs: 200 } });
    await waitFor(() => run.frames('basic.publish').length >= 1);
    await target.close();
    await run.handle.done;
    // The programs saw their connections closed and ended by themselves: the run ended with the broker's explanation.
    expect(run.statuses.at(-1)).toBe('ended-with-error');
    expect(run.failure?.explanation).toContain(
      'with 320 CONNECTION_FORCED. The broker closed the connection: it is shutting down, or an operator closed the connection.',
    );
  });

  it('explains a wrong password on the embedded broker', async () => {
    const lessons = await loadLessons(FIXTURE_LESSONS);
    const target = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
    try {
      const url = new URL(target.url);
      url.password = 'wrong';
      const runner = createRunner({ broker: { ...target, url: url.toString() }, lessons });
      const run = watchRun(runner, { lesson: '01-echo', cell: 'three-messages', params: {} });
      await run.handle.done;
      expect(run.statuses.at(-1)).toBe('ended-with-error');
      expect(run.failure?.explanation).toMatch(
        /^The broker closed consumer's connection with 403 ACCESS_REFUSED\. The broker refused to log in user 'guest' with that password\. Check the user and password in AMQP_URL \(RabbitMQ's guest user may only log in from localhost\)\. /,
      );
      expect(run.failure?.raw).toMatch(/ACCESS_REFUSED/);
    } finally {
      await target.close();
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
