/**
 * The brokers the generated programs run against: the embedded broker
 * (started per leg on port 0) and the local RabbitMQ, each cell in a fresh
 * vhost of its own. An unreachable RabbitMQ (or one without its management
 * API, which makes the vhosts) skips its leg with a notice, except under
 * CI=true, where the leg runs and fails.
 */
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';
import { managementApiFor } from '../../server/runs/management-api.js';

const RABBIT_URL = 'amqp://guest:guest@127.0.0.1:5672';
const management = managementApiFor(RABBIT_URL);

/** A vhost made for one cell: the URL its programs connect to. */
export interface CellSpace {
  url: string;
  remove(): Promise<void>;
}

/** One broker the programs run against. */
export interface CodeLeg {
  readonly kind: 'embedded' | 'rabbitmq';
  start(): Promise<void>;
  /** A fresh vhost, so no cell sees what another left behind (a durable task_queue, unacknowledged tasks). */
  space(): Promise<CellSpace>;
  close(): Promise<void>;
}

/** A vhost name no other test uses. */
function vhostName(): string {
  return `warren-code-${randomBytes(4).toString('hex')}`;
}

function urlIn(base: string, vhost: string): string {
  return `${base}/${encodeURIComponent(vhost)}`;
}

/** The embedded broker, started by the leg. */
export function embeddedLeg(): CodeLeg {
  let broker: EmbeddedBroker | undefined;
  const running = (): EmbeddedBroker => {
    if (broker === undefined) throw new Error('the embedded broker has not started');
    return broker;
  };
  return {
    kind: 'embedded',
    async start() {
      broker = await startBroker({ port: 0 });
    },
    async space() {
      const vhost = vhostName();
      running().addVhost(vhost);
      return {
        url: urlIn(running().url, vhost),
        remove: async () => running().deleteVhost(vhost),
      };
    },
    async close() {
      await broker?.close();
    },
  };
}

/** The local RabbitMQ, vhosts made and deleted through its management API. */
export function rabbitLeg(): CodeLeg {
  return {
    kind: 'rabbitmq',
    async start() {
      // RabbitMQ is already running on this machine.
    },
    async space() {
      const vhost = vhostName();
      await management.createVhost(vhost);
      await management.grantAll(vhost, 'guest');
      return { url: urlIn(RABBIT_URL, vhost), remove: () => management.deleteVhost(vhost) };
    },
    async close() {
      // Each space removed its own vhost.
    },
  };
}

/** Why the RabbitMQ leg cannot run, or null when AMQP and the management API both answer. */
export async function rabbitUnavailable(): Promise<string | null> {
  try {
    const connection = await amqp.connect(RABBIT_URL, { timeout: 3000 });
    await connection.close();
    await management.whoami();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
