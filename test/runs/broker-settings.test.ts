/**
 * A cell's broker settings (a short consumer_timeout, say) on the embedded
 * broker: the run gets a broker of its own, started with them and closed
 * after it, so the workbook's broker and the runs beside it never see them;
 * the trace says what was set. A RabbitMQ the workbook cannot change refuses
 * the run, saying why. (RabbitMQ's own leg changes the node's settings: it
 * is in test/restart/.)
 */
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import { loadLessons, type LessonCatalog } from '../../server/lessons/index.js';
import { createRunBroker } from '../../server/runs/run-broker.js';
import { BrokerSettingsRefusedError, BROKER_SETTINGS_ACTOR, createRunner, type Runner } from '../../server/runs/index.js';
import { brokerSettingsProblems, describeBrokerSettings } from '../../server/scenario/broker-settings.js';
import { present } from '../support/present.js';
import { waitFor, watchRun } from './legs.js';

const SETTINGS_LESSONS = fileURLToPath(new URL('../fixtures/settings-lessons', import.meta.url));
const savedPath = process.env.PATH;

describe('broker settings in words', () => {
  it('say what each setting was set to, in RabbitMQ’s names', () => {
    expect(describeBrokerSettings({ consumerTimeoutMs: 5000, consumerTimeoutCheckMs: 1000, memoryLimitBytes: 64 * 1024 * 1024 })).toEqual([
      'consumer_timeout set to 5 s for this run',
      'channel_tick_interval set to 1 s for this run',
      'vm_memory_high_watermark set to 64 MiB (absolute) for this run',
    ]);
    expect(describeBrokerSettings({ consumerTimeoutMs: 1_800_000 })).toEqual(['consumer_timeout set to 30 min for this run']);
    expect(describeBrokerSettings({ memoryLimitAboveUseBytes: 8 * 1024 * 1024, memoryCheckIntervalMs: 100 })).toEqual([
      'vm_memory_high_watermark set to 8 MiB above what the broker used as the run started for this run',
      'memory_monitor_interval set to 100 ms for this run',
    ]);
    expect(describeBrokerSettings({})).toEqual([]);
  });

  it('refuse values RabbitMQ does not take and names that are no setting, saying what is allowed', () => {
    expect(brokerSettingsProblems({ consumerTimeoutMs: 0 })).toEqual([
      'consumerTimeoutMs (consumer_timeout) is 0; it must be a whole number of milliseconds, 1 or more (RabbitMQ accepts no zero or negative timeout)',
    ]);
    expect(brokerSettingsProblems({ consumerTimeoutCheckMs: 1.5 })).toEqual([
      'consumerTimeoutCheckMs (channel_tick_interval) is 1.5; it must be a whole number of milliseconds from 100 to 4,294,967,295',
    ]);
    expect(brokerSettingsProblems({ heartbeat: 5 } as never)).toEqual([
      "'heartbeat' is not a broker setting; the settings are consumerTimeoutMs, consumerTimeoutCheckMs, memoryLimitBytes, memoryLimitAboveUseBytes, memoryCheckIntervalMs",
    ]);
    expect(brokerSettingsProblems({ consumerTimeoutMs: 5000, memoryLimitBytes: 0 })).toEqual([]);
    expect(brokerSettingsProblems({ memoryLimitBytes: 1000, memoryLimitAboveUseBytes: 1000 })).toEqual([
      'memoryLimitBytes and memoryLimitAboveUseBytes both set vm_memory_high_watermark: give one of them',
    ]);
    expect(brokerSettingsProblems({ memoryCheckIntervalMs: 10 })).toEqual([
      'memoryCheckIntervalMs (memory_monitor_interval) is 10; it must be a whole number of milliseconds from 100 to 4,294,967,295',
    ]);
  });
});

describe('a cell with broker settings on the embedded broker', () => {
  let target: BrokerTarget | undefined;
  let lessons: LessonCatalog | undefined;
  let runner: Runner | undefined;
  beforeAll(async () => {
    target = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
    lessons = await loadLessons(SETTINGS_LESSONS);
    runner = createRunner({ broker: target, lessons });
  });
  afterAll(async () => {
    await runner?.close();
    await target?.close();
  });

  it('is marked in the catalog with the settings its defaults give', () => {
    expect(lessons?.problems).toEqual([]);
    expect(present(lessons?.cell('01-settings', 'short-timeout')).cell.brokerSettings).toEqual({ consumerTimeoutMs: 5000 });
  });

  it('runs on a broker of its own, which the trace names the settings of; the workbook’s broker never sees the run', async () => {
    const workbookBroker = present(target?.embedded);
    const run = watchRun(present(runner), { lesson: '01-settings', cell: 'short-timeout', params: {} });
    await waitFor(() => run.logs().includes('consumer:  [*] Waiting for messages'), 15_000);
    expect(workbookBroker.listVhosts().filter((vhost) => vhost.includes(run.handle.id))).toEqual([]);
    await run.handle.done;
    expect(run.statuses.at(-1)).toBe('finished');
    expect(run.events.find((event) => event.kind === 'log')).toMatchObject({
      actor: BROKER_SETTINGS_ACTOR,
      text: 'consumer_timeout set to 5 s for this run',
    });
    expect(run.frames('basic.consume-ok').map((frame) => frame.actor)).toEqual(['consumer']);
  }, 30_000);

  it('fails at once, saying why, when its parameters ask for a setting the broker cannot have', async () => {
    const run = watchRun(present(runner), { lesson: '01-settings', cell: 'short-timeout', params: { consumerTimeoutMs: 0 } });
    await run.handle.done;
    expect(run.statuses.at(-1)).toBe('failed');
    expect(run.failure?.explanation).toBe(
      'This cell asks the broker for settings it cannot have: consumerTimeoutMs (consumer_timeout) is 0; it must be a whole number of milliseconds, 1 or more (RabbitMQ accepts no zero or negative timeout).',
    );
  });

  it('gets a broker of its own on another loopback port, closed when released; without settings, the workbook’s', async () => {
    const workbook = createRunBroker(present(target), { log: () => {} });
    const plain = await workbook.withSettings({});
    expect(plain.broker).toBe(workbook);
    expect(plain.said).toEqual([]);

    const own = await workbook.withSettings({ consumerTimeoutMs: 5000, memoryLimitBytes: 1_000_000 });
    expect(own.broker.address.host).toBe('127.0.0.1');
    expect(own.broker.address.port).not.toBe(workbook.address.port);
    expect(own.broker.programsUrl).toBe(workbook.programsUrl);
    const url = `amqp://guest:guest@127.0.0.1:${String(own.broker.address.port)}`;
    const connection = await amqp.connect(url);
    await connection.close();
    await own.release();
    await expect(amqp.connect(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('a cell with broker settings on a RabbitMQ the workbook cannot change', () => {
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('on another machine is refused, saying what the cell needs and where it can run', async () => {
    const broker = createRunBroker(
      { kind: 'rabbitmq', url: 'amqp://guest:guest@rabbit.example:5672', embedded: undefined, close: async () => {} },
      { log: () => {} },
    );
    const refusal = broker.withSettings({ consumerTimeoutMs: 5000 });
    await expect(refusal).rejects.toBeInstanceOf(BrokerSettingsRefusedError);
    await expect(refusal).rejects.toThrow(
      'This cell needs consumer_timeout set to 5 s for this run, and RabbitMQ at rabbit.example:5672 runs on another machine, where the workbook cannot change its settings. Run the cell on the embedded broker (unset AMQP_URL), or on a RabbitMQ on this machine.',
    );
  });

  it('on this machine without rabbitmqctl is refused, naming the missing command; the next run is not kept waiting', async () => {
    process.env.PATH = '/nonexistent';
    const broker = createRunBroker(
      { kind: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:5672', embedded: undefined, close: async () => {} },
      { log: () => {} },
    );
    await expect(broker.withSettings({ consumerTimeoutMs: 5000 })).rejects.toThrow(
      /^rabbitmqctl is not on this machine \(or not on the PATH of the workbook\), and this cell needs it/,
    );
    await expect(broker.withSettings({ consumerTimeoutMs: 5000 })).rejects.toBeInstanceOf(BrokerSettingsRefusedError);
  });
});
