// The memory limit as a person writes it on the command line or in BROKER_MEMORY_LIMIT.
import { describe, expect, test } from 'vitest';
import { MemoryLimitError, formatBytes, parseMemoryLimit, parseWatermarkArguments } from '../../server/broker/memory-limit.js';

const machineMemory = 16 * 1024 ** 3;

describe('parseMemoryLimit', () => {
  test.each([
    ['536870912', 536870912],
    ['0', 0],
    ['512MB', 512_000_000],
    ['512 MiB', 512 * 1024 ** 2],
    ['512mib', 512 * 1024 ** 2],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['2GB', 2_000_000_000],
    ['300KiB', 300 * 1024],
    ['64kb', 64_000],
    ['100B', 100],
    ['0.4', Math.floor(0.4 * machineMemory)],
    ['1.0', machineMemory],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseMemoryLimit(text, machineMemory)).toBe(bytes);
  });

  test.each(['', 'lots', '-1', '512 MBytes', '12TB', '1e9', 'MB', '0x100'])('%j is refused with the forms allowed', (text) => {
    expect(() => parseMemoryLimit(text, machineMemory)).toThrow(MemoryLimitError);
    expect(() => parseMemoryLimit(text, machineMemory)).toThrow(
      `'${text}' is not a memory limit: use a size such as 512MB, 1.5GiB or 536870912 (bytes; KB, MB, GB are powers of 1000, KiB, MiB, GiB powers of 1024), or a fraction of this machine's memory from 0 to 1 such as 0.4`,
    );
  });

  test('a fraction above 1 is refused as more than the machine has', () => {
    expect(() => parseMemoryLimit('1.5', machineMemory)).toThrow(
      "'1.5' is more than all of this machine's memory: a fraction must be from 0 to 1",
    );
  });
});

describe('parseWatermarkArguments (rabbitmqctl set_vm_memory_high_watermark)', () => {
  test.each([
    [['0.4'], Math.floor(0.4 * machineMemory)],
    [['0'], 0],
    [['1'], machineMemory],
    [['absolute', '64MiB'], 64 * 1024 ** 2],
    [['absolute', '67108864'], 67108864],
    [['absolute', '100MB'], 100_000_000],
  ])('%j is %d bytes', (args, bytes) => {
    expect(parseWatermarkArguments(args, machineMemory)).toBe(bytes);
  });

  test.each([
    [[], 'set_vm_memory_high_watermark needs a limit: <fraction>'],
    [
      ['1.5'],
      "'1.5' is not a fraction from 0 to 1: give <fraction> (of this machine's memory, from 0 to 1, such as 0.4) or absolute <size>",
    ],
    [['lots'], "'lots' is not a fraction from 0 to 1"],
    [['-0.1'], "'-0.1' is not a fraction from 0 to 1"],
    [['0.4', '0.5'], 'too many arguments: give <fraction>'],
    [['absolute'], 'absolute needs a size after it, such as absolute 64MiB'],
    [['absolute', '1.5GB'], "'1.5GB' is not an absolute size: use a whole number of bytes with a unit or none"],
    [['absolute', '64', 'MiB'], 'too many arguments after absolute 64'],
    [['absolute', '64parsecs'], "'64parsecs' is not a memory limit: use a size such as 512MB"],
  ])('%j is refused: %s', (args, message) => {
    expect(() => parseWatermarkArguments(args, machineMemory)).toThrow(MemoryLimitError);
    expect(() => parseWatermarkArguments(args, machineMemory)).toThrow(message);
  });
});

describe('formatBytes', () => {
  test.each([
    [12, '12 B'],
    [300 * 1024, '300 KiB'],
    [512 * 1024 ** 2, '512 MiB'],
    [1.5 * 1024 ** 3, '1.5 GiB'],
    [512_000_000, '488 MiB'],
  ])('%d is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
