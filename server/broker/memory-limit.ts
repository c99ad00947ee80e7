/**
 * The memory limit as people write it: `512MB`, `1.5GiB`, `536870912`
 * (bytes) or `0.4` (a fraction of this machine's memory, like RabbitMQ's
 * relative vm_memory_high_watermark). Units follow RabbitMQ's: KB, MB and GB
 * are powers of 1000, KiB, MiB and GiB powers of 1024.
 */
import { totalmem } from 'node:os';

/** The limit when none is given: room for about two million small messages, and still a small part of a laptop's memory. */
export const DEFAULT_MEMORY_LIMIT = 512 * 1024 * 1024;

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** What a memory limit may look like, for error messages. */
export const MEMORY_LIMIT_FORMS =
  'a size such as 512MB, 1.5GiB or 536870912 (bytes; KB, MB, GB are powers of 1000, KiB, MiB, GiB powers of 1024), ' +
  "or a fraction of this machine's memory from 0 to 1 such as 0.4";

/** Thrown for a memory limit that cannot be read; the message says what is allowed. */
export class MemoryLimitError extends Error {}

/** The limit in bytes; throws MemoryLimitError naming the allowed forms. */
export function parseMemoryLimit(text: string, machineMemory: number = totalmem()): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const problem = `'${text}' is not a memory limit: use ${MEMORY_LIMIT_FORMS}`;
  if (match === null) throw new MemoryLimitError(problem);
  const [, digits = '', unitText = ''] = match;
  const value = Number(digits);
  if (unitText === '') {
    if (!digits.includes('.')) return checked(value, problem);
    if (value > 1) throw new MemoryLimitError(`'${text}' is more than all of this machine's memory: a fraction must be from 0 to 1`);
    return Math.floor(value * machineMemory);
  }
  const unit = UNITS[unitText.toLowerCase()];
  if (unit === undefined) throw new MemoryLimitError(problem);
  return checked(Math.floor(value * unit), problem);
}

function checked(bytes: number, problem: string): number {
  if (!Number.isSafeInteger(bytes)) throw new MemoryLimitError(problem);
  return bytes;
}

/** A byte count for people: 512 MiB, 1.5 GiB, 300 KiB, 12 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 1 : 0);
  return `${shown} ${units[unit]}`;
}

/** How rabbitmqctl set_vm_memory_high_watermark is given a limit, for error messages. */
export const WATERMARK_FORMS =
  "<fraction> (of this machine's memory, from 0 to 1, such as 0.4) or absolute <size> (such as absolute 64MiB)";

/**
 * The limit in bytes from the arguments of rabbitmqctl
 * set_vm_memory_high_watermark: `0.4` (a fraction of this machine's memory)
 * or `absolute 64MiB`. Throws MemoryLimitError naming what was wrong and
 * the forms allowed.
 */
export function parseWatermarkArguments(args: readonly string[], machineMemory: number = totalmem()): number {
  const [first, second, ...rest] = args;
  if (first === undefined) throw new MemoryLimitError(`set_vm_memory_high_watermark needs a limit: ${WATERMARK_FORMS}`);
  if (first === 'absolute') {
    if (second === undefined) throw new MemoryLimitError(`absolute needs a size after it, such as absolute 64MiB or absolute 67108864`);
    if (rest.length > 0) throw new MemoryLimitError(`too many arguments after absolute ${second}: give one size, such as absolute 64MiB`);
    if (!/^\d+\s*[a-z]*$/i.test(second))
      throw new MemoryLimitError(
        `'${second}' is not an absolute size: use a whole number of bytes with a unit or none, such as 64MiB or 67108864`,
      );
    return parseMemoryLimit(second, machineMemory);
  }
  if (second !== undefined) throw new MemoryLimitError(`too many arguments: give ${WATERMARK_FORMS}`);
  const fraction = Number(first);
  if (!/^\d+(\.\d+)?$/.test(first) || fraction > 1)
    throw new MemoryLimitError(`'${first}' is not a fraction from 0 to 1: give ${WATERMARK_FORMS}`);
  return Math.floor(fraction * machineMemory);
}
