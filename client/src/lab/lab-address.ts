/**
 * A small lab in the address: its topology (the definitions file's
 * exchanges, queues and bindings) as JSON, compressed (deflate) and written
 * in base64url, as the `topology` query parameter of /lab. A link then
 * reproduces the lab on whichever workbook opens it.
 */

/** The longest address part a link carries; a larger lab is saved as a file instead. */
export const MOST_LINK_CHARACTERS = 8000;

/** What a link's topology holds: the three lists of a RabbitMQ definitions file. */
export interface LinkedTopology {
  exchanges: unknown[];
  queues: unknown[];
  bindings: unknown[];
}

/** The topology as the address writes it. */
export async function encodeTopology(topology: LinkedTopology): Promise<string> {
  const { exchanges, queues, bindings } = topology;
  const json = new TextEncoder().encode(JSON.stringify({ exchanges, queues, bindings }));
  const packed = await new Response(new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer();
  return base64url(new Uint8Array(packed));
}

/** The topology an address carries, or why it cannot be read. */
export async function decodeTopology(text: string): Promise<{ ok: true; topology: LinkedTopology } | { ok: false; error: string }> {
  if (text.length > MOST_LINK_CHARACTERS) {
    return {
      ok: false,
      error: `the link's topology is ${text.length.toLocaleString('en')} characters long; at most ${MOST_LINK_CHARACTERS.toLocaleString('en')} are read`,
    };
  }
  if (!/^[A-Za-z0-9_-]*$/.test(text))
    return {
      ok: false,
      error: 'the link\'s topology holds characters other than base64url\'s (A–Z, a–z, 0–9, "-" and "_"): it was cut or changed',
    };
  let json: string;
  try {
    const packed = fromBase64url(text);
    json = await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).text();
  } catch {
    return { ok: false, error: "the link's topology does not unpack: it was cut or changed" };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, error: "the link's topology is not JSON once unpacked" };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, error: "the link's topology is not an object of exchanges, queues and bindings" };
  const lists = value as Record<string, unknown>;
  for (const name of ['exchanges', 'queues', 'bindings'] as const) {
    if (!Array.isArray(lists[name])) return { ok: false, error: `the link's topology has no list of ${name}` };
  }
  return { ok: true, topology: lists as unknown as LinkedTopology };
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}
