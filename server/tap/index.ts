/**
 * The tap: an AMQP 0-9-1 proxy between a run's clients and the broker.
 * Every frame in both directions passes through it unchanged and is
 * reported to the run's trace, decoded, under the name of the actor whose
 * connection carried it. It can also hold frames back, so a run can be
 * paused and stepped one protocol event at a time.
 *
 *   const tap = await startTap({ upstreamHost: '127.0.0.1', upstreamPort: 5672, recorder });
 *   amqp.connect(`amqp://guest:guest@${tap.host}:${tap.port}`, { clientProperties: { connection_name: 'producer' } });
 *
 * A program started twice (two copies of one worker) gives the same
 * connection_name both times; each copy can be given a port of its own
 * instead, whose connections carry the name the port was opened for:
 *
 *   const port = await tap.portFor('worker 3');
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { TraceRecorder } from '../trace/recorder.js';
import { catchUp, catchUpWithStillClients, type BrokerReadCount } from './catch-up.js';
import { createGate } from './gate.js';
import type { TapGuard } from './guard.js';
import { TappedConnection, type ConnectionNaming, type PublishRouting } from './tapped-connection.js';

export type { ClientIdentity, ConnectionNaming, PublishRouting } from './tapped-connection.js';
export type { Arrival, HandshakeCheck, Refusal, TapGuard } from './guard.js';

/** A running tap. */
export interface Tap {
  /** Where clients connect instead of the broker (loopback, unless TapOptions.host says otherwise). */
  readonly host: string;
  readonly port: number;
  /** Stops passing frames on (pause / step mode); heartbeats and each connection's opening handshake always pass. */
  hold(): void;
  /** Passes everything held, in order, and stops holding. */
  release(): void;
  /** Passes exactly one held frame (a message with its header and body counts as one); false if none is waiting. */
  step(): boolean;
  /** Frames waiting to be stepped or released. */
  readonly waiting: number;
  /**
   * Resolves once every byte the clients' sockets have written so far has passed through the tap (frames held
   * at the gate excepted) and, where `brokerRead` can tell, been read by the broker: a snapshot taken then
   * includes everything the programs did before it. Bounded: after two seconds it resolves anyway.
   */
  catchUp(clients: readonly Socket[], brokerRead?: BrokerReadCount): Promise<void>;
  /** The same for clients in other processes, once they stand still (frozen): resolves once the tap has read and passed on all they wrote. */
  catchUpWithStillClients(brokerRead?: BrokerReadCount): Promise<void>;
  /**
   * Opens a port (on the tap's host) of the actor's own: every connection to it is reported under that name,
   * whatever connection_name its client gives. Asking again for the same actor gives the same port.
   */
  portFor(actor: string): Promise<number>;
  /**
   * While on, sends the broker a heartbeat for every client about once a
   * second: for clients that stand still (frozen) and cannot send their own.
   */
  beatForClients(on: boolean): void;
  /** Closes the listeners and every proxied connection. */
  close(): Promise<void>;
}

/** Options for startTap. */
export interface TapOptions {
  /** The broker the tap forwards to. */
  upstreamHost: string;
  upstreamPort: number;
  /** The run's trace, which gets one event per frame. */
  recorder: TraceRecorder;
  /**
   * Also report where each publish goes, as `routing` works it out from the declares and binds seen so far (the
   * run model, for brokers that do not report their own decisions).
   */
  routing?: PublishRouting;
  /**
   * The address the tap listens on; default 127.0.0.1. A run whose programs run on another machine gives this
   * host's end of the link to it, so they reach the tap the way they would reach a broker on the network.
   */
  host?: string;
  /** The port the tap listens on; any free one when left out. */
  port?: number;
  /**
   * Names the connections of clients that are not a run's programs (the lab's): by default a connection is its
   * client's connection_name.
   */
  naming?: ConnectionNaming;
  /**
   * Checks every client's opening handshake, for a port open to programs of any kind (the lab's): what it
   * refuses never reaches the broker (see guard.ts). Every handshake passes when left out.
   */
  guard?: TapGuard;
  /**
   * The largest frame, overhead included, the tap gathers in whole from a client before passing it on; past it
   * the client's stream is passed on unread for the broker to refuse. No limit when left out (a run's own programs).
   */
  maxClientFrame?: number;
}

/** How often the tap beats for clients that stand still: within the shortest heartbeat interval a client may ask for (1 s). */
const CLIENT_BEAT_MS = 500;

/** Starts a tap listening at a free port of its host (127.0.0.1 by default). */
export async function startTap(options: TapOptions): Promise<Tap> {
  const gate = createGate();
  const context = {
    upstreamHost: options.upstreamHost,
    upstreamPort: options.upstreamPort,
    gate,
    recorder: options.recorder,
    routing: options.routing,
    naming: options.naming,
    guard: options.guard,
    maxClientFrame: options.maxClientFrame ?? 0,
  };
  const connections = new Set<TappedConnection>();
  let nextId = 1;

  /** A listener on the tap's host at a free port; its connections are named after `portOwner` when given. */
  async function listen(portOwner?: string, port = 0): Promise<Server> {
    // Paused until the broker is reached, so the client's bytes wait in its socket, not in the tap.
    const server = createServer({ pauseOnConnect: true }, (client: Socket) => {
      const connection = new TappedConnection(nextId++, client, context, portOwner);
      connections.add(connection);
      void connection.closed.then(() => connections.delete(connection));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Errors accepting a connection (out of file descriptors, say) must not take the workbook down.
    server.on('error', (error) => console.error('the tap could not accept a connection:', error));
    return server;
  }

  const server = await listen(undefined, options.port);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the tap has no TCP address');
  const actorPorts = new Map<string, Promise<Server>>();
  let beating: NodeJS.Timeout | undefined;

  return {
    host: address.address,
    port: address.port,
    hold: () => gate.hold(),
    release: () => gate.release(),
    step: () => gate.step(),
    get waiting() {
      return gate.waiting;
    },
    catchUp: (clients, brokerRead) => catchUp(() => connections, clients, brokerRead),
    catchUpWithStillClients: (brokerRead) => catchUpWithStillClients(() => connections, brokerRead),
    async portFor(actor) {
      let listening = actorPorts.get(actor);
      if (listening === undefined) {
        listening = listen(actor);
        actorPorts.set(actor, listening);
      }
      const own = (await listening).address();
      if (own === null || typeof own === 'string') throw new Error(`the tap has no TCP address for ${actor}`);
      return own.port;
    },
    beatForClients(on) {
      if (on && beating === undefined) {
        beating = setInterval(() => {
          for (const connection of connections) connection.beatForClient();
        }, CLIENT_BEAT_MS);
      } else if (!on && beating !== undefined) {
        clearInterval(beating);
        beating = undefined;
      }
    },
    async close() {
      clearInterval(beating);
      const servers = [server, ...(await Promise.all(actorPorts.values()))];
      const closing = servers.map((listener) => new Promise<void>((resolve) => listener.close(() => resolve())));
      for (const connection of connections) connection.destroy('the tap was closed');
      await Promise.all([...closing, ...[...connections].map((connection) => connection.closed)]);
    },
  };
}
