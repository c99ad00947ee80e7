// consumer_timeout on the embedded broker: the cases RabbitMQ also passes
// (test/restart/ runs them there, where the setting is the node's), with a
// broker started with a one-second timeout checked every 200 ms; then its
// defaults, RabbitMQ's: 30 minutes, checked once a minute.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_CONSUMER_TIMEOUT } from '../../server/broker/broker.js';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';
import { consumerTimeoutCases } from '../conformance/consumer-timeout-cases.js';

describe('consumer timeout [embedded]', () => {
  let broker: EmbeddedBroker | undefined;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, consumerTimeoutMs: 1000, consumerTimeoutCheckMs: 200 });
  });
  afterAll(async () => {
    await broker?.close();
  });
  consumerTimeoutCases(() => {
    if (broker === undefined) throw new Error('the broker did not start');
    return { kind: 'embedded', url: broker.url, timeoutMs: 1000, checkMs: 200 };
  });
});

test("the embedded broker's consumer timeout is RabbitMQ's by default: 30 minutes, checked once a minute", () => {
  expect(DEFAULT_CONSUMER_TIMEOUT).toEqual({ timeoutMs: 1_800_000, checkEveryMs: 60_000 });
});
