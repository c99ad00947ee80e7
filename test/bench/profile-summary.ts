// Where a benchmark's time goes: samples this process's CPU with V8's
// profiler and adds the time up by part of Warren. A sample counts for the
// part whose code is nearest to the top of its stack, so time spent in
// Node itself (a socket write, JSON.stringify) counts for the part that
// asked for it.
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';

/** The parts, by where their code lives; the first that matches a frame's file names it. */
const PARTS: readonly { part: string; file: RegExp }[] = [
  { part: 'tap: cutting, forwarding and describing frames', file: /\/server\/tap\// },
  { part: 'codec: decoding frames', file: /\/server\/amqp\// },
  { part: 'recorder: numbering events', file: /\/server\/trace\/recorder\./ },
  { part: 'hub: batching and JSON encoding', file: /\/server\/trace\/hub\./ },
  { part: 'ws: WebSocket framing and writes', file: /\/node_modules\/ws\// },
  { part: 'embedded broker', file: /\/server\/broker\// },
  { part: 'other Warren code', file: /\/server\// },
  { part: 'the benchmark itself', file: /\/test\/bench\// },
];

/** V8's names for samples that ran no JavaScript. */
const NATIVE: ReadonlyMap<string, string> = new Map([
  ['(garbage collector)', 'garbage collection'],
  ['(idle)', 'idle (waiting for the network or a timer)'],
]);

const OTHER = 'other (Node internals, the event loop)';

/** Time spent by one part. */
export interface PartTime {
  part: string;
  ms: number;
  /** Of the whole profile, 0 to 1. */
  share: number;
}

/** Starts sampling; the returned function stops and hands back the profile. */
export async function startProfile(): Promise<() => Promise<Profiler.Profile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return profile;
  };
}

/** The profile's time by part, largest first. */
export function timeByPart(profile: Profiler.Profile): PartTime[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const partOfNode = new Map<number, string>();

  function partOf(id: number): string {
    const known = partOfNode.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id);
    let part = OTHER;
    if (node !== undefined) {
      const native = node.callFrame.url === '' ? NATIVE.get(node.callFrame.functionName) : undefined;
      const own = PARTS.find(({ file }) => file.test(node.callFrame.url));
      const parent = parents.get(id);
      part = native ?? own?.part ?? (parent === undefined ? OTHER : partOf(parent));
    }
    partOfNode.set(id, part);
    return part;
  }

  const micros = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  samples.forEach((id, i) => {
    const delta = deltas[i] ?? 0;
    const part = partOf(id);
    micros.set(part, (micros.get(part) ?? 0) + delta);
    total += delta;
  });
  return [...micros].map(([part, us]) => ({ part, ms: us / 1000, share: total === 0 ? 0 : us / total })).sort((a, b) => b.ms - a.ms);
}
