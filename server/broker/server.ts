/**
 * The TCP listener: accepts sockets and gives each its own Connection with
 * the broker of the moment. While the broker restarts, sockets that arrive
 * wait, and are served once the broker has read its data back.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Broker } from './broker.js';
import { Connection } from './connection.js';
import { ReplyCode } from './errors.js';

/** How long clients get to answer connection.close before they are cut off. */
const CLOSE_GRACE_MS = 500;

/** A listening broker socket. */
export interface BrokerServer {
  readonly host: string;
  readonly port: number;
  /** Closes every connection (320 CONNECTION_FORCED) and resolves once all are gone. */
  closeConnections(): Promise<void>;
  /** New sockets wait until resume(), for the broker given then. */
  pause(): void;
  /** Serves new sockets, and those that waited, with broker. */
  resume(broker: Broker): void;
  /** Stops accepting, closes every connection and waits for the listener to close. */
  close(): Promise<void>;
}

/** Starts listening on host:port (port 0 picks a free one). */
export function listen(initial: Broker, host: string, port: number): Promise<BrokerServer> {
  let current = initial;
  let paused = false;
  let waiting: Socket[] = [];
  const serve = (socket: Socket, to: Broker): void => {
    if (socket.destroyed) return;
    try {
      to.connections.add(new Connection(socket, to));
    } catch (error) {
      to.reportInternalError(error);
      socket.destroy();
    }
  };
  const server: Server = createServer((socket) => {
    socket.on('error', () => {});
    if (paused) waiting.push(socket);
    else serve(socket, current);
  });
  const closeConnections = async (): Promise<void> => {
    for (const connection of [...current.connections]) {
      connection.forceClose(ReplyCode.CONNECTION_FORCED, "broker forced connection closure with reason 'shutdown'");
    }
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (current.connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    // Clients that do not answer connection.close are cut off.
    for (const connection of [...current.connections]) connection.terminate();
    while (current.connections.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const boundPort = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        host,
        port: boundPort,
        closeConnections,
        pause: () => {
          paused = true;
        },
        resume: (next) => {
          current = next;
          paused = false;
          const sockets = waiting;
          waiting = [];
          for (const socket of sockets) serve(socket, next);
        },
        close: async () => {
          const closed = new Promise<void>((done) => server.close(() => done()));
          for (const socket of waiting.splice(0)) socket.destroy();
          await closeConnections();
          await closed;
        },
      });
    });
  });
}
