// The consumer_timeout cases on the local RabbitMQ, with a one-second
// timeout checked every 200 ms (consumer_timeout and channel_tick_interval,
// set with rabbitmqctl as a cell's broker settings are, and put back to
// what they were after the cases, whatever happens). The node's setting
// applies to every channel opened meanwhile, so these cases run with the
// restart tests, alone. Without rabbitmqctl (or RabbitMQ) the file is
// skipped with a notice, except under CI=true.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { rabbitAddress } from '../../server/runs/rabbitmq-space.js';
import { makeRabbitSettings } from '../../server/runs/rabbitmq-settings.js';
import { rabbitmqctl } from '../../server/runs/rabbitmqctl.js';
import { consumerTimeoutCases } from '../conformance/consumer-timeout-cases.js';

const rabbitUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const underCi = process.env.CI === 'true';
const TIMEOUT_MS = 1000;
const CHECK_MS = 200;

const problem = await rabbitmqctl(['eval', 'ok.'], 10_000).then(
  () => null,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);
if (problem !== null && underCi) throw new Error(`the RabbitMQ consumer timeout cases need rabbitmqctl under CI=true: ${problem}`);
if (problem !== null) console.warn(`[restart] RabbitMQ consumer timeout cases skipped: rabbitmqctl does not answer (${problem})`);

/** consumer_timeout and channel_tick_interval as the node has them now. */
const settingsNow = (): Promise<string> =>
  rabbitmqctl(['eval', '[application:get_env(rabbit, consumer_timeout), application:get_env(rabbit, channel_tick_interval)].']);

describe.skipIf(problem !== null)('consumer timeout [rabbitmq]', () => {
  let before = '';
  let restore: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    before = await settingsNow();
    restore = await makeRabbitSettings(rabbitAddress(rabbitUrl), { consumerTimeoutMs: TIMEOUT_MS, consumerTimeoutCheckMs: CHECK_MS });
  });
  afterAll(async () => {
    await restore?.();
    expect(await settingsNow()).toBe(before);
  });
  consumerTimeoutCases(() => ({ kind: 'rabbitmq', url: rabbitUrl, timeoutMs: TIMEOUT_MS, checkMs: CHECK_MS }));
});
