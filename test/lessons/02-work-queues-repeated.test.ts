// The seven-task experiment of lesson 2, run many times on each broker, a
// few runs at once, with work short enough that the stop comes while the
// broker is still dealing tasks out. Whatever the timing, every run must show
// what the lesson promises: worker 1 holds tasks 1, 3, 5 and 7 when it stops,
// exactly the unfinished ones go back and on to worker 2, nothing is lost, and
// the counters and the picture count the same requeues as the summary.
import { expect, it } from 'vitest';
import { RunModel } from '../../client/src/run/run-model.js';
import { countLines, describeOnBrokers, expectCleanEnd, linesOf, queueIn, type CellRun, type RunCell } from './harness.js';
import { present } from '../support/present.js';

const LESSON = '02-work-queues';
const QUEUE = 'task_queue';
const TASK = (n: number): string => `Task ${n}......`;

/** Runs of each variant, and how many at a time: together they load the machine as a classroom would. */
const RUNS = 16;
const AT_ONCE = 4;

/** The cell's own speed. */
const LESSON_MS_PER_DOT = 50;

/** From no work at all (the stop comes at once) to the lesson's own speed. */
const MS_PER_DOT = [0, 5, 20, LESSON_MS_PER_DOT];

/** Runs the cell `RUNS` times, `AT_ONCE` at a time, cycling through MS_PER_DOT. */
async function runMany(runCell: RunCell, overrides: Record<string, unknown>): Promise<{ msPerDot: number; run: CellRun }[]> {
  const runs: { msPerDot: number; run: CellRun }[] = [];
  for (let first = 0; first < RUNS; first += AT_ONCE) {
    const batch = Array.from({ length: AT_ONCE }, (_, i) => present(MS_PER_DOT[(first + i) % MS_PER_DOT.length]));
    runs.push(
      ...(await Promise.all(
        batch.map(async (msPerDot) => ({ msPerDot, run: await runCell(LESSON, 'seven-tasks', { ...overrides, msPerDot }) })),
      )),
    );
  }
  return runs;
}

/** The tasks an actor printed as received, in order, and those marked redelivered. */
function received(run: CellRun, actor: string): { all: string[]; redelivered: string[] } {
  const lines = linesOf(run, actor).flatMap((line) => {
    const match = /^ \[x\] Received '(.*)'( \(redelivered\))?$/.exec(line);
    return match === null ? [] : [{ task: present(match[1]), redelivered: match[2] !== undefined }];
  });
  return { all: lines.map((line) => line.task), redelivered: lines.filter((line) => line.redelivered).map((line) => line.task) };
}

/** What the browser's views would show at the end of the run: the trace through the page's own model, without the summary. */
function picture(run: CellRun): RunModel {
  const model = new RunModel();
  model.apply({ type: 'trace', runId: 'run', events: run.events });
  return model;
}

/**
 * Checks one run against the lesson's promise: worker 1 started `started` (the last one is where it stopped),
 * and `moved` are the tasks it had not finished, which go back and on to worker 2.
 */
function expectPromise(run: CellRun, msPerDot: number, started: string[], moved: string[]): void {
  const label = `msPerDot ${msPerDot}`;
  expectCleanEnd(run);
  expect(received(run, 'worker 1').all, label).toEqual(started);
  expect(
    linesOf(run, 'worker 1').filter((line) => line.startsWith(' [!] Stopped')),
    label,
  ).toEqual([` [!] Stopped halfway through '${started.at(-1)}': its connection is closed`]);
  expect(received(run, 'worker 2').redelivered.sort(), label).toEqual(moved);
  expect(countLines(run, /^ \[x\] Done$/), label).toBe(7);
  // Worker 1 was dealt tasks 1, 3, 5 and 7 and held them all when it stopped; worker 2 got its three and the moved ones.
  expect(run.summary, label).toMatchObject({
    published: 7,
    acked: 7,
    requeued: moved.length,
    delivered: { 'worker 1': 4, 'worker 2': 3 + moved.length },
  });

  // The list_queues views: every task dealt out after publishing; right after the stop, worker 1 gone and, with the
  // lesson's timing (worker 2 halfway through its first task), all seven still counted; nothing at the end.
  expect(queueIn(present(run.states[0]), QUEUE), label).toEqual({ ready: 0, unacked: 7, consumers: 2 });
  const afterStop = queueIn(present(run.states[1]), QUEUE);
  expect(afterStop?.consumers, label).toBe(1);
  if (msPerDot === LESSON_MS_PER_DOT && started.length === 1) expect((afterStop?.ready ?? 0) + (afterStop?.unacked ?? 0), label).toBe(7);
  expect(queueIn(present(run.states.at(-1)), QUEUE), label).toMatchObject({ ready: 0, unacked: 0 });

  const model = picture(run);
  expect(model.counters, label).toMatchObject({ acked: run.summary.acked, requeued: run.summary.requeued });
  const worker1 = model.topology().actors.find((actor) => actor.name === 'worker 1');
  expect(worker1?.gaveBack, label).toBe(moved.length);
  expect(model.topology().queues.find((queue) => queue.name === QUEUE)?.requeued, label).toBe(moved.length);
}

describeOnBrokers('lesson 2, seven tasks, run again and again', (runCell) => {
  it(
    `worker 1 stopped in its first task: tasks 1, 3, 5 and 7 move to worker 2, every time (${RUNS} runs)`,
    { timeout: 180_000 },
    async () => {
      const runs = await runMany(runCell, {});
      for (const { msPerDot, run } of runs) expectPromise(run, msPerDot, [TASK(1)], [1, 3, 5, 7].map(TASK));
    },
  );

  it(`worker 1 stopped in its second task: only tasks 3, 5 and 7 move, every time (${RUNS} runs)`, { timeout: 180_000 }, async () => {
    const runs = await runMany(runCell, { stopAfter: 2 });
    for (const { msPerDot, run } of runs) expectPromise(run, msPerDot, [TASK(1), TASK(3)], [3, 5, 7].map(TASK));
  });
});
