/**
 * A cell's broker settings on the RabbitMQ of this machine: made with
 * rabbitmqctl for the run, put back to exactly what they were when it ends
 * (finished or stopped), and never made by two runs at once. They change
 * the node for every client while a run lasts, so these cases run with the
 * restart tests, alone.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import { loadLessons } from '../../server/lessons/index.js';
import { BROKER_SETTINGS_ACTOR, createRunner, type Runner } from '../../server/runs/index.js';
import { rabbitAddress } from '../../server/runs/rabbitmq-space.js';
import { makeRabbitSettings } from '../../server/runs/rabbitmq-settings.js';
import { rabbitmqctl } from '../../server/runs/rabbitmqctl.js';
import { RABBIT_URL, rabbitProblem, waitFor, watchRun, type WatchedRun } from '../runs/legs.js';
import { present } from '../support/present.js';

const SETTINGS_LESSONS = fileURLToPath(new URL('../fixtures/settings-lessons', import.meta.url));
const run = promisify(execFile);

/** consumer_timeout as the node has it now: "{ok,1800000}", or "undefined". */
async function consumerTimeoutNow(): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'eval', 'application:get_env(rabbit, consumer_timeout).']);
  return stdout.trim();
}

/** When the run said its settings were made, by the wall clock. */
function settingsMadeAt(watched: WatchedRun, seen: Map<WatchedRun, number>): number {
  return present(seen.get(watched), 'the time the settings were made');
}

describe.skipIf(rabbitProblem !== null && process.env.CI !== 'true')('a cell with broker settings on RabbitMQ', () => {
  let target: BrokerTarget | undefined;
  let runner: Runner | undefined;
  let before = '';
  beforeAll(async () => {
    before = await consumerTimeoutNow();
    target = await openBrokerTarget({ amqpUrl: RABBIT_URL, brokerPort: 0 });
    runner = createRunner({ broker: target, lessons: await loadLessons(SETTINGS_LESSONS) });
  });
  afterAll(async () => {
    await runner?.close();
    await target?.close();
    expect(await consumerTimeoutNow()).toBe(before);
  });

  it('sets consumer_timeout for the run, says so in the trace, and puts back what was there once it ends', async () => {
    const watched = watchRun(present(runner), { lesson: '01-settings', cell: 'short-timeout', params: { consumerTimeoutMs: 4321 } });
    await waitFor(() => watched.logs().includes('consumer:  [*] Waiting for messages'), 30_000);
    expect(await consumerTimeoutNow()).toBe('{ok,4321}');
    await watched.handle.done;
    expect(watched.statuses.at(-1)).toBe('finished');
    expect(watched.logs()).toContain(`${BROKER_SETTINGS_ACTOR}: consumer_timeout set to 4.321 s for this run`);
    expect(await consumerTimeoutNow()).toBe(before);
  }, 60_000);

  it('puts it back when the run is stopped', async () => {
    const watched = watchRun(present(runner), { lesson: '01-settings', cell: 'short-timeout', params: { quietMs: 30_000 } });
    await waitFor(() => watched.logs().includes('consumer:  [*] Waiting for messages'), 30_000);
    expect(await consumerTimeoutNow()).toBe('{ok,5000}');
    await watched.handle.stop();
    expect(watched.statuses.at(-1)).toBe('stopped');
    expect(await consumerTimeoutNow()).toBe(before);
  }, 60_000);

  it('lets two such runs take turns: the second makes its settings once the first has put them back', async () => {
    const seen = new Map<WatchedRun, number>();
    const ended = new Map<WatchedRun, number>();
    const runs = [4000, 6000].map((consumerTimeoutMs) =>
      watchRun(present(runner), { lesson: '01-settings', cell: 'short-timeout', params: { consumerTimeoutMs, quietMs: 500 } }),
    );
    await Promise.all(
      runs.map(async (watched) => {
        await waitFor(() => watched.logs().some((line) => line.startsWith(BROKER_SETTINGS_ACTOR)), 60_000);
        seen.set(watched, Date.now());
        await watched.handle.done;
        ended.set(watched, Date.now());
      }),
    );
    const [first, second] = [...runs].sort((a, b) => settingsMadeAt(a, seen) - settingsMadeAt(b, seen));
    expect(settingsMadeAt(present(second), seen)).toBeGreaterThanOrEqual(present(ended.get(present(first))) - 50);
    for (const watched of runs) expect(watched.statuses.at(-1)).toBe('finished');
    expect(await consumerTimeoutNow()).toBe(before);
  }, 120_000);

  it('lets a run stopped while it waits for its turn go at once, having changed nothing', async () => {
    const first = watchRun(present(runner), { lesson: '01-settings', cell: 'short-timeout', params: { quietMs: 30_000 } });
    await waitFor(() => first.logs().includes('consumer:  [*] Waiting for messages'), 30_000);
    const second = watchRun(present(runner), { lesson: '01-settings', cell: 'short-timeout', params: { consumerTimeoutMs: 7000 } });
    await waitFor(() => second.statuses.includes('starting'));
    await second.handle.stop();
    expect(second.statuses.at(-1)).toBe('stopped');
    expect(second.logs()).toEqual([]);
    expect(await consumerTimeoutNow()).toBe('{ok,5000}');
    await first.handle.stop();
    expect(await consumerTimeoutNow()).toBe(before);
  }, 60_000);

  it('makes and puts back every kind of setting: the memory high watermark and the check interval too', async () => {
    const expression = '[application:get_env(rabbit, channel_tick_interval), vm_memory_monitor:get_vm_memory_high_watermark()].';
    const settingsBefore = await rabbitmqctl(['eval', expression]);
    // A watermark far above what the node uses: no publisher anywhere is blocked meanwhile.
    const restore = await makeRabbitSettings(rabbitAddress(RABBIT_URL), {
      consumerTimeoutCheckMs: 30_000,
      memoryLimitBytes: 1_000_000_000_000,
    });
    try {
      expect(await rabbitmqctl(['eval', expression])).toBe('[{ok,30000},{absolute,1000000000000}]');
    } finally {
      await restore();
    }
    expect(await rabbitmqctl(['eval', expression])).toBe(settingsBefore);
    // Put back once: a second call changes nothing.
    await restore();
    expect(await rabbitmqctl(['eval', expression])).toBe(settingsBefore);
  }, 60_000);
});
