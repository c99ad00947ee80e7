/**
 * rabbitmqctl, the tool RabbitMQ comes with, run against the node on this
 * machine: to restart it, or to change its settings for a run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { isLoopbackAddress } from '../broker/auth.js';

const run = promisify(execFile);

/** How long one rabbitmqctl command may take unless the caller says otherwise. */
const RABBITMQCTL_TIMEOUT_MS = 120_000;

/** rabbitmqctl could not do what it was asked; `missing` when the command is not on this machine at all. */
export class RabbitmqctlError extends Error {
  constructor(
    message: string,
    readonly missing: boolean,
  ) {
    super(message);
    this.name = 'RabbitmqctlError';
  }
}

/** Whether a broker at `host` runs on this machine, where rabbitmqctl reaches it. */
export function isThisMachine(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host) || host === '[::1]';
}

/** Runs `rabbitmqctl -q <args>` and resolves with what it printed, trimmed; rejects with RabbitmqctlError. */
export async function rabbitmqctl(args: string[], timeoutMs = RABBITMQCTL_TIMEOUT_MS): Promise<string> {
  try {
    const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: timeoutMs });
    return stdout.trim();
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT')
      throw new RabbitmqctlError('rabbitmqctl is not on this machine (or not on the PATH of the workbook)', true);
    const said = (failure.stderr ?? '').split('\n').find((line) => line.trim() !== '') ?? failure.message;
    throw new RabbitmqctlError(`rabbitmqctl ${args.join(' ')} failed: ${said.trim()}`, false);
  }
}
