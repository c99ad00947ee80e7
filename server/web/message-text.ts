import type { RawData } from 'ws';

/** The text of a WebSocket message, which ws hands over as one Buffer, a list of fragments or an ArrayBuffer. */
export function messageText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
