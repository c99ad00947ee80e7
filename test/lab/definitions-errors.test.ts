/**
 * What the lab says about a definitions file it cannot take whole: a file
 * it cannot read (each problem named by where it is), items the broker
 * refuses (each alone, with the broker's reply), groups it does not import,
 * and items of other vhosts.
 */
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import {
  exportDefinitions,
  importDefinitions,
  readDefinitions,
  readDefinitionsText,
  SourceVhostError,
  type Definitions,
} from '../../server/lab/definitions/index.js';
import { vhostUrl } from '../../server/lab/definitions/topology-names.js';
import { rabbitProblem, rabbitTarget, temporaryVhosts } from './definitions-support.js';

const underCi = process.env.CI === 'true';

/** Reads a file the test knows is well formed. */
function definitionsOf(file: object): Definitions {
  const read = readDefinitions(file);
  if (!read.ok) throw new Error(read.errors.join('\n'));
  return read.definitions;
}

describe('reading a definitions file', () => {
  it('refuses text that is not JSON, and JSON that is not an object, saying what a definitions file is', () => {
    const notJson = readDefinitionsText('{"queues": [');
    expect(notJson.ok).toBe(false);
    if (!notJson.ok) expect(notJson.errors[0]).toMatch(/^the file is not JSON \(.+\); a definitions file is a JSON object/);
    const list = readDefinitionsText('[]');
    expect(list).toEqual({
      ok: false,
      errors: [
        'the file must be a JSON object with "exchanges", "queues" and "bindings" lists, as rabbitmqctl export_definitions writes; got a list',
      ],
    });
  });

  it('names the path of every wrong value and what is allowed there', () => {
    const read = readDefinitions({
      exchanges: [{ name: 'logs' }],
      queues: [
        { name: 'a', durable: true, auto_delete: false, arguments: {} },
        { name: 'b', durable: 'yes', arguments: {} },
        { name: 'c', arguments: { 'x-max-length': 'ten', 'x-message-ttl': -1 } },
        { name: 'd', arguments: { 'x-max-length': 1.5 } },
      ],
      bindings: [{ source: 'logs', destination: 'a', destination_type: 'topic' }],
      users: 'everyone',
    });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors).toEqual(
      expect.arrayContaining([
        'exchanges[0].type is missing: it must be a non-empty string',
        'queues[1].durable must be true or false, got "yes"',
        'queues[2].arguments["x-max-length"] must be a whole number of at least 0, got "ten"',
        'queues[2].arguments["x-message-ttl"] must be a whole number of at least 0, got -1',
        'queues[3].arguments["x-max-length"] must be a whole number of at least 0, got 1.5',
        'bindings[0].destination_type must be one of "queue", "exchange", got "topic"',
        'users must be a list, got "everyone"',
      ]),
    );
    expect(read.errors).toHaveLength(7);
  });

  it('refuses a file where some items name their vhost and others do not', () => {
    const read = readDefinitions({ queues: [{ name: 'a', vhost: '/' }, { name: 'b' }] });
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.errors[0]).toMatch(/^queues\[1\]\.vhost is missing: in a whole-broker file/);
  });

  it('chooses "/" from a whole-broker file, else its only vhost, and asks when there are several', async () => {
    const broker = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
    try {
      const several = definitionsOf({
        queues: [
          { name: 'a', vhost: 'shop' },
          { name: 'b', vhost: 'billing' },
        ],
      });
      const refusal = importDefinitions(broker, '/', several);
      await expect(refusal).rejects.toBeInstanceOf(SourceVhostError);
      await expect(refusal).rejects.toThrow('the file holds exchanges, queues or bindings of several vhosts ("shop", "billing")');
      const missing = importDefinitions(broker, '/', several, { sourceVhost: 'nowhere' });
      await expect(missing).rejects.toThrow(
        'the file has no exchanges, queues or bindings in vhost "nowhere"; it has some in "shop", "billing"',
      );
      const chosen = await importDefinitions(broker, '/', several, { sourceVhost: 'billing' });
      expect(chosen.imported).toEqual([{ kind: 'queue', name: 'b' }]);
      expect(chosen.skipped).toEqual([{ kind: 'queue', name: 'a', vhost: 'shop' }]);
      const only = await importDefinitions(broker, '/', definitionsOf({ queues: [{ name: 'c', vhost: 'shop' }] }));
      expect(only.sourceVhost).toBe('shop');
    } finally {
      await broker.close();
    }
  });
});

/** One broker's legs: the lab vhost it imports into. */
interface Leg {
  target: BrokerTarget;
  lab: string;
}

for (const kind of ['embedded', 'rabbitmq'] as const) {
  describe.skipIf(kind === 'rabbitmq' && rabbitProblem !== null && !underCi)(`importing what the broker refuses [${kind}]`, () => {
    const vhosts = temporaryVhosts();
    let leg: Leg;

    beforeAll(async () => {
      if (kind === 'embedded') {
        const target = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
        leg = { target, lab: '/' };
      } else {
        leg = { target: rabbitTarget, lab: await vhosts.make('errors') };
      }
    }, 60_000);
    afterAll(async () => {
      await leg.target.close();
      await vhosts.cleanUp();
    }, 60_000);

    it('imports every item it can and says, per refused item, what the broker answered', async () => {
      const connection = await amqp.connect(vhostUrl(leg.target.url, leg.lab));
      try {
        const channel = await connection.createChannel();
        await channel.assertQueue('jobs', { durable: true, arguments: { 'x-max-length': 5 } });
      } finally {
        await connection.close();
      }
      const file = {
        rabbit_version: '3.10.8',
        exchanges: [
          { name: 'odd', type: 'x-no-such-type', durable: true, auto_delete: false, internal: false, arguments: {} },
          { name: 'amq.direct', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} },
          { name: 'work', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} },
        ],
        queues: [
          { name: 'jobs', durable: true, auto_delete: false, arguments: { 'x-max-length': 10 } },
          { name: 'results', durable: true, auto_delete: false, arguments: { 'x-overflow': 'reject-publish' } },
        ],
        bindings: [
          { source: 'work', destination: 'nowhere', destination_type: 'queue', routing_key: 'k', arguments: {} },
          { source: 'work', destination: 'results', destination_type: 'queue', routing_key: 'done', arguments: {} },
        ],
        users: [{ name: 'ann', password_hash: 'x', tags: [] }],
        policies: [{ name: 'ttl', pattern: '.*', definition: { 'message-ttl': 1 } }, { name: 'other' }],
      };
      const report = await importDefinitions(leg.target, leg.lab, definitionsOf(file));
      expect(report.imported).toEqual([
        { kind: 'exchange', name: 'work' },
        { kind: 'queue', name: 'results' },
        { kind: 'binding', name: 'work → results (routing key "done")' },
      ]);
      expect(report.failed.map(({ kind: itemKind, name }) => `${itemKind} ${name}`)).toEqual([
        'exchange odd',
        'queue jobs',
        'binding work → nowhere (routing key "k")',
      ]);
      const [odd, jobs, nowhere] = report.failed.map((item) => item.error);
      expect(odd).toMatch(/^the broker refused \(503\): COMMAND_INVALID - (unknown|invalid) exchange type 'x-no-such-type' — /);
      expect(jobs).toMatch(
        /^the broker refused \(406\): PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'jobs' in vhost '.+'/,
      );
      expect(jobs).toContain('it exists already with other settings');
      expect(nowhere).toMatch(
        /^the broker refused \(404\): NOT_FOUND - no queue 'nowhere' in vhost '.+' — something it names does not exist/,
      );
      expect(report.notImported).toEqual([
        { group: 'users', count: 1, reason: expect.stringContaining('rabbitmqctl add_user NAME PASSWORD') as unknown },
        { group: 'policies', count: 2, reason: expect.stringContaining('rabbitmqctl set_policy') as unknown },
      ]);
      expect(report.skipped).toEqual([]);
      // The queue that was there keeps its own settings.
      const back = await exportDefinitions(leg.target, leg.lab);
      expect(back.queues.find((queue) => queue.name === 'jobs')?.arguments).toEqual({ 'x-max-length': 5 });
      expect(back.exchanges.map((exchange) => exchange.name)).toEqual(['work']);
    }, 60_000);
  });
}
