/**
 * Lesson 8's memory-alarm cell on the RabbitMQ of this machine, in both
 * languages: the run sets the memory high watermark a few MiB above what
 * the node uses (and its memory check interval to 100 ms), the publisher is
 * blocked with "low on memory", the consumer drains the queue, RabbitMQ
 * unblocks the publisher once the Erlang VM has given the memory back, and
 * the node's own watermark and interval are put back afterwards. The run
 * blocks every publisher on the node meanwhile, so it runs with the restart
 * tests, alone. (The embedded broker's legs run with the other lesson tests.)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBrokers } from '../lessons/harness.js';
import { expectMemoryAlarmRun } from '../lessons/memory-alarm-run.js';

const run = promisify(execFile);

/** The node's memory high watermark and memory check interval now, as rabbitmqctl eval prints them. */
async function memorySettingsNow(): Promise<string> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    'eval',
    '{vm_memory_monitor:get_vm_memory_high_watermark(), vm_memory_monitor:get_check_interval()}.',
  ]);
  return stdout.trim();
}

describeOnBrokers(
  'lesson 8: the memory alarm on RabbitMQ',
  (runCell, broker) => {
    let before: string | undefined;
    beforeAll(async () => {
      if (broker() === 'rabbitmq') before = await memorySettingsNow();
    });
    afterAll(async () => {
      if (before !== undefined) expect(await memorySettingsNow()).toBe(before);
    });

    it('memory-alarm: blocked with "low on memory" until the consumer has drained the queue and RabbitMQ has given the memory back', async () => {
      const result = await runCell('08-when-things-go-wrong', 'memory-alarm');
      expectMemoryAlarmRun(result, { messages: 60, messageKiB: 256, memoryLimitMiB: 8 });
      expect(await memorySettingsNow()).toBe(before);
    });
  },
  undefined,
  ['javascript', 'python'],
  ['rabbitmq'],
);
