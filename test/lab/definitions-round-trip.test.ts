/**
 * A varied topology made on RabbitMQ, exported by rabbitmqctl and by the
 * management API, imported into a fresh lab vhost on the embedded broker
 * and on RabbitMQ, and exported back: what comes back is what went out.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import { exportDefinitions, importDefinitions, readDefinitions, type ExportedDefinitions } from '../../server/lab/definitions/index.js';
import { managementApiFor } from '../../server/runs/management-api.js';
import { contentOf, declareVariedTopology, RABBIT_URL, rabbitProblem, rabbitTarget, temporaryVhosts } from './definitions-support.js';

const run = promisify(execFile);

/** A POST to the local RabbitMQ's management API as the AMQP URL's user. */
function postToRabbitmq(path: string, body: unknown): Promise<Response> {
  const url = new URL(RABBIT_URL);
  const credentials = `${decodeURIComponent(url.username || 'guest')}:${decodeURIComponent(url.password || 'guest')}`;
  return fetch(`http://${url.hostname}:15672${path}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
const underCi = process.env.CI === 'true';

describe.skipIf(rabbitProblem !== null && !underCi)('a topology saved and loaded as definitions', () => {
  const vhosts = temporaryVhosts();
  let embedded: BrokerTarget;
  let source: string;
  let keepsExclusive: amqp.ChannelModel;
  let wholeBroker: Record<string, object[] | undefined>;

  beforeAll(async () => {
    embedded = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
    source = await vhosts.make('source');
    keepsExclusive = await declareVariedTopology(RABBIT_URL, source);
    const { stdout } = await run('rabbitmqctl', ['export_definitions', '-'], { maxBuffer: 64 * 1024 * 1024 });
    wholeBroker = JSON.parse(stdout) as Record<string, object[] | undefined>;
  }, 120_000);
  afterAll(async () => {
    await keepsExclusive.close().catch(() => undefined);
    await embedded.close();
    await vhosts.cleanUp();
  }, 120_000);

  /** The source vhost's items of the whole-broker file. */
  const sourceItems = (group: 'exchanges' | 'queues' | 'bindings'): object[] =>
    (wholeBroker[group] ?? []).filter((item) => (item as { vhost?: string }).vhost === source);

  const expectSameTopology = (
    back: ExportedDefinitions,
    expected: Record<'exchanges' | 'queues' | 'bindings', object[] | undefined>,
  ): void => {
    for (const group of ['exchanges', 'queues', 'bindings'] as const) {
      expect(contentOf(group, back[group]), group).toEqual(contentOf(group, expected[group]));
    }
  };

  /** Bindings of the file naming an exchange or queue the file leaves out: rabbitmqctl writes them. */
  const danglingBindings = (): object[] => {
    const exchanges = new Set(sourceItems('exchanges').map((exchange) => (exchange as { name: string }).name));
    const queues = new Set(sourceItems('queues').map((queue) => (queue as { name: string }).name));
    return sourceItems('bindings').filter((item) => {
      const binding = item as { source: string; destination: string; destination_type: string };
      const sourceThere = binding.source.startsWith('amq.') || exchanges.has(binding.source);
      const destinationThere = binding.destination_type === 'queue' ? queues.has(binding.destination) : exchanges.has(binding.destination);
      return !sourceThere || !destinationThere;
    });
  };

  it("rabbitmqctl's whole-broker file leaves out the exclusive queue and the internal exchange, but not their bindings", () => {
    const queueNames = sourceItems('queues').map((queue) => (queue as { name: string }).name);
    expect(queueNames).toEqual(expect.arrayContaining(['bounded-drop', 'bounded-reject', 'expired', 'retries', 'short-lived', 'urgent']));
    expect(queueNames).not.toContain('mine-only');
    const exchangeNames = sourceItems('exchanges').map((exchange) => (exchange as { name: string }).name);
    expect(exchangeNames).toEqual(expect.arrayContaining(['dead-letters', 'events', 'matching', 'orders']));
    expect(exchangeNames).not.toContain('logs');
    expect(danglingBindings().length).toBeGreaterThan(0);
  });

  it("RabbitMQ's own import takes the lab's export of the embedded broker, and holds the same topology after", async () => {
    const lab = 'lab-for-rabbitmq';
    embedded.embedded?.addVhost(lab);
    const file = await managementApiFor(RABBIT_URL).definitions(source);
    const read = readDefinitions(file);
    if (!read.ok) throw new Error(read.errors.join('\n'));
    expect((await importDefinitions(embedded, lab, read.definitions)).failed).toEqual([]);
    const saved = await exportDefinitions(embedded, lab);
    const target = await vhosts.make('rabbit-import');
    const response = await postToRabbitmq(`/api/definitions/${encodeURIComponent(target)}`, saved);
    expect(response.status, await response.text()).toBeLessThan(300);
    expectSameTopology(await exportDefinitions(rabbitTarget, target), saved);
  }, 120_000);

  for (const leg of ['embedded', 'rabbitmq'] as const) {
    it(`a rabbitmqctl export imported into a fresh lab vhost on the ${leg} broker exports back the same items`, async () => {
      const target = leg === 'embedded' ? embedded : rabbitTarget;
      const lab = leg === 'embedded' ? '/' : await vhosts.make('lab');
      const read = readDefinitions(wholeBroker);
      if (!read.ok) throw new Error(read.errors.join('\n'));
      expect(read.definitions.form).toBe('broker');
      const report = await importDefinitions(target, lab, read.definitions, { sourceVhost: source });
      // Each binding naming what the file left out is refused alone, with the broker's reply; the rest go in.
      const dangling = danglingBindings();
      expect(report.failed.map((item) => item.kind)).toEqual(dangling.map(() => 'binding'));
      for (const failure of report.failed) expect(failure.error).toMatch(/^the broker refused \(404\): NOT_FOUND - no (queue|exchange) '/);
      expect(report.sourceVhost).toBe(source);
      expect(report.imported.filter((item) => item.kind === 'queue')).toHaveLength(sourceItems('queues').length);
      expect(report.notImported.map((group) => group.group)).toEqual(expect.arrayContaining(['users', 'vhosts', 'permissions']));
      expect(report.skipped.every((item) => item.vhost !== source)).toBe(true);
      const back = await exportDefinitions(target, lab);
      const bindings = sourceItems('bindings').filter((binding) => !dangling.includes(binding));
      expectSameTopology(back, { exchanges: sourceItems('exchanges'), queues: sourceItems('queues'), bindings });
    }, 120_000);

    it(`the management API's per-vhost export, transient and internal items too, round-trips through the ${leg} broker`, async () => {
      const target = leg === 'embedded' ? embedded : rabbitTarget;
      // The embedded broker's '/' already holds the other test's copy: a second vhost of its own.
      const lab = leg === 'embedded' ? 'lab-from-management' : await vhosts.make('lab');
      if (leg === 'embedded') embedded.embedded?.addVhost(lab);
      const file = await managementApiFor(RABBIT_URL).definitions(source);
      const read = readDefinitions(file);
      if (!read.ok) throw new Error(read.errors.join('\n'));
      expect(read.definitions.form).toBe('vhost');
      const report = await importDefinitions(target, lab, read.definitions);
      expect(report.failed).toEqual([]);
      expect(report.skipped).toEqual([]);
      const back = await exportDefinitions(target, lab);
      expectSameTopology(back, { exchanges: file.exchanges, queues: file.queues, bindings: file.bindings });
      expect(back.exchanges.map((exchange) => exchange.name)).toEqual(['dead-letters', 'events', 'logs', 'matching', 'orders', 'scratch']);
      expect(back.queues.map((queue) => queue.name)).not.toContain('mine-only');
      // RabbitMQ's own export of the source and the lab's export of the copy agree, item for item.
      expectSameTopology(back, await exportDefinitions(rabbitTarget, source));
    }, 120_000);
  }
});
