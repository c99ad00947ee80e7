/**
 * The TCP listener: accepts sockets and gives each its own Connection.
 */
import { createServer, type Server } from 'node:net';
import type { Broker } from './broker.js';
import { Connection } from './connection.js';
import { ReplyCode } from './errors.js';

/** A listening broker socket. */
export interface BrokerServer {
  readonly host: string;
  readonly port: number;
  /** Stops accepting, closes every connection (320 CONNECTION_FORCED) and waits for the listener to close. */
  close(): Promise<void>;
}

/** Starts listening on host:port (port 0 picks a free one). */
export function listen(broker: Broker, host: string, port: number): Promise<BrokerServer> {
  const server: Server = createServer((socket) => {
    socket.on('error', () => {});
    try {
      broker.connections.add(new Connection(socket, broker));
    } catch (error) {
      broker.reportInternalError(error);
      socket.destroy();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const boundPort = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        host,
        port: boundPort,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const connection of [...broker.connections]) {
              connection.forceClose(ReplyCode.CONNECTION_FORCED, "broker forced connection closure with reason 'shutdown'");
            }
            // Clients that do not answer connection.close are cut off.
            setTimeout(() => {
              for (const connection of [...broker.connections]) connection.terminate();
            }, 500).unref();
          }),
      });
    });
  });
}
