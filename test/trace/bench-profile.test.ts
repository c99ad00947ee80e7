// How the trace benchmark adds up where the workbook's time goes: a sample
// counts for the part of Warren nearest the top of its stack, so Node's own
// work (a socket write) counts for the part that asked for it.
import type { Profiler } from 'node:inspector';
import { expect, test } from 'vitest';
import { timeByPart } from '../bench/profile-summary.js';

function frame(id: number, functionName: string, url: string, children: number[] = []): Profiler.ProfileNode {
  return { id, callFrame: { functionName, url, scriptId: '0', lineNumber: 0, columnNumber: 0 }, children };
}

test("Node's work counts for the part that asked for it; garbage collection and idle time stand apart", () => {
  const profile: Profiler.Profile = {
    nodes: [
      frame(1, '(root)', '', [2, 5, 6, 7, 9]),
      frame(2, 'deliver', 'file:///warren/server/trace/hub.ts', [3]),
      frame(3, 'sendFrame', 'file:///warren/node_modules/ws/lib/sender.js', [4]),
      frame(4, 'writev', ''),
      frame(5, '(garbage collector)', ''),
      frame(6, '(idle)', ''),
      frame(7, 'handleData', 'file:///warren/server/tap/tapped-connection.ts', [8]),
      frame(8, 'Socket.write', 'node:net'),
      // A native function named like an Object method is still just Node's work.
      frame(9, 'toString', ''),
    ],
    startTime: 0,
    endTime: 9000,
    samples: [2, 2, 4, 5, 6, 6, 6, 8, 9],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  };
  const parts = timeByPart(profile).map(({ part, ms }) => `${part}: ${ms} ms`);
  expect(parts).toEqual([
    'idle (waiting for the network or a timer): 3 ms',
    'hub: batching and JSON encoding: 2 ms',
    'ws: WebSocket framing and writes: 1 ms',
    'garbage collection: 1 ms',
    'tap: cutting, forwarding and describing frames: 1 ms',
    'other (Node internals, the event loop): 1 ms',
  ]);
});
