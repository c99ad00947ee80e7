/**
 * A port of this machine where nothing listens, for programs that show what
 * a client does when no broker answers. The workbook holds it for as long as
 * it runs, as the local end of a loopback connection of its own: a port in
 * use that nobody listens on, so connecting to it is refused, and no other
 * program can start listening on it meanwhile. A program copied from the
 * page and run by hand while the workbook runs meets the same refusal.
 */
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

/** The loopback address the port is on: an address, not a name, so every client tries this one alone. */
export const CLOSED_HOST = '127.0.0.1';

async function holdClosedPort(): Promise<number> {
  const ends: Socket[] = [];
  const server = createServer((socket) => {
    socket.unref();
    ends.push(socket);
  });
  server.listen(0, CLOSED_HOST);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the loopback listener has no port');
  const held = createConnection(address.port, CLOSED_HOST);
  await once(held, 'connect');
  // Only the connection is needed now: its local port stays taken, and the listener goes.
  held.unref();
  server.close();
  server.unref();
  const port = held.localPort;
  if (port === undefined) throw new Error('the loopback connection has no local port');
  return port;
}

/** The port, held closed while this process runs. */
export const CLOSED_PORT = await holdClosedPort();
