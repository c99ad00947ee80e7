/**
 * The brokers a lab test runs in front of: the embedded broker (started by
 * the leg; the lab shows '/'), and the local RabbitMQ, whose '/' holds other
 * programs' queues, so the lab there shows a vhost the leg makes and deletes.
 * An unreachable RabbitMQ leaves its leg out with a notice, except under
 * CI=true, where the leg runs and fails.
 */
import { randomBytes } from 'node:crypto';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import { managementApiFor } from '../../server/runs/management-api.js';
import { rabbitUnavailable } from '../code/code-brokers.js';

const RABBIT_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** One broker a lab runs in front of. */
export interface LabLeg {
  name: 'embedded' | 'rabbitmq';
  /** The workbook's broker and the vhost the lab shows; close() stops the broker or deletes the vhost. */
  open(): Promise<{ target: BrokerTarget; vhost: string; close(): Promise<void> }>;
}

/** The legs that can run here; `what` names the tests in the notice of a left-out leg. */
export async function labLegs(what: string): Promise<LabLeg[]> {
  const missingRabbit = await rabbitUnavailable();
  const underCi = process.env.CI === 'true';
  if (missingRabbit !== null && !underCi) console.warn(`SKIPPED the RabbitMQ leg of ${what}: ${missingRabbit}`);
  const embedded: LabLeg = {
    name: 'embedded',
    async open() {
      const target = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
      return { target, vhost: '/', close: () => target.close() };
    },
  };
  const rabbitmq: LabLeg = {
    name: 'rabbitmq',
    async open() {
      const api = managementApiFor(RABBIT_URL);
      const vhost = `warren-test-lab-${randomBytes(4).toString('hex')}`;
      await api.createVhost(vhost, { description: `${what}; deleted when it ends`, tags: ['warren-test'] });
      await api.grantAll(vhost, 'guest');
      const target: BrokerTarget = { kind: 'rabbitmq', url: `${RABBIT_URL}/${vhost}`, embedded: undefined, close: async () => {} };
      return { target, vhost, close: () => api.deleteVhost(vhost) };
    },
  };
  return missingRabbit === null || underCi ? [embedded, rabbitmq] : [embedded];
}
