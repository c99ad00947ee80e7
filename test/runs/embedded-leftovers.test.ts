/**
 * The embedded broker keeps vhosts in its data directory across restarts:
 * the vhost of a run a workbook was killed in the middle of is still there
 * when the next workbook starts on that directory, and is swept then; other
 * vhosts are left alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import { createRunBroker } from '../../server/runs/run-broker.js';
import { RUN_VHOST_PREFIX } from '../../server/runs/vhost-owner.js';

let target: BrokerTarget | undefined;
let folder: string | undefined;

afterEach(async () => {
  await target?.close();
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

it("sweeps the run vhosts an earlier workbook's broker kept in its data directory, and only those", async () => {
  folder = await mkdtemp(join(tmpdir(), 'warren-leftovers-'));
  const earlier = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0, brokerDataDir: folder });
  earlier.embedded?.addVhost(`${RUN_VHOST_PREFIX}killed-mid-run`);
  earlier.embedded?.addVhost('my-own');
  await earlier.close();

  target = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0, brokerDataDir: folder });
  expect(target.embedded?.listVhosts()).toContain(`${RUN_VHOST_PREFIX}killed-mid-run`);
  const swept = await createRunBroker(target, { log: () => {} }).sweepLeftovers();
  expect(swept).toEqual({ deleted: [`${RUN_VHOST_PREFIX}killed-mid-run`], failed: [] });
  expect(target.embedded?.listVhosts().sort()).toEqual(['/', 'my-own']);
});
