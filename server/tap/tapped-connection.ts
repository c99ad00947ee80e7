/**
 * One client connection through the tap: the client's socket, a socket to
 * the broker, and the two directions between them. Each direction reads
 * whole frames (or messages), passes their bytes on unchanged through the
 * gate, and reports each as a trace event under the actor's name.
 *
 * The client's bytes are not read until the broker is reached; when it
 * cannot be, the trace says why and the client's connection is reset, so
 * its library fails the way it would against an absent broker.
 *
 * Flow control: a direction stops reading when the other socket's send
 * buffer is full, or when too many of its frames are held at the gate, so
 * a fast publisher slows down instead of filling the tap's memory.
 */
import { connect, type Socket } from 'node:net';
import type { FrameDirection, JsonTable, JsonValue } from '../protocol/trace.js';
import type { NewTraceEvent, TraceRecorder } from '../trace/recorder.js';
import { encodeMethod, NOT_ALLOWED } from '../amqp/index.js';
import type { Gate } from './gate.js';
import type { HandshakeCheck, Refusal, TapGuard } from './guard.js';
import { WireBytes } from './byte-queue.js';
import { WireReader, type WireUnit } from './wire-reader.js';

/** Held bytes per direction beyond which the tap stops reading from that side. */
const MAX_HELD_BYTES = 4 * 1024 * 1024;
/** How long a refused client's socket stays open, unless the client closes it first (RabbitMQ's silent close delay). */
const REFUSED_CLOSE_DELAY_MS = 3_000;

/** What every connection of a tap shares. */
export interface TapContext {
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  readonly gate: Gate;
  readonly recorder: TraceRecorder;
  readonly routing: PublishRouting | undefined;
  /** Names connections that did not come to an actor's own port; by connection_name alone when left out. */
  readonly naming: ConnectionNaming | undefined;
  /** Checks each client's handshake (the lab's); every handshake passes when left out. */
  readonly guard: TapGuard | undefined;
  /**
   * The largest frame the tap waits for in whole from a client, overhead included (0: no limit). Past it the
   * stream is passed on unread, for the broker to refuse, instead of being gathered in the tap's memory.
   */
  readonly maxClientFrame: number;
}

/** Who a client says it is in connection.start-ok, and where it connects from. */
export interface ClientIdentity {
  /** The connection_name client property, when the client set one. */
  connectionName: string | undefined;
  /** The client library's product and version properties, e.g. "pika" and "1.2.0". */
  product: string | undefined;
  version: string | undefined;
  /** The client's address and port as the tap sees them, e.g. "127.0.0.1:50122". */
  address: string;
}

/** How a tap whose clients are not a run's programs names their connections (see server/lab/client-names.ts). */
export interface ConnectionNaming {
  /** The actor a connection is shown as, once its client has said who it is. */
  name(client: ClientIdentity): string;
  /** The connection shown as `actor` has closed: its name is free again. */
  release(actor: string): void;
}

/** Where a publish goes, worked out from what the tap has seen (the run model); undefined when that cannot tell. */
export interface PublishRouting {
  route(exchange: string, routingKey: string, headers: JsonTable | undefined): { queues: string[]; matchedBindings: string[] } | undefined;
}

/** One direction: bytes read from `source`, cut into units, written to `target`. */
interface Direction {
  readonly direction: FrameDirection;
  readonly source: Socket;
  readonly target: Socket;
  readonly reader: WireReader;
  /** Bytes of this direction waiting at the gate. */
  heldBytes: number;
  waitingForDrain: boolean;
  paused: boolean;
  /** The source has closed; the target is ended once nothing of this direction waits at the gate. */
  sourceClosed: boolean;
  /** While a received chunk is being handled: the bytes to write when it is done. */
  outgoing: WireBytes | undefined;
}

/** A client connection proxied to the broker. */
/** An AMQP heartbeat frame: type 8, channel 0, no payload, frame end. */
const HEARTBEAT_FRAME = Buffer.from([8, 0, 0, 0, 0, 0, 0, 0xce]);

export class TappedConnection {
  /** Shown until the client names itself in connection.start-ok, unless the tap named it from the port it came to. */
  actor: string;
  /** Resolves once both sockets have closed. */
  readonly closed: Promise<void>;
  private readonly upstream: Socket;
  private readonly toBroker: Direction;
  private readonly toClient: Direction;
  private connected = false;
  /**
   * Until connection.open-ok has gone to the client, every frame passes at
   * once (still reported, in order): the broker gives a client 10 s to open
   * its connection (RabbitMQ's handshake_timeout), so a learner stepping
   * slowly would otherwise see the connection fail as if the port were wrong.
   */
  private handshaking = true;
  /** connection.close-ok went through: the sockets closing is the expected end, not a loss. */
  private closedCleanly = false;
  private lossReported = false;
  private lastError: NodeJS.ErrnoException | undefined;
  private socketsOpen = 2;
  private resolveClosed!: () => void;
  /** The name the tap's naming gave this connection, to give back when it closes. */
  private named: string | undefined;
  /** This connection's handshake check, when the tap has a guard. */
  private readonly check: HandshakeCheck | undefined;
  /** The tap refused the handshake: nothing more goes to the broker, and the client's socket closes soon. */
  private refused = false;
  private refusedTimer: NodeJS.Timeout | undefined;
  /**
   * With a naming, the frames before connection.start-ok (the protocol header, connection.start) wait here
   * until the client has said who it is, so that every frame of a connection is reported under one name.
   */
  private unnamed: NewTraceEvent[] | undefined;

  constructor(
    readonly id: number,
    private readonly client: Socket,
    private readonly context: TapContext,
    /** The actor whose own port the client connected to: its name, whatever connection_name the client gives. */
    private readonly portOwner?: string,
  ) {
    this.actor = portOwner ?? (context.naming === undefined ? `connection ${id}` : this.clientAddress);
    if (portOwner === undefined && context.naming !== undefined) this.unnamed = [];
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.upstream = connect({ host: context.upstreamHost, port: context.upstreamPort });
    this.toBroker = newDirection('to-broker', client, this.upstream, context.maxClientFrame);
    this.toClient = newDirection('to-client', this.upstream, client, 0);
    this.check = context.guard?.({ client: this.clientAddress, arrivedAt: client.localAddress });
    client.setNoDelay(true);
    this.upstream.setNoDelay(true);

    this.upstream.once('connect', () => {
      this.connected = true;
      client.resume();
    });
    for (const direction of [this.toBroker, this.toClient]) {
      direction.source.on('data', (chunk: Buffer) => this.handleData(direction, chunk));
      direction.source.on('error', (error) => {
        this.lastError = error;
      });
      direction.source.once('close', () => this.handleSourceClosed(direction));
    }
  }

  /** Where the client connects from, as "host:port". */
  get clientAddress(): string {
    // An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d; a person knows it as a.b.c.d.
    const host = (this.client.remoteAddress ?? 'unknown address').replace(/^::ffff:/, '');
    return `${host.includes(':') ? `[${host}]` : host}:${this.client.remotePort ?? 0}`;
  }

  /** The port of the client's own socket: how the client's end names this connection. */
  get clientPort(): number | undefined {
    return this.client.remotePort;
  }

  /** The port of the tap's socket to the broker: how the broker's end names this connection. */
  get upstreamPort(): number | undefined {
    return this.upstream.localPort;
  }

  /** Bytes written towards the broker so far, including any still in the socket's buffer. */
  get bytesToBroker(): number {
    return this.upstream.bytesWritten;
  }

  /** Bytes read from the client so far. */
  get bytesFromClient(): number {
    return this.client.bytesRead;
  }

  /**
   * Whether the client's first `bytes` bytes have been read and handed to the broker's socket, except
   * frames the gate holds (those wait for the learner, not for the network).
   */
  hasPassedOn(bytes: number): boolean {
    if (this.client.bytesRead < bytes) return false;
    return (this.toBroker.heldBytes === 0 || this.context.gate.holding) && this.upstream.writableLength === 0;
  }

  /**
   * Sends the broker a heartbeat frame on the client's behalf, between two
   * whole frames (the tap passes on only whole frames). For a client that
   * stands still (frozen while its run is paused), so the broker does not
   * take its silence for a dead connection. Heartbeats are not traced.
   */
  beatForClient(): void {
    if (!this.connected || this.handshaking || this.toBroker.sourceClosed) return;
    this.write(this.toBroker, WireBytes.of(HEARTBEAT_FRAME));
  }

  /** Closes both sockets at once, without waiting for held frames. */
  destroy(reason: string): void {
    this.lastError ??= new Error(reason);
    this.client.destroy();
    this.upstream.destroy();
  }

  private handleData(direction: Direction, chunk: Buffer): void {
    let units: WireUnit[];
    try {
      units = direction.reader.push(chunk);
    } catch (error) {
      // The reader reports bad bytes as units; anything thrown is a bug, and must not take the process down.
      this.destroy(`the tap failed to read the stream: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (this.refused) {
      this.readAfterRefusal(direction, units);
      return;
    }
    // Frames that pass at once are collected and written together: usually the received chunk itself, in one write.
    direction.outgoing = new WireBytes();
    for (const unit of units) {
      if (unit.kind === 'heartbeat') {
        direction.outgoing.appendAll(unit.raw);
        continue;
      }
      const refusal = direction === this.toBroker ? this.checkHandshake(unit) : undefined;
      if (refusal !== undefined) {
        this.refuse(unit, refusal);
        break;
      }
      direction.heldBytes += unit.size;
      if (this.handshaking) this.forward(direction, unit);
      else this.context.gate.submit(this, () => this.forward(direction, unit));
      if (unit.method === 'connection.open-ok' && direction === this.toClient) this.handshaking = false;
    }
    const outgoing = direction.outgoing;
    direction.outgoing = undefined;
    this.write(direction, outgoing);
    this.updateFlow(direction);
  }

  /** What the guard says of a client's method during the handshake; undefined when it may pass. */
  private checkHandshake(unit: WireUnit): Refusal | undefined {
    if (this.check === undefined || !this.handshaking || unit.decoded === undefined) return undefined;
    try {
      return this.check(unit.decoded);
    } catch (error) {
      // A flaw in the check must not let the method through unchecked, nor take the workbook down.
      console.error('the tap could not check a handshake:', error);
      return { reason: 'the handshake could not be checked', close: internalRefusal() };
    }
  }

  /**
   * Refuses the client's method in the broker's place: it never reaches the broker, the client hears the
   * refusal (connection.close, when the broker would send one), and the connection ends once the client closes
   * it or after a pause, as RabbitMQ ends a refused handshake.
   */
  private refuse(unit: WireUnit, refusal: Refusal): void {
    this.refused = true;
    this.report('to-broker', unit);
    this.upstream.destroy();
    if (refusal.close !== undefined) {
      const frame = encodeMethod(0, 'connection.close', refusal.close);
      if (!this.client.destroyed && !this.client.writableEnded) this.client.write(frame);
      for (const shown of new WireReader().push(frame)) this.report('to-client', shown);
    }
    this.refusedTimer = setTimeout(() => this.client.destroy(), REFUSED_CLOSE_DELAY_MS);
    this.refusedTimer.unref();
  }

  /** After a refusal the client's bytes go nowhere; its close-ok (to the tap's connection.close) ends the connection. */
  private readAfterRefusal(direction: Direction, units: WireUnit[]): void {
    if (direction !== this.toBroker) return;
    for (const unit of units) {
      if (unit.decoded?.name !== 'connection.close-ok') continue;
      this.report('to-broker', unit);
      this.client.end();
      return;
    }
  }

  /** Passes a unit on and reports it; runs when the gate lets it through. */
  private forward(direction: Direction, unit: WireUnit): void {
    direction.heldBytes -= unit.size;
    // Frames for a socket that has gone were never delivered, so they are not reported either.
    if (direction.target.destroyed) return;
    if (direction.outgoing) direction.outgoing.appendAll(unit.raw);
    else this.write(direction, unit.raw);
    if (unit.kind === 'report') this.report(direction.direction, unit);
    if (direction.sourceClosed && direction.heldBytes === 0) direction.target.end();
    else this.updateFlow(direction);
  }

  private write(direction: Direction, raw: WireBytes): void {
    const { target } = direction;
    if (raw.length === 0 || target.destroyed || target.writableEnded) return;
    const roomLeft = target.write(raw.toBuffer());
    if (!roomLeft && !direction.waitingForDrain) {
      direction.waitingForDrain = true;
      target.once('drain', () => {
        direction.waitingForDrain = false;
        this.updateFlow(direction);
      });
    }
  }

  private report(direction: FrameDirection, unit: WireUnit): void {
    const { recorder, routing } = this.context;
    const method = unit.decoded;
    if (method?.name === 'connection.start-ok') {
      const properties = method.fields.clientProperties;
      const name = connectionName(properties.connection_name);
      const { naming } = this.context;
      if (this.portOwner === undefined && naming !== undefined) {
        this.named = naming.name({
          connectionName: name,
          product: connectionName(properties.product),
          version: connectionName(properties.version),
          address: this.clientAddress,
        });
        this.actor = this.named;
        this.reportUnnamed();
      } else if (name !== undefined && this.portOwner === undefined) this.actor = name;
    } else if (method?.name === 'connection.close-ok') {
      this.closedCleanly = true;
    }
    // The wire reader renders each method's fields from the codec's own decoding, so they have the shape the
    // method table gives them; the cast names that shape for the trace.
    const event = {
      kind: 'frame',
      actor: this.actor,
      connection: this.id,
      direction,
      channel: unit.channel,
      method: unit.method,
      fields: unit.fields,
      ...(unit.message ? { message: unit.message } : {}),
    } as NewTraceEvent;
    if (this.unnamed !== undefined) {
      this.unnamed.push(event);
      return;
    }
    recorder.add(event);
    if (routing && direction === 'to-broker' && method?.name === 'basic.publish') {
      try {
        const decision = routingDecision(routing, method.fields.exchange, method.fields.routingKey, unit.message?.properties.headers);
        if (decision !== undefined) recorder.add(decision);
      } catch (error) {
        // The frame has passed already; a flaw in following the topology costs a decision, never the connection.
        console.error('the tap could not follow the routing of a frame:', error);
      }
    }
  }

  private updateFlow(direction: Direction): void {
    if (!this.connected || direction.source.destroyed) return;
    const shouldPause = direction.waitingForDrain || direction.heldBytes > MAX_HELD_BYTES;
    if (shouldPause && !direction.paused) {
      direction.paused = true;
      direction.source.pause();
    } else if (!shouldPause && direction.paused) {
      direction.paused = false;
      direction.source.resume();
    }
  }

  private handleSourceClosed(direction: Direction): void {
    direction.sourceClosed = true;
    if (this.refused) {
      // The tap ended the broker's side itself; the client's side closes by the refusal's own rules.
      this.reportUnnamed();
    } else if (direction === this.toClient && !this.connected) {
      this.reportUnreachable();
      this.client.resetAndDestroy();
    } else {
      this.reportLoss(direction);
      if (direction.heldBytes === 0 && !direction.target.destroyed) direction.target.end();
    }
    this.socketsOpen -= 1;
    if (this.socketsOpen === 0) this.finish();
  }

  /** Reports the frames that waited for the connection's name, under the name it has now. */
  private reportUnnamed(): void {
    const waiting = this.unnamed;
    this.unnamed = undefined;
    for (const event of waiting ?? []) this.context.recorder.add({ ...event, actor: this.actor } as NewTraceEvent);
  }

  private reportUnreachable(): void {
    this.reportUnnamed();
    const { upstreamHost: host, upstreamPort: port, recorder } = this.context;
    const code = this.lastError?.code;
    const fields = {
      host,
      port,
      reason: this.lastError?.message ?? 'the connection closed before it was established',
      ...(code === undefined ? {} : { code }),
    };
    recorder.add({
      kind: 'frame',
      actor: this.actor,
      connection: this.id,
      direction: 'to-broker',
      channel: 0,
      method: 'broker-unreachable',
      fields,
    });
    this.lossReported = true;
  }

  /** A connection that ends without the close handshake is worth a line in the trace: the broker sees it vanish. */
  private reportLoss(direction: Direction): void {
    this.reportUnnamed();
    if (this.closedCleanly || this.lossReported) return;
    this.lossReported = true;
    const fields = {
      closedBy: direction.direction === 'to-broker' ? ('client' as const) : ('broker' as const),
      ...(this.lastError ? { reason: this.lastError.message } : {}),
    };
    this.context.recorder.add({
      kind: 'frame',
      actor: this.actor,
      connection: this.id,
      direction: direction.direction,
      channel: 0,
      method: 'connection-lost',
      fields,
    });
  }

  private finish(): void {
    clearTimeout(this.refusedTimer);
    this.context.gate.forget(this);
    if (this.named !== undefined) this.context.naming?.release(this.named);
    this.resolveClosed();
  }
}

function newDirection(direction: FrameDirection, source: Socket, target: Socket, maxFrameSize: number): Direction {
  return {
    direction,
    source,
    target,
    reader: new WireReader(maxFrameSize),
    heldBytes: 0,
    waitingForDrain: false,
    paused: false,
    sourceClosed: false,
    outgoing: undefined,
  };
}

/** connection.close for a handshake the tap could not check: refused, as a broker refuses what it cannot handle. */
function internalRefusal(): NonNullable<Refusal['close']> {
  return { replyCode: NOT_ALLOWED, replyText: 'NOT_ALLOWED - the connection could not be checked', classId: 0, methodId: 0 };
}

/** The connection_name client property, when the client set one. */
function connectionName(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (Buffer.isBuffer(value) && value.length > 0) return value.toString('utf8');
  return undefined;
}

/** The routing decision for a publish, as the tap reports it; undefined when the routing cannot tell. */
function routingDecision(
  routing: PublishRouting,
  exchange: string,
  routingKey: string,
  headers: JsonValue | undefined,
): NewTraceEvent | undefined {
  const table = headers !== null && typeof headers === 'object' && !Array.isArray(headers) ? headers : undefined;
  const result = routing.route(exchange, routingKey, table);
  if (result === undefined) return undefined;
  if (result.queues.length > 0) {
    return { kind: 'broker', decision: 'routed', exchange, routingKey, matchedBindings: result.matchedBindings, queues: result.queues };
  }
  const where =
    exchange === ''
      ? `there is no queue named "${routingKey}"`
      : `no binding of exchange "${exchange}" matches routing key "${routingKey}"`;
  return {
    kind: 'broker',
    decision: 'unroutable',
    exchange,
    routingKey,
    matchedBindings: result.matchedBindings,
    queues: [],
    reason: `${where}, so the message is dropped (or returned, if it was published as mandatory)`,
  };
}
