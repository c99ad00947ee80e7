/**
 * Imports a definitions file's exchanges, queues and bindings into one
 * vhost of the workbook's broker, the way a program would: through AMQP,
 * declaring exchanges first, then queues, then bindings. Each item gets a
 * channel of its own, so a refusal (which closes its channel, or for some
 * errors the connection) costs only that item; the report says, item by
 * item, what went in and what the broker answered to what did not.
 */
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type { BrokerTarget } from '../../broker-connection.js';
import { describeRefusal } from './broker-refusal.js';
import type { ImportedItem, ImportReport, ItemKind } from '../../protocol/lab-definitions.js';
import { NOT_IMPORTED_GROUPS, type Definitions } from './definitions-format.js';
import { NOT_IMPORTED_REASONS } from './not-imported.js';
import { chooseSourceVhost } from './source-vhost.js';
import { bindingLabel, isBuiltInExchange, vhostUrl } from './topology-names.js';

export type { ImportedItem, ImportReport, ItemKind } from '../../protocol/lab-definitions.js';

/** What an import may be told. */
export interface ImportOptions {
  /** Which vhost's items to take from a whole-broker file; see chooseSourceVhost. */
  sourceVhost?: string;
}

/**
 * Declares `definitions`' exchanges, queues and bindings in `vhost` of `target`. Throws SourceVhostError when the
 * source vhost cannot be chosen, and the connection's error when the broker cannot be reached at all.
 */
export async function importDefinitions(
  target: BrokerTarget,
  vhost: string,
  definitions: Definitions,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const sourceVhost = chooseSourceVhost(definitions, options.sourceVhost);
  const report: ImportReport = { vhost, sourceVhost, imported: [], failed: [], skipped: [], notImported: [] };
  for (const group of NOT_IMPORTED_GROUPS) {
    const count = definitions.notImported[group];
    if (count !== undefined) report.notImported.push({ group, count, reason: NOT_IMPORTED_REASONS[group] });
  }
  const ours = <T extends { vhost?: string }>(kind: ItemKind, items: T[], name: (item: T) => string): T[] =>
    items.filter((item) => {
      if (sourceVhost === undefined || item.vhost === sourceVhost) return true;
      report.skipped.push({ kind, name: name(item), vhost: item.vhost ?? '' });
      return false;
    });
  const exchanges = ours('exchange', definitions.exchanges, (exchange) => exchange.name);
  const queues = ours('queue', definitions.queues, (queue) => queue.name);
  const bindings = ours('binding', definitions.bindings, bindingLabel);

  const channels = new ChannelSource(vhostUrl(target.url, vhost));
  try {
    await channels.check();
    const declare = async (item: ImportedItem, action: (channel: Channel) => Promise<unknown>): Promise<void> => {
      const outcome = await channels.run(action);
      if (outcome.ok) report.imported.push(item);
      else report.failed.push({ ...item, error: outcome.error });
    };
    for (const exchange of exchanges) {
      // The default exchange and the amq.* ones are in every vhost already.
      if (isBuiltInExchange(exchange.name)) continue;
      await declare({ kind: 'exchange', name: exchange.name }, (channel) =>
        channel.assertExchange(exchange.name, exchange.type, {
          durable: exchange.durable ?? true,
          autoDelete: exchange.auto_delete ?? false,
          internal: exchange.internal ?? false,
          arguments: exchange.arguments ?? {},
        }),
      );
    }
    for (const queue of queues) {
      const queueArguments: Record<string, unknown> = { ...queue.arguments };
      if (queueArguments['x-queue-type'] === undefined && queue.type !== undefined && queue.type !== 'classic') {
        queueArguments['x-queue-type'] = queue.type;
      }
      await declare({ kind: 'queue', name: queue.name }, (channel) =>
        channel.assertQueue(queue.name, {
          durable: queue.durable ?? true,
          autoDelete: queue.auto_delete ?? false,
          exclusive: false,
          arguments: queueArguments,
        }),
      );
    }
    for (const binding of bindings) {
      // The default exchange's bindings are implicit: every queue has one by its name, and no other can be made.
      if (binding.source === '') continue;
      const routingKey = binding.routing_key ?? '';
      const bindingArguments = binding.arguments ?? {};
      await declare({ kind: 'binding', name: bindingLabel(binding) }, (channel) =>
        binding.destination_type === 'queue'
          ? channel.bindQueue(binding.destination, binding.source, routingKey, bindingArguments)
          : channel.bindExchange(binding.destination, binding.source, routingKey, bindingArguments),
      );
    }
  } finally {
    await channels.close();
  }
  return report;
}

/** A connection to one vhost that gives a fresh channel per item, and opens again after a refusal closed it. */
class ChannelSource {
  private connection: ChannelModel | undefined;
  /** The error the connection closed with last, as the broker said it (a 503 for an unknown exchange type closes it). */
  private connectionError: unknown;

  constructor(private readonly url: string) {}

  /** Connects now, so a broker that cannot be reached is one error, not one per item. */
  async check(): Promise<void> {
    await this.connect();
  }

  /** Runs one declaration on a channel of its own. */
  async run(action: (channel: Channel) => Promise<unknown>): Promise<{ ok: true } | { ok: false; error: string }> {
    let channel: Channel | undefined;
    try {
      const connection = await this.connect();
      channel = await connection.createChannel();
      channel.on('error', () => {});
      await action(channel);
      await channel.close();
      return { ok: true };
    } catch (error) {
      // A connection-level refusal reaches the channel as "channel ended"; the connection's close names the reason.
      await new Promise((resolve) => setImmediate(resolve));
      const broken = this.connection === undefined ? this.connectionError : undefined;
      this.connectionError = undefined;
      return { ok: false, error: describeRefusal(error, broken) };
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
  }

  private async connect(): Promise<ChannelModel> {
    if (this.connection !== undefined) return this.connection;
    const connection = await amqp.connect(this.url, { timeout: 10_000 });
    connection.on('error', (error: unknown) => {
      this.connectionError = error;
    });
    connection.on('close', () => {
      if (this.connection === connection) this.connection = undefined;
    });
    this.connection = connection;
    return connection;
  }
}
