/**
 * Catching up with the clients. A program's last frames may still be on
 * their way when the run looks at the broker: an ack written a moment ago
 * sits in the client's socket, then in the tap, then in the broker's socket.
 * A snapshot taken before they arrive would show that task still
 * unacknowledged, an outcome that depends on the machine's load. Everything
 * here is one process talking over loopback, so the byte counts of each hop
 * say exactly when the frames have arrived.
 */
import type { ChannelModel } from 'amqplib';
import { Socket } from 'node:net';

/** One proxied connection, as catching up needs to see it. */
export interface PassingConnection {
  readonly clientPort: number | undefined;
  readonly upstreamPort: number | undefined;
  readonly bytesToBroker: number;
  /** Bytes read from the client so far. */
  readonly bytesFromClient: number;
  hasPassedOn(bytes: number): boolean;
}

/** Says how many bytes the broker has read from the connection whose client end is bound to `port`. */
export type BrokerReadCount = (port: number) => number | undefined;

/** Turns of the event loop a client library may take to write what a program sent. */
const CLIENT_WRITE_TURNS = 2;

/** The longest a run waits for its clients' frames before looking anyway. */
const CATCH_UP_LIMIT_MS = 2000;

/**
 * Resolves once every byte `clients` have written so far has been read by the tap and passed on (frames the gate
 * holds excepted) and, where `brokerRead` can tell, read by the broker; or after CATCH_UP_LIMIT_MS, whichever is first.
 */
export async function catchUp(
  connections: () => Iterable<PassingConnection>,
  clients: readonly Socket[],
  brokerRead: BrokerReadCount | undefined,
): Promise<void> {
  // Client libraries queue a channel's frames and write them on a later turn of the event loop (amqplib does):
  // let them, so that what the programs sent before now is counted as written.
  for (let turn = 0; turn < CLIENT_WRITE_TURNS; turn += 1) await nextTurn();
  const written = new Map<number, number>();
  for (const socket of clients) {
    if (socket.localPort !== undefined && !socket.destroyed) written.set(socket.localPort, socket.bytesWritten);
  }
  const deadline = Date.now() + CATCH_UP_LIMIT_MS;
  while (!caughtUp(connections(), written, brokerRead) && Date.now() < deadline) {
    await nextTurn();
  }
}

/** Turns in a row in which the tap must read nothing new before clients that stand still count as all read. */
const STILL_TURNS = 3;

/**
 * Like catchUp, for clients in processes that stand still (frozen): what they
 * wrote before is already on its way to the tap, so once the tap has read
 * nothing new for a few turns, everything it read must have been passed on
 * and, where `brokerRead` can tell, read by the broker.
 */
export async function catchUpWithStillClients(
  connections: () => Iterable<PassingConnection>,
  brokerRead: BrokerReadCount | undefined,
): Promise<void> {
  const deadline = Date.now() + CATCH_UP_LIMIT_MS;
  const readSoFar = (): Map<number, number> => {
    const read = new Map<number, number>();
    for (const connection of connections())
      if (connection.clientPort !== undefined) read.set(connection.clientPort, connection.bytesFromClient);
    return read;
  };
  let read = readSoFar();
  let still = 0;
  while (Date.now() < deadline) {
    await nextTurn();
    const now = readSoFar();
    const same = now.size === read.size && [...now].every(([port, bytes]) => read.get(port) === bytes);
    read = now;
    still = same ? still + 1 : 0;
    if (still >= STILL_TURNS && caughtUp(connections(), read, brokerRead)) return;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function caughtUp(
  connections: Iterable<PassingConnection>,
  written: ReadonlyMap<number, number>,
  brokerRead: BrokerReadCount | undefined,
): boolean {
  for (const connection of connections) {
    const port = connection.clientPort;
    const bytes = port === undefined ? undefined : written.get(port);
    if (bytes === undefined) continue;
    if (!connection.hasPassedOn(bytes)) return false;
    const upstreamPort = connection.upstreamPort;
    const read = upstreamPort === undefined || brokerRead === undefined ? undefined : brokerRead(upstreamPort);
    if (read !== undefined && read < connection.bytesToBroker) return false;
  }
  return true;
}

/** The sockets under amqplib connections (amqplib keeps each as `connection.stream`, outside its types). */
export function socketsOf(models: Iterable<ChannelModel>): Socket[] {
  const sockets: Socket[] = [];
  for (const model of models) {
    const stream: unknown = (model.connection as unknown as { stream?: unknown }).stream;
    if (stream instanceof Socket) sockets.push(stream);
  }
  return sockets;
}
