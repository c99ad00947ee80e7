// The lab's memory of its trace is bounded, and says what it let go.
import { describe, expect, it } from 'vitest';
import { LabHistory } from '../../server/lab/lab-history.js';
import type { TraceEvent } from '../../server/protocol/trace.js';

function publish(seq: number): TraceEvent {
  return {
    kind: 'frame',
    seq,
    time: seq,
    actor: 'sender',
    connection: 1,
    direction: 'to-broker',
    channel: 1,
    method: 'basic.publish',
    fields: { ticket: 0, exchange: '', routingKey: 'hello', mandatory: false, immediate: false },
  };
}

describe("the lab's history", () => {
  it('keeps everything up to its bound', () => {
    const history = new LabHistory(8);
    for (let seq = 1; seq <= 8; seq += 1) history.add(publish(seq));
    expect(history.list().map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(history.forgotten).toBe(0);
  });

  it('beyond it, lets the oldest go and starts with a gap event counting them by method', () => {
    const history = new LabHistory(8);
    for (let seq = 1; seq <= 20; seq += 1) history.add(publish(seq));
    const [gap, ...kept] = history.list();
    expect(gap).toMatchObject({ kind: 'gap', dropped: history.forgotten, counts: { 'basic.publish': history.forgotten } });
    expect(kept.length + history.forgotten).toBe(20);
    expect(kept.length).toBeLessThanOrEqual(8);
    expect(kept.map((event) => event.seq)).toEqual(Array.from({ length: kept.length }, (_, index) => 21 - kept.length + index));
    // The gap takes the place of the newest event it stands for.
    expect(gap?.seq).toBe(20 - kept.length);
  });
});
