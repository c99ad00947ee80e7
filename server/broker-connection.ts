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
  /** Where the embedded broker keeps what survives a restart; in memory only when left out. */
  brokerDataDir?: string;
}): Promise<BrokerTarget> {
  if (options.amqpUrl !== undefined) {
    return { kind: 'rabbitmq', url: options.amqpUrl, embedded: undefined, close: async () => {} };
  }
  const broker = await startBroker({ port: options.brokerPort, memoryLimit: options.brokerMemoryLimit, dataDir: options.brokerDataDir });
  // A client only hears RabbitMQ's generic ACCESS_REFUSED; the reason belongs in the broker's log, as in RabbitMQ.
  broker.events.on('login-refused', ({ address, reason }) => console.warn(`[broker] ${reason} (from ${address})`));
  broker.events.on('memory-alarm', (use) => console.warn(`[broker] ${describeMemoryAlarm(use)}`));
  return { kind: 'embedded', url: broker.url, embedded: broker, close: () => broker.close() };
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
