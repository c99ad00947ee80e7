/**
 * The workbook server: the web app on HTTP and the run-control WebSocket at
 * /ws on the same port.
 */
import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BrokerTarget } from '../broker-connection.js';
import type { LessonCatalog } from '../lessons/index.js';
import { pythonProblem } from '../programs/python-check.js';
import type { Runner } from '../runs/index.js';
import { createWebApp } from './app.js';
import { DEFAULT_CLIENT_DIR } from './client-files.js';
import { createSocketSession, type SocketSession } from './socket-session.js';
import { checkUpgrade, hostHeader } from './request-guard.js';
import type { Lab } from '../lab/lab.js';
import { brokerAddress } from './broker-address.js';

/** The largest WebSocket message accepted; a run message with all its parameters is a few KiB. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** How often idle sockets are pinged, so a vanished browser's runs do not go on for ever. */
const PING_INTERVAL_MS = 30_000;

/** A running workbook server. */
export interface WorkbookServer {
  /** The address to open in a browser, e.g. http://127.0.0.1:8080/. */
  readonly url: string;
  /** The port it listens on (the one picked when asked for port 0). */
  readonly port: number;
  /** Stops every socket's runs, closes the sockets and the listener. Leaves the runner and broker to their owner. */
  close(): Promise<void>;
}

/** Options of createWorkbookServer. */
export interface WorkbookServerOptions {
  config: { host: string; port: number };
  broker: BrokerTarget;
  lessons: LessonCatalog;
  runner: Runner;
  /** Where the built client is; dist/client by default. */
  clientDir?: string;
  /** The port for programs of your own, whose connections the Lab page shows; no Lab page without it. */
  lab?: Lab;
}

/** Starts listening; rejects with the listen error (EADDRINUSE, EACCES ...) when the port cannot be had. */
export async function createWorkbookServer(options: WorkbookServerOptions): Promise<WorkbookServer> {
  const { config, broker, lessons, runner } = options;
  // The app is attached once the port is known: the API answers only requests addressed to it.
  const server = createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sessions = new Set<SocketSession>();
  const hello = { kind: broker.kind, url: brokerAddress(broker, options.lab) };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const address = { host: config.host, port };
  server.on('request', createWebApp({ broker, lessons, clientDir: options.clientDir ?? DEFAULT_CLIENT_DIR, address, lab: options.lab }));

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const verdict = checkUpgrade(request, address);
    if (!verdict.ok) {
      refuseUpgrade(socket, verdict.status, verdict.reason);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (webSocket) => {
      const session = createSocketSession({ socket: webSocket, runner, broker: hello, pythonProblem: pythonProblem(), lab: options.lab });
      sessions.add(session);
      webSocket.on('close', () => sessions.delete(session));
      keepAlive(webSocket);
    });
  });

  return {
    url: `http://${hostHeader(browsableHost(config.host), port)}/`,
    port,
    async close() {
      await Promise.all([...sessions].map((session) => session.close()));
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers a refused upgrade with a plain HTTP error, then hangs up. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Pings a socket now and then and ends it when a ping goes unanswered. */
function keepAlive(webSocket: WebSocket): void {
  let answered = true;
  webSocket.on('pong', () => {
    answered = true;
  });
  const timer = setInterval(() => {
    if (!answered) {
      webSocket.terminate();
      return;
    }
    answered = false;
    webSocket.ping();
  }, PING_INTERVAL_MS);
  timer.unref();
  webSocket.on('close', () => clearInterval(timer));
}

/** A server bound to every interface is opened through loopback on this machine. */
function browsableHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}
