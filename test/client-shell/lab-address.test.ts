// A small lab in the address: what goes in comes out, and a damaged link says why it cannot be read.
import { describe, expect, it } from 'vitest';
import { MOST_LINK_CHARACTERS, decodeTopology, encodeTopology } from '../../client/src/lab/lab-address.js';

const topology = {
  exchanges: [{ name: 'logs', type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} }],
  queues: [
    { name: 'tasks', durable: true, auto_delete: false, arguments: { 'x-max-length': 10, 'x-overflow': 'reject-publish' } },
    { name: 'émoji ✓', durable: false, auto_delete: true, arguments: {} },
  ],
  bindings: [{ source: 'logs', destination: 'tasks', destination_type: 'queue', routing_key: '', arguments: {} }],
};

describe('a lab in the address', () => {
  it('comes back as it went in, in a link of base64url characters only, shorter than the JSON', async () => {
    const text = await encodeTopology({ ...topology, rabbit_version: '3.10.8' } as typeof topology);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(text.length).toBeLessThan(JSON.stringify(topology).length);
    expect(await decodeTopology(text)).toEqual({ ok: true, topology });
  });

  it('refuses a link that was cut, changed, too long or not a topology, saying which', async () => {
    const text = await encodeTopology(topology);
    expect(await decodeTopology(text.slice(0, 20))).toMatchObject({ ok: false, error: expect.stringMatching(/does not unpack|not JSON/) });
    expect(await decodeTopology(`${text}!`)).toMatchObject({ ok: false, error: expect.stringContaining("other than base64url's") });
    expect(await decodeTopology('A'.repeat(MOST_LINK_CHARACTERS + 1))).toMatchObject({
      ok: false,
      error: expect.stringContaining('at most 8,000'),
    });
    const notLists = await encodeTopology({ exchanges: [], queues: 'tasks', bindings: [] } as unknown as typeof topology);
    expect(await decodeTopology(notLists)).toEqual({ ok: false, error: "the link's topology has no list of queues" });
  });
});
