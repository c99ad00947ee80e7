// The data directory's generic definitions: JSON records by kind and key,
// kept across a restart for parts of the broker that need them (users,
// permissions); and the log read back in chunks.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readLogFile } from '../../server/broker/storage/log-reader.js';
import { FRAME_OVERHEAD, RecordKind, frame } from '../../server/broker/storage/records.js';
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

describe('reading the log back a chunk at a time', () => {
  /** Records of sizes from 1 byte to three chunks, each payload filled with its number, as frames written one after another. */
  function writeLog(path: string, sizes: readonly number[]): Buffer[] {
    const payloads = sizes.map((size, i) => Buffer.alloc(size, i % 256));
    writeFileSync(path, Buffer.concat(payloads.map((payload) => frame(RecordKind.definitionPut, payload))));
    return payloads;
  }
  function readBack(path: string, chunkSize: number): { payloads: Buffer[]; goodLength: number; fileSize: number } {
    const payloads: Buffer[] = [];
    const extent = readLogFile(path, (_kind, payload) => payloads.push(Buffer.from(payload)), chunkSize);
    return { payloads, ...extent };
  }
  const sizes = [1, 20, 63, 64, 65, 7, 200, 3, 129, 1, 55];

  test('records that straddle chunks, or are larger than one, come back whole and in order', () => {
    const path = join(directory, 'straddling.log');
    const written = writeLog(path, sizes);
    for (const chunkSize of [16, 64, 100, 4096]) {
      const { payloads, goodLength, fileSize } = readBack(path, chunkSize);
      expect(payloads).toEqual(written);
      expect(goodLength).toBe(fileSize);
    }
  });

  test('a torn last record, or one that fails its checksum, ends the log there whichever chunk it falls in', () => {
    const path = join(directory, 'torn.log');
    writeLog(path, sizes);
    const whole = statSync(path).size;
    // Half a record: its length says more bytes than the file has.
    appendFileSync(path, frame(RecordKind.definitionPut, Buffer.alloc(90, 1)).subarray(0, 40));
    for (const chunkSize of [16, 64, 4096]) {
      const { payloads, goodLength, fileSize } = readBack(path, chunkSize);
      expect(payloads).toHaveLength(sizes.length);
      expect([goodLength, fileSize]).toEqual([whole, whole + 40]);
    }

    const garbled = join(directory, 'garbled.log');
    writeLog(garbled, sizes);
    const bytes = readFileSync(garbled);
    // One byte of the fifth record's payload flipped: the four before it are kept.
    const fifth = sizes.slice(0, 4).reduce((at, size) => at + FRAME_OVERHEAD + 1 + size, 0);
    bytes.writeUInt8((bytes[fifth + FRAME_OVERHEAD + 3] ?? 0) ^ 0xff, fifth + FRAME_OVERHEAD + 3);
    writeFileSync(garbled, bytes);
    for (const chunkSize of [16, 64, 4096]) {
      const { payloads, goodLength } = readBack(garbled, chunkSize);
      expect(payloads).toHaveLength(4);
      expect(goodLength).toBe(fifth);
    }
  });

  test('a missing or empty log reads as nothing', () => {
    expect(readBack(join(directory, 'missing.log'), 64)).toEqual({ payloads: [], goodLength: 0, fileSize: 0 });
    const empty = join(directory, 'empty.log');
    writeFileSync(empty, '');
    expect(readBack(empty, 64)).toEqual({ payloads: [], goodLength: 0, fileSize: 0 });
  });
});
