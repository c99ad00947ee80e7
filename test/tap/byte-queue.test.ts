// The tap's received bytes, handed out again by length: exactly the bytes
// received, and a chunk passed on whole is written as it came, not copied.
import { expect, test } from 'vitest';
import { ByteQueue, WireBytes } from '../../server/tap/byte-queue.js';

test('frames cut from one chunk and passed on together are the chunk itself', () => {
  const chunk = Buffer.from('frame-one|frame-two|');
  const queue = new ByteQueue();
  queue.push(chunk);
  const outgoing = new WireBytes();
  const first = new WireBytes();
  const second = new WireBytes();
  queue.takeInto(10, first);
  queue.takeInto(10, second);
  outgoing.appendAll(first);
  outgoing.appendAll(second);
  expect(outgoing.buffers()).toHaveLength(1);
  expect(outgoing.toBuffer()).toBe(chunk);
});

test('bytes spanning chunks come out in order, each chunk once', () => {
  const queue = new ByteQueue();
  for (const part of ['head', 'er|bo', 'dy|tail']) queue.push(Buffer.from(part));
  const message = new WireBytes();
  queue.takeInto(7, message);
  queue.takeInto(5, message);
  expect(message.length).toBe(12);
  expect(message.buffers().map((b) => b.toString())).toEqual(['head', 'er|bo', 'dy|']);
  expect(message.toBuffer().toString()).toBe('header|body|');
  expect(queue.length).toBe(4);
  expect(() => queue.takeInto(5, message)).toThrow('asked for 5 bytes but only 4 are waiting');
});
