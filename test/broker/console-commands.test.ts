// Commands typed into a running standalone broker: the memory limit changed
// at once, as rabbitmqctl set_vm_memory_high_watermark does, status, and a
// bad command or limit answered with what is allowed, changing nothing.
import amqp from 'amqplib';
import { afterEach, describe, expect, test } from 'vitest';
import { runConsoleCommand } from '../../server/broker/console-commands.js';
import { MemoryLimitError, startBroker, type EmbeddedBroker } from '../../server/broker/index.js';

const MiB = 1024 * 1024;
const brokers: EmbeddedBroker[] = [];

afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker.close();
});

async function broker(): Promise<EmbeddedBroker> {
  const started = await startBroker({ port: 0, memoryLimit: 512 * MiB });
  brokers.push(started);
  return started;
}

describe('the memory limit of a running broker', () => {
  test('set_vm_memory_high_watermark absolute sets the limit at once; below what it holds, the alarm goes on', async () => {
    const running = await broker();
    expect(runConsoleCommand(running, 'set_vm_memory_high_watermark absolute 64MiB')).toMatch(
      /^Memory limit set to 64 MiB \(67108864 bytes\)\.\nMemory: .* held, limit 64 MiB \(67108864 bytes\)\nAlarms: \(none\)$/,
    );
    expect(running.memory()).toMatchObject({ limit: 64 * MiB, alarmed: false });

    // A client connected: the broker holds its buffers, a few bytes above a limit of 0.
    const client = await amqp.connect(running.url);

    expect(runConsoleCommand(running, 'set_vm_memory_high_watermark absolute 0')).toMatch(
      /^Memory limit set to 0 B \(0 bytes\)\.\nMemory: .* held, limit 0 B \(0 bytes\)\nAlarms: memory \(publishing connections are blocked until it clears\)$/,
    );
    expect(running.memory().alarmed).toBe(true);
    expect(runConsoleCommand(running, 'status')).toContain('Alarms: memory');

    runConsoleCommand(running, 'set_vm_memory_high_watermark 0.4');
    expect(running.memory().alarmed).toBe(false);
    expect(runConsoleCommand(running, 'status')).toMatch(/\nAlarms: \(none\)$/);
    await client.close();
  });

  test('a bad limit or command is answered with what is allowed and changes nothing', async () => {
    const running = await broker();
    expect(runConsoleCommand(running, 'set_vm_memory_high_watermark 2')).toBe(
      "Error: '2' is not a fraction from 0 to 1: give <fraction> (of this machine's memory, from 0 to 1, such as 0.4) or absolute <size> (such as absolute 64MiB)",
    );
    expect(runConsoleCommand(running, 'set_vm_memory_high_watermark absolute lots')).toMatch(/^Error: 'lots' is not an absolute size/);
    expect(runConsoleCommand(running, 'set_memory 1')).toBe(
      "Error: unknown command 'set_memory'; commands are: set_vm_memory_high_watermark <fraction> (of this machine's memory, from 0 to 1, such as 0.4) or absolute <size> (such as absolute 64MiB); status",
    );
    expect(runConsoleCommand(running, '   ')).toBe('');
    expect(running.memory().limit).toBe(512 * MiB);
  });

  test('setMemoryLimit takes bytes or text, and refuses a bad limit naming what is allowed', async () => {
    const running = await broker();
    expect(running.setMemoryLimit('64MiB').limit).toBe(64 * MiB);
    expect(running.setMemoryLimit(1000).limit).toBe(1000);
    expect(() => running.setMemoryLimit(-1)).toThrow(
      new MemoryLimitError('a memory limit in bytes is a whole number, 0 or more, such as 67108864; got -1'),
    );
    expect(() => running.setMemoryLimit(1.5)).toThrow(MemoryLimitError);
    expect(() => running.setMemoryLimit('plenty')).toThrow("'plenty' is not a memory limit: use a size such as 512MB");
    expect(running.memory().limit).toBe(1000);
  });
});
