/**
 * The pacer that moves a run model's cursor over time, on the seven-task
 * recording, with frames handed out by the test: the cursor advances at the
 * animation speed, counters never ahead of the moves played, skips a flood
 * in one jump and says by how much, and stays where the learner put it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEAT_MS, CursorPacer, MAX_BEHIND_EVENTS, TICK_MS } from '../../client/src/run/cursor-pacer.js';
import { RunModel } from '../../client/src/run/run-model.js';
import type { TraceEvent } from '../../server/protocol/index.js';

function sevenTasks(): TraceEvent[] {
  return readFileSync(new URL('../fixtures/traces/02-work-queues.seven-tasks.embedded.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('{"summary"'))
    .map((line) => JSON.parse(line) as TraceEvent);
}

/** A model and its pacer, with animation frames the test runs one at a time, 16 ms apart. */
function paced(speed = 1) {
  const model = new RunModel();
  const frames: ((now: number) => void)[] = [];
  const pacer = new CursorPacer(model, (callback) => frames.push(callback));
  pacer.speed = speed;
  let now = 0;
  const runFrames = (count: number): void => {
    for (let index = 0; index < count; index += 1) {
      now += 16;
      const due = frames.splice(0);
      for (const frame of due) frame(now);
    }
  };
  return { model, pacer, runFrames };
}

/** Lets the model tell its listeners (in Node it does on the next turn, in a page on the next frame). */
async function told(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('the cursor pacer', () => {
  it('replays a finished run at the animation speed, not all at once', async () => {
    const events = sevenTasks();
    const { model, pacer, runFrames } = paced(1);
    model.apply({ type: 'trace', runId: 'r', events });
    model.apply({ type: 'status', runId: 'r', status: 'finished' });
    await told();
    expect(model.counters.published).toBe(0);
    expect(pacer.catchingUp).toBe(true);

    // A second of frames: some tasks on their way, not the end of the run.
    runFrames(60);
    expect(model.cursor).toBeGreaterThan(0);
    expect(model.cursor).toBeLessThan(model.lastSeq);
    expect(model.counters.acked).toBeLessThan(7);

    // Enough frames for every event at a beat each: the end of the run, and nothing skipped.
    runFrames(Math.ceil((events.length * BEAT_MS) / 16));
    expect(model.cursor).toBe(model.lastSeq);
    expect(model.counters.acked).toBe(7);
    expect(pacer.catchingUp).toBe(false);
    expect(pacer.skipped).toBe(0);
  });

  it('replays four times as fast at speed 4', async () => {
    const framesToEnd: number[] = [];
    for (const speed of [1, 4]) {
      const { model, runFrames } = paced(speed);
      model.apply({ type: 'trace', runId: 'r', events: sevenTasks() });
      await told();
      let frames = 0;
      while (model.cursor < model.lastSeq && frames < 10_000) {
        runFrames(1);
        frames += 1;
      }
      framesToEnd.push(frames);
    }
    const [slow = 0, fast = 0] = framesToEnd;
    expect(fast).toBeGreaterThan(slow / 5);
    expect(fast).toBeLessThan(slow / 3);
  });

  it('plays the moves of the events it passes, a beat for each event that moves a message', async () => {
    const { model, runFrames } = paced(1);
    model.apply({ type: 'trace', runId: 'r', events: sevenTasks() });
    await told();
    let frames = 0;
    while (model.nextMoveId === 1 && frames < 1000) {
      runFrames(1);
      frames += 1;
    }
    expect(model.nextMoveId).toBeGreaterThan(1);
    const cursor = model.cursor;
    // The next frame is still within that event's beat: the cursor waits.
    runFrames(Math.floor(BEAT_MS / 16) - 1);
    expect(model.cursor).toBe(cursor);
    expect(TICK_MS).toBeLessThan(BEAT_MS);
  });

  it('skips a flood in one jump and says how many events it skipped', async () => {
    const events = sevenTasks();
    const { model, pacer, runFrames } = paced(1);
    const flood: TraceEvent[] = [];
    while (flood.length <= MAX_BEHIND_EVENTS) {
      for (const event of events) flood.push({ ...event, seq: flood.length + 1 });
    }
    model.apply({ type: 'trace', runId: 'r', events: flood });
    await told();
    runFrames(1);
    expect(model.cursor).toBe(model.lastSeq);
    expect(pacer.skipped).toBe(flood.length);
  });

  it('holds the cursor where the learner put it, and follows again from the newest event', async () => {
    const { model, pacer, runFrames } = paced(1);
    model.apply({ type: 'trace', runId: 'r', events: sevenTasks() });
    await told();
    pacer.hold(40);
    runFrames(200);
    expect(model.cursor).toBe(40);
    expect(pacer.following).toBe(false);
    pacer.follow();
    expect(model.cursor).toBe(model.lastSeq);
    expect(model.counters.acked).toBe(7);
  });
});
