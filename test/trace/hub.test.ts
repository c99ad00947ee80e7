// The trace hub over real WebSockets on loopback: batching, order, late
// joiners, and a client too slow to keep up, whose losses are reported.
import { frame } from '../support/frames.js';
import { once } from 'node:events';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ServerMessage } from '../../server/protocol/messages.js';
import type { TraceEvent, TraceGapEvent } from '../../server/protocol/trace.js';
import { createTraceHub } from '../../server/trace/hub.js';
import { createTraceRecorder, type TraceRecorder } from '../../server/trace/recorder.js';
import { messageText } from '../../server/web/message-text.js';
import { present } from '../support/present.js';

/** A browser stand-in: a ws client and every message it got. */
interface Viewer {
  client: WebSocket;
  /** The server's end of the connection, for the hub. */
  socket: WebSocket;
  messages: ServerMessage[];
  events(): TraceEvent[];
}

let server: WebSocketServer;
const viewers: Viewer[] = [];

beforeEach(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
});
afterEach(async () => {
  for (const viewer of viewers.splice(0)) viewer.client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

async function openViewer(): Promise<Viewer> {
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const messages: ServerMessage[] = [];
  client.on('message', (data) => messages.push(JSON.parse(messageText(data)) as ServerMessage));
  await once(client, 'open');
  const [socket] = await accepted;
  const viewer = {
    client,
    socket,
    messages,
    events: () => messages.flatMap((m) => (m.type === 'trace' ? m.events : [])),
  };
  viewers.push(viewer);
  return viewer;
}

function logEvents(recorder: TraceRecorder, count: number, text = 'x'): TraceEvent[] {
  return Array.from({ length: count }, () => recorder.add({ kind: 'log', actor: 'worker 1', text }));
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('events go out in batches: a full batch at once, the rest after the flush interval, in order', async () => {
  const hub = createTraceHub({ flushIntervalMs: 20, maxBatchEvents: 100 });
  const viewer = await openViewer();
  hub.attach('run-1', viewer.socket);
  const recorder = createTraceRecorder();
  for (const event of logEvents(recorder, 250)) hub.publish('run-1', event);
  await until(() => viewer.events().length === 250);
  expect(viewer.messages).toHaveLength(3);
  expect(viewer.messages.every((m) => m.type === 'trace' && m.runId === 'run-1')).toBe(true);
  expect(viewer.events().map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  expect(hub.stats('run-1')).toEqual({ watchers: 1, published: 250, sent: 250, dropped: 0, gaps: 0 });
  hub.close();
});

test('a single event arrives within about a frame', async () => {
  const hub = createTraceHub({ flushIntervalMs: 16 });
  const viewer = await openViewer();
  hub.attach('run-1', viewer.socket);
  const started = performance.now();
  const [event] = logEvents(createTraceRecorder(), 1);
  hub.publish('run-1', present(event));
  await until(() => viewer.events().length === 1);
  expect(performance.now() - started).toBeLessThan(200);
  hub.close();
});

test('runs stay apart, and a viewer joining late gets no history', async () => {
  const hub = createTraceHub({ flushIntervalMs: 5 });
  const early = await openViewer();
  const other = await openViewer();
  hub.attach('run-1', early.socket);
  hub.attach('run-2', other.socket);
  const recorder = createTraceRecorder();
  for (const event of logEvents(recorder, 5)) hub.publish('run-1', event);
  hub.flush('run-1');
  const late = await openViewer();
  hub.attach('run-1', late.socket);
  for (const event of logEvents(recorder, 1)) hub.publish('run-1', event);
  await until(() => early.events().length === 6 && late.events().length === 1);
  expect(late.events()[0]?.seq).toBe(6);
  expect(other.messages).toEqual([]);
  hub.close();
});

test('send() puts a status or summary after the events queued before it', async () => {
  const hub = createTraceHub({ flushIntervalMs: 1000 });
  const viewer = await openViewer();
  hub.attach('run-1', viewer.socket);
  for (const event of logEvents(createTraceRecorder(), 3)) hub.publish('run-1', event);
  hub.send('run-1', { type: 'status', runId: 'run-1', status: 'finished' });
  await until(() => viewer.messages.length === 2);
  expect(viewer.messages.map((m) => m.type)).toEqual(['trace', 'status']);
  hub.close();
});

test('a closed viewer is detached; endRun flushes and forgets the run', async () => {
  const hub = createTraceHub({ flushIntervalMs: 1000 });
  const leaving = await openViewer();
  const staying = await openViewer();
  hub.attach('run-1', leaving.socket);
  hub.attach('run-1', staying.socket);
  leaving.client.close();
  await until(() => hub.stats('run-1').watchers === 1);
  for (const event of logEvents(createTraceRecorder(), 2)) hub.publish('run-1', event);
  hub.endRun('run-1');
  await until(() => staying.events().length === 2);
  expect(hub.stats('run-1')).toEqual({ watchers: 0, published: 0, sent: 0, dropped: 0, gaps: 0 });
  hub.close();
});

test('a viewer that cannot keep up gets gap events counting what it missed: nothing is lost silently', async () => {
  const maxBufferedBytes = 256 * 1024;
  const hub = createTraceHub({ flushIntervalMs: 10, maxBatchEvents: 200, maxQueuedEvents: 1000, maxBufferedBytes });
  const slow = await openViewer();
  const fast = await openViewer();
  hub.attach('run-1', slow.socket);
  hub.attach('run-1', fast.socket);
  // The slow viewer stops reading: TCP buffers fill, then the server socket's buffer.
  slow.client.pause();
  const recorder = createTraceRecorder();
  const produced = 60_000;
  const text = 'a line an actor printed, long enough to fill buffers quickly: '.repeat(4);
  let maxBuffered = 0;
  for (let sent = 0; sent < produced; sent += 500) {
    for (const event of logEvents(recorder, 500, text)) hub.publish('run-1', event);
    if (sent % 5000 === 0) hub.publish('run-1', recorder.add(frame('producer', 'to-broker', 1, 'basic.publish')));
    maxBuffered = Math.max(maxBuffered, slow.socket.bufferedAmount);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const total = recorder.count;
  slow.client.resume();

  const gapsOf = (viewer: Viewer) => viewer.events().filter((e): e is TraceGapEvent => e.kind === 'gap');
  const accounted = (viewer: Viewer) =>
    viewer.events().filter((e) => e.kind !== 'gap').length + gapsOf(viewer).reduce((n, g) => n + g.dropped, 0);
  await until(() => accounted(slow) === total && accounted(fast) === total, 20_000);

  const gaps = gapsOf(slow);
  expect(gaps.length).toBeGreaterThan(0);
  for (const gap of gaps) expect(Object.values(gap.counts).reduce((a, b) => a + b, 0)).toBe(gap.dropped);
  expect(gaps.some((gap) => gap.counts['basic.publish'] !== undefined)).toBe(true);
  // Order is kept: a gap takes the place of the newest event it stands for.
  const seqs = slow.events().map((e) => e.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
  // The fast viewer lost nothing.
  expect(gapsOf(fast)).toEqual([]);
  // What the server held for the slow viewer stayed bounded: its buffer limit plus at most a couple of batches.
  expect(maxBuffered).toBeLessThan(maxBufferedBytes + 2 * 200 * 400);
  const stats = hub.stats('run-1');
  expect(stats.published).toBe(total);
  expect(stats.sent + stats.dropped).toBe(2 * total);
  expect(stats.dropped).toBe(gaps.reduce((n, g) => n + g.dropped, 0));
  expect(stats.gaps).toBe(gaps.length);
  hub.close();
});

test('the recorder numbers events from 1, times them from its start, and survives a failing listener', () => {
  let clock = 1000;
  const failures: unknown[] = [];
  const recorder = createTraceRecorder({ now: () => clock, onListenerError: (error) => failures.push(error) });
  const seen: TraceEvent[] = [];
  recorder.subscribe(() => {
    throw new Error('listener bug');
  });
  const stop = recorder.subscribe((event) => seen.push(event));
  clock = 1002.5;
  const first = recorder.add({ kind: 'log', actor: 'producer', text: " [x] Sent 'Hello World!'" });
  expect(first).toEqual({ kind: 'log', seq: 1, time: 2.5, actor: 'producer', text: " [x] Sent 'Hello World!'" });
  stop();
  recorder.add({ kind: 'log', actor: 'producer', text: 'again' });
  expect(seen).toEqual([first]);
  expect(recorder.count).toBe(2);
  expect(failures).toHaveLength(2);
});
