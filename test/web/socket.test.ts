import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../server/protocol/messages.js';
import type { FrameEvent, TraceEvent } from '../../server/protocol/trace.js';
import { ofType, openSocket, refusedUpgrade, type TestSocket } from './socket-client.js';
import { FIXTURE_LESSONS, startWorkbook, type TestWorkbook } from './workbook.js';

const ECHO = { lesson: '01-echo', cell: 'three-messages', params: {} };

/** Every trace event a socket received for one run, in order. */
function traceOf(socket: TestSocket, runId: string): TraceEvent[] {
  return socket.received.flatMap((message) => (message.type === 'trace' && message.runId === runId ? message.events : []));
}

function publishes(events: TraceEvent[]): FrameEvent[] {
  return events.filter((event): event is FrameEvent => event.kind === 'frame' && event.method === 'basic.publish');
}

/** The messages of one run, as the test sees their order: trace batches, statuses, summary. */
function runMessages(socket: TestSocket, runId: string): ServerMessage[] {
  return socket.received.filter((message) => 'runId' in message && message.runId === runId);
}

describe('the workbook WebSocket', () => {
  let workbook: TestWorkbook;
  const sockets: TestSocket[] = [];

  async function connect(): Promise<TestSocket> {
    const socket = await openSocket(workbook.socketUrl);
    sockets.push(socket);
    return socket;
  }

  beforeAll(async () => {
    workbook = await startWorkbook({ lessonsDir: FIXTURE_LESSONS });
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  });
  afterAll(() => workbook.close());

  it('says hello with the broker it runs against', async () => {
    const socket = await connect();
    const hello = await socket.take(ofType('hello'));
    expect(hello.broker.kind).toBe('embedded');
    expect(hello.broker.url).toMatch(/^amqp:\/\/.*127\.0\.0\.1:\d+/);
    // This machine has Debian's python3 with pika, so Python programs can run: nothing to tell.
    expect(hello.pythonProblem).toBeUndefined();
  });

  it('runs a cell: statuses, trace batches, then the summary', async () => {
    const socket = await connect();
    socket.send({ type: 'run', runId: 'echo-1', ...ECHO });
    const summary = await socket.take(ofType('summary', 'echo-1'));
    expect(summary.summary.published).toBe(3);
    await socket.take((message): message is ServerMessage => message.type === 'status' && message.status === 'finished');

    const statuses = socket.received.filter(ofType('status', 'echo-1')).map((message) => message.status);
    expect(statuses).toEqual(['starting', 'running', 'finished']);
    const events = traceOf(socket, 'echo-1');
    expect(publishes(events)).toHaveLength(3);
    expect(events.some((event) => event.kind === 'log' && event.text.includes("Received 'hello 1'"))).toBe(true);
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Batched: far fewer trace messages than events.
    const batches = socket.received.filter(ofType('trace', 'echo-1'));
    expect(batches.length).toBeLessThan(events.length);
    // Every event arrives before the summary that totals it.
    const order = runMessages(socket, 'echo-1').map((message) => message.type);
    expect(order.lastIndexOf('trace')).toBeLessThan(order.indexOf('summary'));
  });

  it('reports a run that ended with an error with an explanation and the raw error', async () => {
    const socket = await connect();
    socket.send({ type: 'run', runId: 'oops', lesson: '01-echo', cell: 'mistake', params: {} });
    const failed = await socket.take(
      (message): message is Extract<ServerMessage, { type: 'status' }> =>
        message.type === 'status' && message.runId === 'oops' && message.status === 'ended-with-error',
    );
    expect(failed.failure?.explanation).toEqual(expect.any(String));
    expect(failed.failure?.raw).toMatch(/NOT_FOUND/);
    await socket.take(ofType('summary', 'oops'));
  });

  it('pauses, steps, resumes and stops a run', async () => {
    const socket = await connect();
    socket.send({ type: 'run', runId: 'slow', lesson: '01-echo', cell: 'slow', params: { count: 200, pauseMs: 20 } });
    await socket.take((message): message is ServerMessage => message.type === 'status' && message.status === 'running');
    await socket.take(ofType('trace', 'slow'));

    socket.send({ type: 'pause', runId: 'slow' });
    await socket.take((message): message is ServerMessage => message.type === 'status' && message.status === 'paused');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whilePaused = traceOf(socket, 'slow').length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(traceOf(socket, 'slow').length).toBe(whilePaused);

    const stepped = socket.next(ofType('trace', 'slow'));
    socket.send({ type: 'step', runId: 'slow' });
    await stepped;
    expect(traceOf(socket, 'slow').length).toBeGreaterThan(whilePaused);

    socket.send({ type: 'resume', runId: 'slow' });
    await socket.take((message): message is ServerMessage => message.type === 'status' && message.status === 'running');

    socket.send({ type: 'stop', runId: 'slow' });
    await socket.take((message): message is ServerMessage => message.type === 'status' && message.status === 'stopped');
    const summary = await socket.take(ofType('summary', 'slow'));
    expect(summary.summary.published).toBeLessThan(200);

    const error = await socket.errorFor({ type: 'pause', runId: 'slow' });
    expect(error.message).toMatch(/over \(stopped\)/);
  });

  it('starts a run in step mode paused, and steps it frame by frame', async () => {
    const socket = await connect();
    socket.send({ type: 'run', runId: 'stepper', ...ECHO, mode: 'step' });
    await socket.take((message): message is ServerMessage => message.type === 'status' && message.status === 'paused');
    const stepped = socket.next(ofType('trace', 'stepper'));
    socket.send({ type: 'step', runId: 'stepper' });
    await stepped;
    socket.send({ type: 'resume', runId: 'stepper' });
    const summary = await socket.take(ofType('summary', 'stepper'));
    expect(summary.summary.published).toBe(3);
  });

  it('runs several cells at once on one socket', async () => {
    const socket = await connect();
    socket.send({ type: 'run', runId: 'a', ...ECHO });
    socket.send({ type: 'run', runId: 'b', lesson: '01-echo', cell: 'slow', params: { count: 4 } });
    const [a, b] = await Promise.all([socket.take(ofType('summary', 'a')), socket.take(ofType('summary', 'b'))]);
    expect(a.summary.published).toBe(3);
    expect(b.summary.published).toBe(4);
    expect(publishes(traceOf(socket, 'a'))).toHaveLength(3);
    expect(publishes(traceOf(socket, 'b'))).toHaveLength(4);
  });

  it('keeps run ids per socket: two sockets may both run "same"', async () => {
    const first = await connect();
    const second = await connect();
    first.send({ type: 'run', runId: 'same', ...ECHO });
    second.send({ type: 'run', runId: 'same', lesson: '01-echo', cell: 'slow', params: { count: 5 } });
    const [one, two] = await Promise.all([first.take(ofType('summary', 'same')), second.take(ofType('summary', 'same'))]);
    expect(one.summary.published).toBe(3);
    expect(two.summary.published).toBe(5);
    expect(publishes(traceOf(first, 'same'))).toHaveLength(3);
    expect(publishes(traceOf(second, 'same'))).toHaveLength(5);
  });

  it('refuses a second run under an id that is still going, and reuses an id once reset', async () => {
    const socket = await connect();
    socket.send({ type: 'run', runId: 'r', lesson: '01-echo', cell: 'slow', params: { count: 200, pauseMs: 20 } });
    await socket.take(ofType('status', 'r'));
    const error = await socket.errorFor({ type: 'run', runId: 'r', ...ECHO });
    expect(error.runId).toBe('r');
    expect(error.message).toMatch(/still going/);

    socket.send({ type: 'reset', runId: 'r' });
    socket.send({ type: 'run', runId: 'r', ...ECHO });
    const summary = await socket.take(ofType('summary', 'r'));
    expect(summary.summary.published).toBe(3);
  });

  it('runs as many cells as it may at once, and refuses one more', async () => {
    const socket = await connect();
    const slow = { lesson: '01-echo', cell: 'slow', params: { count: 200, pauseMs: 20 } };
    for (let n = 1; n <= 8; n += 1) socket.send({ type: 'run', runId: `many-${n}`, ...slow });
    const error = await socket.errorFor({ type: 'run', runId: 'one-more', ...slow });
    expect(error.message).toMatch(/8 runs are already going on this connection \(at most 8\)/);
    for (let n = 1; n <= 8; n += 1) socket.send({ type: 'stop', runId: `many-${n}` });
    await Promise.all(Array.from({ length: 8 }, (_, n) => socket.take(ofType('summary', `many-${n + 1}`))));
  });

  // Each run's programs are processes, stopped once the run goes quiet: a second or two a run.
  it('remembers the 16 latest ended runs and forgets older ones', async () => {
    const socket = await connect();
    for (let n = 1; n <= 17; n += 1) {
      socket.send({ type: 'run', runId: `ended-${n}`, lesson: '01-echo', cell: 'three-messages', params: { count: 1 } });
      await socket.take(ofType('summary', `ended-${n}`));
      await socket.take(
        (message): message is ServerMessage => message.type === 'status' && message.runId === `ended-${n}` && message.status === 'finished',
      );
    }
    socket.send({ type: 'run', runId: 'ended-18', lesson: '01-echo', cell: 'three-messages', params: { count: 1 } });
    await socket.take(ofType('summary', 'ended-18'));
    expect((await socket.errorFor({ type: 'pause', runId: 'ended-1' })).message).toMatch(/no run 'ended-1'/);
    expect((await socket.errorFor({ type: 'pause', runId: 'ended-3' })).message).toMatch(/over \(finished\)/);
  }, 120_000);

  describe('answers every bad message with an error naming the problem, and stays usable', () => {
    const cases: [string, unknown, RegExp][] = [
      ['not JSON', '{"type": run', /not JSON/],
      ['not an object', '[1, 2]', /must be a JSON object.*got an array/],
      ['no type', { runId: 'x' }, /'type' is missing: it must be one of run, pause, resume, step, stop, reset, act, restart-broker/],
      [
        'an unknown type',
        { type: 'go' },
        /'type' must be one of run, pause, resume, step, stop, reset, act, restart-broker, watch-lab, unwatch-lab; got 'go'/,
      ],
      ['a missing field', { type: 'run', runId: 'x', lesson: '01-echo', params: {} }, /'cell' is missing/],
      ['a wrong field type', { type: 'pause', runId: 7 }, /'runId' must be a string of 1 to 64 characters \(got 7\)/],
      ['an unknown field', { type: 'stop', runId: 'x', force: true }, /'force' is not a field/],
      ['a bad mode', { type: 'run', runId: 'x', ...ECHO, mode: 'fast' }, /'mode' must be one of continuous, step/],
      ['a bad parameter', { type: 'run', runId: 'x', ...ECHO, params: { count: 0 } }, /count/],
      ['an unknown parameter type', { type: 'run', runId: 'x', ...ECHO, params: { count: 'many' } }, /count/],
      ['an unknown lesson', { type: 'run', runId: 'x', lesson: '77-nowhere', cell: 'a', params: {} }, /77-nowhere/],
      ['an unknown cell', { type: 'run', runId: 'x', lesson: '01-echo', cell: 'nope', params: {} }, /nope/],
      ['a control for an unknown run', { type: 'step', runId: 'ghost' }, /no run 'ghost' on this connection/],
      ['a reset for an unknown run', { type: 'reset', runId: 'ghost' }, /no run 'ghost'/],
      [
        'a parameter named constructor',
        { type: 'run', runId: 'x', ...ECHO, params: { constructor: { count: 0 } } },
        /^parameter name 'constructor' is not allowed: every JavaScript object already has a 'constructor', so it cannot name a parameter or a field; the parameters are count, /,
      ],
      [
        'a parameter named __proto__',
        '{"type":"run","runId":"x","lesson":"01-echo","cell":"three-messages","params":{"__proto__":{"count":0}}}',
        /^parameter name '__proto__' is not allowed/,
      ],
      [
        'a parameter named toString in a free-form map',
        { type: 'run', runId: 'x', ...ECHO, params: { properties: { headers: { toString: 'x' } } } },
        /^parameter name 'properties.headers.toString' is not allowed/,
      ],
      [
        'parameters nested 2,000 levels deep',
        `{"type":"run","runId":"x","lesson":"01-echo","cell":"three-messages","params":{"count":${'['.repeat(2000)}${']'.repeat(2000)}}}`,
        /^the message nests more than 33 levels deep \(at params\.count\.0\.0\.\.\.\): a run's parameters may nest at most 32 levels of objects and lists$/,
      ],
      [
        'a field nested 2,000 levels deep',
        `{"type":"run","runId":"x","lesson":${'['.repeat(2000)}${']'.repeat(2000)},"cell":"three-messages","params":{}}`,
        /^the message nests more than 33 levels deep \(at lesson\.0\.0\.0\.\.\.\)/,
      ],
    ];
    for (const [what, message, expected] of cases) {
      it(what, async () => {
        const socket = await connect();
        const logged = vi.spyOn(console, 'error');
        const started = workbook.started.length;
        try {
          const error = await socket.errorFor(message);
          expect(error.message).toMatch(expected);
          // Refused before anything started, and nothing logged: the client's mistake is not the server's failure.
          expect(workbook.started.length).toBe(started);
          expect(logged.mock.calls).toEqual([]);
        } finally {
          logged.mockRestore();
        }
        socket.send({ type: 'run', runId: 'after', ...ECHO });
        expect((await socket.take(ofType('summary', 'after'))).summary.published).toBe(3);
      });
    }

    it('binary frames', async () => {
      const socket = await connect();
      socket.socket.send(Buffer.from([1, 2, 3]));
      expect((await socket.take(ofType('error'))).message).toMatch(/binary/);
    });
  });

  it('limits the message rate, answering the excess', async () => {
    const socket = await connect();
    for (let n = 0; n < 60; n += 1) socket.send({ type: 'pause', runId: 'ghost' });
    await socket.take((message): message is ServerMessage => message.type === 'error' && message.message.startsWith('too many messages'));
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
  });

  it('closes a socket that sends a message over 64 KiB', async () => {
    const socket = await connect();
    const closed = new Promise<number>((resolve) => socket.socket.once('close', (code) => resolve(code)));
    socket.send({ type: 'run', runId: 'big', ...ECHO, params: { message: 'x'.repeat(70_000) } });
    expect(await closed).toBe(1009);
  });

  it('stops the runs of a socket that closes', async () => {
    const socket = await connect();
    const before = workbook.started.length;
    socket.send({ type: 'run', runId: 'orphan', lesson: '01-echo', cell: 'slow', params: { count: 500, pauseMs: 20 } });
    await socket.take(ofType('trace', 'orphan'));
    const handle = workbook.started[before];
    if (handle === undefined) throw new Error('the run was not started');
    await socket.close();
    const summary = await handle.done;
    expect(summary.published).toBeLessThan(500);
  });

  describe('refuses upgrades from elsewhere', () => {
    it('with a foreign Origin', async () => {
      const refused = await refusedUpgrade(workbook.socketUrl, { origin: 'http://evil.example' });
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('Origin http://evil.example');
    });

    it('with a foreign Host (DNS rebinding)', async () => {
      const refused = await refusedUpgrade(workbook.socketUrl, { headers: { Host: `evil.example:${workbook.server.port}` } });
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('Host evil.example');
    });

    it('with the right host but another port', async () => {
      const refused = await refusedUpgrade(workbook.socketUrl, { headers: { Host: '127.0.0.1:1' } });
      expect(refused.status).toBe(403);
    });

    it('on another path', async () => {
      const refused = await refusedUpgrade(workbook.socketUrl.replace(/\/ws$/, '/socket'));
      expect(refused.status).toBe(404);
    });

    it('but accepts its own origin, and localhost as an alias of 127.0.0.1', async () => {
      const port = workbook.server.port;
      const own = await openSocket(workbook.socketUrl, { origin: `http://127.0.0.1:${port}` });
      sockets.push(own);
      await own.take(ofType('hello'));
      const alias = await openSocket(workbook.socketUrl, { headers: { Host: `localhost:${port}` }, origin: `http://localhost:${port}` });
      sockets.push(alias);
      await alias.take(ofType('hello'));
    });
  });
});
