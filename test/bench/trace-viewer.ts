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
  /** Latencies from here on are the ones reported. */
  | { type: 'mark' }
  | { type: 'slow'; on: boolean }
  | { type: 'report' };

/** Viewer -> parent. */
export type ViewerReport =
  | { type: 'open' }
  | { type: 'progress'; received: number; droppedInGaps: number; gapEvents: number }
  | { type: 'latency'; p50: number; p99: number; max: number; count: number };

const latencies: number[] = [];
let marked = 0;
let received = 0;
let droppedInGaps = 0;
let gapEvents = 0;
let socket: WebSocket | undefined;
let slowReader: NodeJS.Timeout | undefined;
let progressTimer: NodeJS.Timeout | undefined;

function send(report: ViewerReport): void {
  if (process.connected) process.send?.(report);
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
        const now = performance.timeOrigin + performance.now() - command.runStartEpoch;
        const message = JSON.parse(messageText(data)) as ServerMessage;
        if (message.type !== 'trace') return;
        for (const event of message.events) {
          if (event.kind === 'gap') {
            gapEvents += 1;
            droppedInGaps += event.dropped;
          } else {
            latencies.push(now - event.time);
            received += 1;
          }
        }
      });
      progressTimer = setInterval(() => send({ type: 'progress', received, droppedInGaps, gapEvents }), 50);
      break;
    }
    case 'mark':
      marked = latencies.length;
      break;
    case 'slow':
      readSlowly(command.on);
      break;
    case 'report': {
      const sorted = Float64Array.from(latencies.slice(marked)).sort();
      send({ type: 'progress', received, droppedInGaps, gapEvents });
      send({
        type: 'latency',
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: percentile(sorted, 100),
        count: sorted.length,
      });
      clearInterval(progressTimer);
      clearTimeout(slowReader);
      socket?.close();
      process.disconnect();
      break;
    }
  }
});
