/** Plays a fuzzing connection's bytes to a broker, as a client that sends without waiting for answers. */
import { connect as connectTcp } from 'node:net';
import { closeConnectionOk } from './oracle-frames.js';
import type { Random } from './random.js';

/** How long a connection may stay silent before the fuzzer hangs up (a broken frame may promise bytes that never come). */
const SILENCE_MS = 200;

/**
 * Sends the bytes in random-sized pieces, answers the broker's
 * connection.close, and resolves when the connection is over: closed by the
 * broker, or silent for a while.
 */
export function playScript(port: number, bytes: Buffer, random: Random): Promise<void> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    let silence: NodeJS.Timeout | undefined;
    let received = Buffer.alloc(0);
    const finish = (): void => {
      clearTimeout(silence);
      socket.destroy();
      resolve();
    };
    const waitForMore = (): void => {
      clearTimeout(silence);
      silence = setTimeout(finish, SILENCE_MS);
    };
    socket.on('data', (chunk: Buffer) => {
      waitForMore();
      received = Buffer.concat([received, chunk]);
      // The broker's frames, read just enough to see connection.close (10/50) and close-ok (10/51) on channel 0.
      while (received.length >= 8 && received.length >= received.readUInt32BE(3) + 8) {
        const size = received.readUInt32BE(3);
        const isConnectionMethod = received[0] === 1 && received.readUInt16BE(1) === 0 && size >= 4 && received.readUInt16BE(7) === 10;
        const methodId = isConnectionMethod ? received.readUInt16BE(9) : 0;
        received = received.subarray(size + 8);
        if (methodId === 50) socket.write(closeConnectionOk());
        if (methodId === 51) finish();
      }
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      for (let offset = 0; offset < bytes.length;) {
        const size = 1 + random.below(4096);
        socket.write(bytes.subarray(offset, offset + size));
        offset += size;
      }
      waitForMore();
    });
  });
}
