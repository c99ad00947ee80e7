/**
 * Restarting the broker a run uses, as "Restart the broker" asks: the
 * embedded broker restarts in place; a RabbitMQ on this machine is stopped
 * and started with `rabbitmqctl stop_app` and `start_app`, where that
 * command is here and allowed. Anything else is refused with the reason.
 */
import type { BrokerTarget } from '../broker-connection.js';
import { rabbitAddress } from './rabbitmq-space.js';
import { isThisMachine, rabbitmqctl, RabbitmqctlError } from './rabbitmqctl.js';

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
    await restartStep(['stop_app']);
    try {
      await restartStep(['start_app']);
    } finally {
      // Started or not, the app is waited for: a failed start_app says why below.
      await restartStep(['await_startup']).catch(() => {});
    }
  };
}

/** Runs rabbitmqctl, its failures told as reasons the broker cannot be restarted. */
async function restartStep(args: string[]): Promise<void> {
  try {
    await rabbitmqctl(args);
  } catch (error) {
    if (!(error instanceof RabbitmqctlError)) throw error;
    throw new RestartRefusedError(error.missing ? `${error.message}: restart RabbitMQ with the tools it came with.` : error.message);
  }
}
