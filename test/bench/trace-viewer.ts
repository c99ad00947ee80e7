// The browser's stand-in for the trace benchmark, in a process of its own
// as a browser would be: a WebSocket client that parses every 'trace'
// message, notes how long each event took from the tap to here, and can be
// told to read slowly. Started by trace.ts over IPC; not run directly.
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../server/protocol/messages.js';
import { messageText } from '../../server/web/message-text.js';
import { present } from '../support/present.js';

/** Parent -> viewer. */
export type ViewerCommand =
  | { type: 'connect'; url: string; runStartEpoch: number }
  /** Latencies from here on are the ones reported, and CPU time is counted from here. */
  | { type: 'mark' }
  /** Answer with 'reached' once events received plus events dropped in gaps come to `accounted`. */
  | { type: 'until'; accounted: number }
  | { type: 'slow'; on: boolean }
  /** Latencies and CPU time since the last mark. */
  | { type: 'report' }
  | { type: 'close' };

/** How many events the viewer has, and how many it was told it missed. */
export interface ViewerProgress {
  received: number;
  droppedInGaps: number;
  gapEvents: number;
}

/** Viewer -> parent. */
export type ViewerReport =
  | { type: 'open' }
  | ({ type: 'progress' } & ViewerProgress)
  /** The wall-clock moment (ms since the epoch) the viewer had accounted for `accounted` events. */
  | ({ type: 'reached'; accounted: number; at: number } & ViewerProgress)
  | { type: 'report'; p50: number; p99: number; max: number; count: number; cpuMicros: number };

let latencies: number[] = [];
let cpuMark = process.cpuUsage();
const progress: ViewerProgress = { received: 0, droppedInGaps: 0, gapEvents: 0 };
/** When each message since the last mark brought the accounted total to what value. */
let arrivals: { accounted: number; at: number }[] = [];
let waitingFor: number | undefined;
let socket: WebSocket | undefined;
let slowReader: NodeJS.Timeout | undefined;
let progressTimer: NodeJS.Timeout | undefined;

function send(report: ViewerReport): void {
  if (process.connected) process.send?.(report);
}

function accounted(): number {
  return progress.received + progress.droppedInGaps;
}

function answerIfReached(): void {
  if (waitingFor === undefined || accounted() < waitingFor) return;
  const target = waitingFor;
  const arrival = arrivals.find((a) => a.accounted >= target);
  waitingFor = undefined;
  send({ type: 'reached', accounted: target, at: arrival?.at ?? performance.timeOrigin + performance.now(), ...progress });
}

function readSlowly(on: boolean): void {
  clearTimeout(slowReader);
  if (!on) {
    socket?.resume();
    return;
  }
  // Reads for 50 ms, then looks away for a second: far slower than the trace comes in.
  const cycle = () => {
    socket?.pause();
    slowReader = setTimeout(() => {
      socket?.resume();
      slowReader = setTimeout(cycle, 50);
    }, 1000);
  };
  cycle();
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? NaN : present(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
}

process.on('message', (command: ViewerCommand) => {
  switch (command.type) {
    case 'connect': {
      const ws = new WebSocket(command.url);
      socket = ws;
      ws.on('open', () => send({ type: 'open' }));
      ws.on('message', (data) => {
        // Both clocks are wall-clock based (timeOrigin + now), so they compare across processes.
        const epochNow = performance.timeOrigin + performance.now();
        const now = epochNow - command.runStartEpoch;
        const message = JSON.parse(messageText(data)) as ServerMessage;
        if (message.type !== 'trace') return;
        for (const event of message.events) {
          if (event.kind === 'gap') {
            progress.gapEvents += 1;
            progress.droppedInGaps += event.dropped;
          } else {
            latencies.push(now - event.time);
            progress.received += 1;
          }
        }
        arrivals.push({ accounted: accounted(), at: epochNow });
        answerIfReached();
      });
      progressTimer = setInterval(() => send({ type: 'progress', ...progress }), 50);
      break;
    }
    case 'mark':
      latencies = [];
      arrivals = [];
      cpuMark = process.cpuUsage();
      break;
    case 'until':
      waitingFor = command.accounted;
      answerIfReached();
      break;
    case 'slow':
      readSlowly(command.on);
      break;
    case 'report': {
      const sorted = Float64Array.from(latencies).sort();
      const cpu = process.cpuUsage(cpuMark);
      send({ type: 'progress', ...progress });
      send({
        type: 'report',
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: percentile(sorted, 100),
        count: sorted.length,
        cpuMicros: cpu.user + cpu.system,
      });
      break;
    }
    case 'close':
      clearInterval(progressTimer);
      clearTimeout(slowReader);
      socket?.close();
      process.disconnect();
      break;
  }
});
