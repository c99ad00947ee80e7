// The port the workbook holds closed, for programs about a broker that is not
// there: a connection to it is refused, and nothing can start listening on it.
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { expect, it } from 'vitest';
import { CLOSED_HOST, CLOSED_PORT } from '../../server/programs/closed-port.js';

it('refuses a connection', async () => {
  const socket = createConnection(CLOSED_PORT, CLOSED_HOST);
  const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
  expect(error.code).toBe('ECONNREFUSED');
});

it('cannot be taken by a listener meanwhile, on its address or on every address', async () => {
  for (const host of [CLOSED_HOST, '0.0.0.0']) {
    const server = createServer();
    server.listen(CLOSED_PORT, host);
    const [error] = (await once(server, 'error')) as [NodeJS.ErrnoException];
    expect(error.code, host).toBe('EADDRINUSE');
  }
});
