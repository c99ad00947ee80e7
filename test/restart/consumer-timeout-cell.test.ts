/**
 * Lesson 8's consumer timeout cell on the RabbitMQ of this machine, in
 * JavaScript and in Python: the run sets the node's consumer_timeout (and
 * how often channels check it) with rabbitmqctl, RabbitMQ closes worker 1's
 * channel with its own 406, worker 2 gets the task redelivered, and the
 * settings are back to what they were afterwards. The setting is the
 * node's while the run lasts, so this runs with the restart tests, alone.
 * (The embedded broker's leg runs with the lesson's tests.)
 */
import { expect, it } from 'vitest';
import { rabbitmqctl } from '../../server/runs/rabbitmqctl.js';
import { CELL, LESSON, expectConsumerTimeoutPoint } from '../lessons/consumer-timeout-point.js';
import { describeOnBrokers, lessons } from '../lessons/harness.js';

/** consumer_timeout and channel_tick_interval as the node has them now. */
const settingsNow = (): Promise<string> =>
  rabbitmqctl(['eval', '[application:get_env(rabbit, consumer_timeout), application:get_env(rabbit, channel_tick_interval)].']);

describeOnBrokers(
  'lesson 8: a consumer that never acknowledges',
  (runCell, _broker, language) => {
    for (const mistake of ['forgotten-ack', 'long-job'] as const) {
      it(`${mistake}: RabbitMQ closes worker 1's channel with 406, worker 2 gets the task redelivered, and the settings are put back`, async () => {
        const before = await settingsNow();
        const params = { mistake, consumerTimeoutSeconds: 2, longJobSeconds: 5 };
        expectConsumerTimeoutPoint(await runCell(LESSON, CELL, params), params, language);
        expect(await settingsNow()).toBe(before);
      }, 90_000);
    }
  },
  lessons,
  ['javascript', 'python'],
  ['rabbitmq'],
);
