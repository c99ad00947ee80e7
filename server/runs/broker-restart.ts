/**
 * Restarting the broker a run uses, as "Restart the broker" asks: the
 * embedded broker restarts in place; a RabbitMQ on this machine is stopped
 * and started with `rabbitmqctl stop_app` and `start_app`, where that
 * command is here and allowed. Anything else is refused with the reason.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BrokerTarget } from '../broker-connection.js';
import { isLoopbackAddress } from '../broker/auth.js';
import { rabbitAddress } from './rabbitmq-space.js';

const run = promisify(execFile);

/** How long each rabbitmqctl step may take. */
const RABBITMQCTL_TIMEOUT_MS = 120_000;

/** Why the broker cannot be restarted from here. */
export class RestartRefusedError extends Error {}

/** Restarts the broker; rejects with RestartRefusedError (a reason a person can act on) when it cannot. */
export type RestartBroker = () => Promise<void>;

/** How to restart the broker `target` names. */
export function brokerRestarterFor(target: BrokerTarget): RestartBroker {
  const embedded = target.embedded;
  if (embedded !== undefined) return () => embedded.restart();
  const { host, port } = rabbitAddress(target.url);
  return async () => {
    if (!isThisMachine(host)) {
      throw new RestartRefusedError(
        `RabbitMQ at ${host}:${port} runs on another machine: restart it there (rabbitmqctl stop_app, then rabbitmqctl start_app).`,
      );
    }
    await rabbitmqctl(['stop_app']);
    try {
      await rabbitmqctl(['start_app']);
    } finally {
      // Started or not, the app is waited for: a failed start_app says why below.
      await rabbitmqctl(['await_startup']).catch(() => {});
    }
  };
}

function isThisMachine(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host) || host === '[::1]';
}

async function rabbitmqctl(args: string[]): Promise<void> {
  try {
    await run('rabbitmqctl', ['-q', ...args], { timeout: RABBITMQCTL_TIMEOUT_MS });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new RestartRefusedError(
        'rabbitmqctl is not on this machine (or not on the PATH of the workbook): restart RabbitMQ with the tools it came with.',
      );
    }
    const said = (failure.stderr ?? '').split('\n').find((line) => line.trim() !== '') ?? failure.message;
    throw new RestartRefusedError(`rabbitmqctl ${args.join(' ')} failed: ${said.trim()}`);
  }
}
