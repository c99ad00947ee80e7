/**
 * Commands typed into a running `npm run broker`, named after rabbitmqctl's,
 * for what can change while it runs:
 *
 *   set_vm_memory_high_watermark 0.4 | absolute 64MiB   changes the memory limit at once
 *   status                                              memory held, the limit, the alarms
 *
 * Each answers with text to print; a bad command or limit is answered with
 * what was wrong and what is allowed, and changes nothing.
 */
import type { EmbeddedBroker, MemoryUse } from './index.js';
import { MemoryLimitError, WATERMARK_FORMS, formatBytes, parseWatermarkArguments } from './memory-limit.js';

/** What the commands need of the broker. */
export type ConsoleBroker = Pick<EmbeddedBroker, 'memory' | 'setMemoryLimit'>;

/** The commands and their arguments, for help and error messages. */
export const CONSOLE_COMMANDS = `set_vm_memory_high_watermark ${WATERMARK_FORMS}; status`;

/** Runs one typed line and returns the answer to print (empty for an empty line). */
export function runConsoleCommand(broker: ConsoleBroker, line: string): string {
  const [command, ...args] = line
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  if (command === undefined) return '';
  if (command === 'status') return describeStatus(broker.memory());
  if (command === 'set_vm_memory_high_watermark') {
    try {
      const bytes = parseWatermarkArguments(args);
      const use = broker.setMemoryLimit(bytes);
      return `Memory limit set to ${formatBytes(bytes)} (${bytes} bytes).\n${describeStatus(use)}`;
    } catch (error) {
      if (error instanceof MemoryLimitError) return `Error: ${error.message}`;
      throw error;
    }
  }
  return `Error: unknown command '${command}'; commands are: ${CONSOLE_COMMANDS}`;
}

/** Memory and alarms, as rabbitmqctl status lists them. */
function describeStatus(use: MemoryUse): string {
  const alarms = use.alarmed ? 'memory (publishing connections are blocked until it clears)' : '(none)';
  return `Memory: ${formatBytes(use.used)} held, limit ${formatBytes(use.limit)} (${use.limit} bytes)\nAlarms: ${alarms}`;
}
