// The data directory's generic definitions: JSON records by kind and key,
// kept across a restart for parts of the broker that need them (users,
// permissions).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { BrokerStore } from '../../server/broker/storage/store.js';

const directory = mkdtempSync(join(tmpdir(), 'warren-store-'));
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

test('definitions put, replaced and deleted are read back as they were left', async () => {
  const store = new BrokerStore(directory);
  store.definitions.put('user', 'guest', { tags: ['administrator'] });
  store.definitions.put('user', 'alice', { tags: [] });
  store.definitions.put('user', 'alice', { tags: ['monitoring'] });
  store.definitions.put('permission', 'alice/', { configure: '.*', write: '', read: '.*' });
  store.definitions.put('user', 'bob', { tags: [] });
  store.definitions.delete('user', 'bob');
  await store.close();

  const reopened = new BrokerStore(directory);
  expect(Object.fromEntries(reopened.definitions.all('user'))).toEqual({
    guest: { tags: ['administrator'] },
    alice: { tags: ['monitoring'] },
  });
  expect(Object.fromEntries(reopened.definitions.all('permission'))).toEqual({ 'alice/': { configure: '.*', write: '', read: '.*' } });
  expect(reopened.definitions.all('policy').size).toBe(0);
  await reopened.close();
});
