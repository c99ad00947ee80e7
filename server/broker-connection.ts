import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMemoryAlarm, startBroker, type EmbeddedBroker } from './broker/index.js';

/** The broker the workbook's scenarios talk to: the embedded one, or a RabbitMQ named by AMQP_URL. */
export interface BrokerTarget {
  /** 'embedded' for the in-process broker, 'rabbitmq' for an external one. */
  kind: 'embedded' | 'rabbitmq';
  /** The URL clients connect to. */
  url: string;
  /** The in-process broker, when that is what runs. */
  embedded: EmbeddedBroker | undefined;
  /** Stops the embedded broker; leaves an external one alone. */
  close(): Promise<void>;
}

/** Starts the embedded broker unless an AMQP URL points elsewhere. */
export async function openBrokerTarget(options: {
  amqpUrl: string | undefined;
  brokerPort: number;
  brokerMemoryLimit?: number;
  /**
   * Where the embedded broker keeps what survives a restart; in memory only when left out. 'temporary': a folder
   * of its own ({ temporary: true }), removed when it closes (a headless run that restarts the broker keeps what a broker keeps).
   */
  brokerDataDir?: string | { temporary: true };
}): Promise<BrokerTarget> {
  if (options.amqpUrl !== undefined) {
    return { kind: 'rabbitmq', url: options.amqpUrl, embedded: undefined, close: async () => {} };
  }
  const temporary = typeof options.brokerDataDir === 'object' ? await mkdtemp(join(tmpdir(), 'warren-broker-')) : undefined;
  const dataDir = temporary ?? (typeof options.brokerDataDir === 'string' ? options.brokerDataDir : undefined);
  const broker = await startBroker({ port: options.brokerPort, memoryLimit: options.brokerMemoryLimit, dataDir }).catch(
    async (error: unknown) => {
      if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
      throw error;
    },
  );
  // A client only hears RabbitMQ's generic ACCESS_REFUSED; the reason belongs in the broker's log, as in RabbitMQ.
  broker.events.on('login-refused', ({ address, reason }) => console.warn(`[broker] ${reason} (from ${address})`));
  broker.events.on('memory-alarm', (use) => console.warn(`[broker] ${describeMemoryAlarm(use)}`));
  const close = async (): Promise<void> => {
    await broker.close();
    if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
  };
  return { kind: 'embedded', url: broker.url, embedded: broker, close };
}

/** A URL safe to show on a page or in a log: the password replaced by stars. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '****';
    return parsed.toString();
  } catch {
    return url;
  }
}
