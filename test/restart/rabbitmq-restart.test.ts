// The restart cases on RabbitMQ, restarted with rabbitmqctl stop_app and
// start_app, in a vhost of their own that is deleted afterwards. RabbitMQ
// is always started again, whatever happens to a case. Without rabbitmqctl
// (or RabbitMQ) the file is skipped with a notice, except under CI=true.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe } from 'vitest';
import { restartCases, type RestartLeg } from '../conformance/restart-cases.js';

const run = promisify(execFile);
const underCi = process.env.CI === 'true';

async function rabbitmqctl(...args: string[]): Promise<void> {
  await run('rabbitmqctl', ['-q', ...args], { timeout: 120_000 });
}

/** Why rabbitmqctl cannot restart the local RabbitMQ, or null when it can. */
async function rabbitmqctlProblem(): Promise<string | null> {
  try {
    await rabbitmqctl('eval', 'ok.');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const problem = await rabbitmqctlProblem();
if (problem !== null && underCi) throw new Error(`the RabbitMQ restart cases need rabbitmqctl under CI=true: ${problem}`);
if (problem !== null) console.warn(`[restart] RabbitMQ restart cases skipped: rabbitmqctl does not answer (${problem})`);

/** stop_app then start_app; start_app runs even when stop_app failed half-way. */
async function restartRabbit(): Promise<void> {
  try {
    await rabbitmqctl('stop_app');
  } finally {
    await rabbitmqctl('start_app');
    await rabbitmqctl('await_startup');
  }
}

describe.skipIf(problem !== null)('restart [rabbitmq]', () => {
  const vhost = `warren-restart-${randomBytes(3).toString('hex')}`;
  beforeAll(async () => {
    await rabbitmqctl('add_vhost', vhost);
    await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  });
  afterAll(async () => {
    // Whatever happened, RabbitMQ runs again (start_app on a running node does nothing) and the vhost goes.
    await rabbitmqctl('start_app');
    await rabbitmqctl('await_startup');
    await rabbitmqctl('delete_vhost', vhost);
  });
  restartCases((): RestartLeg => ({
    kind: 'rabbitmq',
    url: `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`,
    restart: restartRabbit,
  }));
});
