/**
 * One client connection: the protocol header, the handshake (start, login,
 * tune, open), heartbeats, the channels, blocking while the memory alarm is
 * set, and closing in both directions.
 *
 * Blocking follows RabbitMQ's reader. While the alarm is set a connection
 * that only consumes goes on as usual; one that publishes (sends a content
 * frame) is blocked right after that frame: nothing more it sent is
 * processed and its socket is not read, until the alarm clears. Clients that
 * announce the connection.blocked capability are told with
 * connection.blocked ("low on memory") and connection.unblocked.
 *
 * Failures follow RabbitMQ. Before the connection is tuned a failure closes
 * the socket after a short pause without a word (only a refused login is
 * explained, to clients that announce authentication_failure_close). After
 * that, a channel exception closes the channel with channel.close and a
 * connection exception closes everything with connection.close. Whatever a
 * client sends, nothing is thrown out of this file: an unexpected failure
 * closes this connection with 541 INTERNAL_ERROR and leaves others alone.
 *
 * Like RabbitMQ (which closes with SO_LINGER 0), the broker ends a socket it
 * gives up on with a TCP reset, which clients see as ECONNRESET: after a
 * failed handshake, at close-ok or its timeout, when heartbeats stop. When
 * the client closes the connection, closing the socket is left to it. Only
 * a wrong protocol header is answered and ended gracefully (RabbitMQ does
 * either, from one connection to the next).
 */
import type { Socket } from 'node:net';
import {
  CodecError,
  FRAME_HEARTBEAT,
  FRAME_METHOD,
  PROTOCOL_HEADER,
  decodeMethod,
  encodeMethod,
  type FieldTable,
  type MethodArgs,
  type MethodName,
} from '../amqp/index.js';
import { resourceAccess, vhostAccessRefused, type ResourceAccess } from './access/resource-access.js';
import { AUTH_MECHANISMS, loginRefusedText, readCredentials } from './auth.js';
import type { Broker, ConsumerTimeout } from './broker.js';
import { Channel } from './channel.js';
import type { ChannelHost } from './channel-host.js';
import { AmqpError, ReplyCode } from './errors.js';
import type { BrokerEvents } from './events.js';
import { FrameInput, FrameSyncLost, describeFrame } from './frame-input.js';
import { FrameOutput } from './frame-output.js';
import { startHeartbeats } from './heartbeats.js';
import { SlabAllocator } from './message.js';
import { ContentState } from './publishing.js';
import type { VirtualHost } from './vhost.js';

/** Where the connection is in its life. */
type ConnectionState = 'awaiting-header' | 'starting' | 'tuning' | 'opening' | 'open' | 'closing' | 'closed';

/** Time allowed from connecting to connection.open (RabbitMQ's handshake_timeout). */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Pause before silently closing a connection that failed its handshake (RabbitMQ's silent close delay). */
const SILENT_CLOSE_DELAY_MS = 3_000;
/** Longest wait for the client to answer or end a closing connection; a shorter heartbeat interval is used instead. */
const CLOSING_TIMEOUT_S = 30;
const FRAME_MIN_SIZE = 4096;
const MAX_REPLY_TEXT_BYTES = 255;
/** RabbitMQ's reason in connection.blocked for the memory alarm. */
const LOW_ON_MEMORY = 'low on memory';

/** What connection.start tells clients about this broker. */
function serverProperties(): FieldTable {
  return {
    capabilities: {
      publisher_confirms: true,
      exchange_exchange_bindings: true,
      'basic.nack': true,
      consumer_cancel_notify: true,
      'connection.blocked': true,
      consumer_priorities: true,
      authentication_failure_close: true,
      per_consumer_qos: true,
      direct_reply_to: true,
    },
    cluster_name: 'warren@localhost',
    copyright: 'Warren contributors',
    information: 'Warren embedded broker: an AMQP 0-9-1 broker that behaves like RabbitMQ 3.x, for learning',
    platform: `Node.js ${process.version}`,
    product: 'Warren',
    version: '3.10.8',
  };
}

/** A reply text cut to the 255 bytes a short string can hold. */
function fitReplyText(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= MAX_REPLY_TEXT_BYTES
    ? text
    : bytes
        .subarray(0, MAX_REPLY_TEXT_BYTES)
        .toString('utf8')
        .replace(/\uFFFD$/, '');
}

/** Before connection.open no resource may be touched (no channel exists yet either). */
const NO_ACCESS: ResourceAccess = {
  check() {
    throw new Error('no virtual host is open: channels exist only after connection.open');
  },
};

/** One AMQP connection. */
export class Connection implements ChannelHost {
  readonly output: FrameOutput;
  readonly slabs = new SlabAllocator();
  readonly owner = this;
  /** Display name, like RabbitMQ's "client address -> server address", or the client's connection_name. */
  name: string;
  username = '';
  /** What the user may do in the opened vhost (nothing before connection.open). */
  access: ResourceAccess = NO_ACCESS;
  consumerCancelNotify = false;
  frameMax = FRAME_MIN_SIZE;
  private state: ConnectionState = 'awaiting-header';
  private openedVhost: VirtualHost | undefined;
  private readonly input: FrameInput;
  private readonly channels = new Map<number, Channel>();
  private channelMax = 0;
  private authenticationFailureClose = false;
  /** The client announced the connection.blocked capability: it is told when it is blocked and unblocked. */
  private blockedNotifications = false;
  /** Published during the memory alarm: nothing it sends is read until the alarm clears. */
  private blocked = false;
  private blockedNoticeSent = false;
  private headerBytes: Buffer | undefined;
  private pendingConfirms: (() => void)[] = [];
  private handshakeTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private stopHeartbeats: (() => void) | undefined;
  /** The negotiated heartbeat interval in seconds (0: none). */
  private heartbeatSeconds = 0;
  private cleanedUp = false;
  private closeReason = 'client closed the socket';

  /** The port of the client's end of the socket. */
  get clientPort(): number | undefined {
    return this.socket.remotePort;
  }

  /** Bytes read from the client so far; each chunk is handled as it is read. */
  get bytesRead(): number {
    return this.socket.bytesRead;
  }

  constructor(
    private readonly socket: Socket,
    private readonly broker: Broker,
  ) {
    this.name = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'} -> ${socket.localAddress ?? '?'}:${socket.localPort ?? '?'}`;
    socket.setNoDelay(true);
    this.output = new FrameOutput(
      socket,
      () => this.flushConfirms(),
      () => this.resumeDeliveries(),
      () => this.updateReading(),
    );
    this.input = new FrameInput((type, channel, payload) => this.handleFrame(type, channel, payload));
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => {
      this.closeReason = `socket error: ${error.message}`;
    });
    socket.on('close', () => this.cleanUp());
    this.handshakeTimer = setTimeout(() => {
      this.closeReason = 'handshake timed out';
      this.destroy();
    }, HANDSHAKE_TIMEOUT_MS);
  }

  /** Whether the user is tagged impersonator (read as each message is published, so a new tag applies at once). */
  get impersonator(): boolean {
    return this.broker.users.tagsOf(this.username).includes('impersonator');
  }

  /** The virtual host opened by connection.open (channels only exist after it). */
  get vhost(): VirtualHost {
    if (this.openedVhost === undefined) throw new Error('no virtual host is open: channels exist only after connection.open');
    return this.openedVhost;
  }

  /** The broker's event emitter. */
  get events(): BrokerEvents {
    return this.broker.events;
  }

  /** Closes the connection from the broker's side (e.g. the broker is stopping or the vhost is deleted). */
  forceClose(code: number, detail: string): void {
    if (this.state === 'open') this.closeWithError(new AmqpError(code, detail, { hard: true }));
    else this.destroy();
  }

  /** Drops the socket at once. */
  terminate(): void {
    this.destroy();
  }

  /** Memory the connection keeps: its channels' messages, its output and unprocessed input, its slab. */
  get heldBytes(): number {
    let bytes = this.output.heldBytes + this.input.pendingBytes + this.slabs.heldBytes;
    for (const channel of this.channels.values()) bytes += channel.heldBytes;
    return bytes;
  }

  /** The memory alarm was set or cleared; once it clears a blocked connection reads again (on the next turn). */
  memoryAlarmChanged(): void {
    if (this.blocked && !this.broker.memory.alarmed) setImmediate(() => this.unblock());
  }

  /** Whether the connection has opened the named vhost. */
  isOn(vhost: string): boolean {
    return this.openedVhost?.name === vhost;
  }

  confirmsPending(flush: () => void): void {
    this.pendingConfirms.push(flush);
    this.output.scheduleFlush();
  }

  private flushConfirms(): void {
    if (this.pendingConfirms.length === 0) return;
    const flushes = this.pendingConfirms;
    this.pendingConfirms = [];
    for (const flush of flushes) flush();
  }

  private resumeDeliveries(): void {
    for (const channel of this.channels.values()) {
      if (channel.state === 'open') channel.consuming.dispatchAll();
    }
  }

  // ---------------------------------------------------------------- input

  private receive(chunk: Buffer): void {
    this.broker.memory.received(chunk.length);
    try {
      if (this.state === 'awaiting-header') {
        chunk = this.readProtocolHeader(chunk);
        // Nothing is left while the header is incomplete or was refused.
        if (chunk.length === 0) return;
      }
      if (this.state === 'closed') return;
      this.input.push(chunk);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Collects the 8-byte protocol header; answers a wrong one with ours and closes. Returns the bytes after it. */
  private readProtocolHeader(chunk: Buffer): Buffer {
    const bytes = this.headerBytes === undefined ? chunk : Buffer.concat([this.headerBytes, chunk]);
    if (bytes.length < PROTOCOL_HEADER.length) {
      this.headerBytes = bytes;
      return Buffer.alloc(0);
    }
    this.headerBytes = undefined;
    if (!bytes.subarray(0, PROTOCOL_HEADER.length).equals(PROTOCOL_HEADER)) {
      this.closeReason = 'wrong protocol header';
      this.state = 'closed';
      this.socket.end(PROTOCOL_HEADER);
      return Buffer.alloc(0);
    }
    this.state = 'starting';
    this.send(0, 'connection.start', {
      versionMajor: 0,
      versionMinor: 9,
      serverProperties: serverProperties(),
      mechanisms: AUTH_MECHANISMS.join(' '),
      locales: 'en_US',
    });
    return bytes.subarray(PROTOCOL_HEADER.length);
  }

  private handleFrame(type: number, channelNumber: number, payload: Buffer): void {
    if (this.state === 'closed') return;
    if (channelNumber === 0) {
      this.broker.framesHandled += 1;
      if (type === FRAME_HEARTBEAT) return;
      if (type !== FRAME_METHOD) {
        throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, describeFrame(type, payload), { hard: true });
      }
      this.handleConnectionMethod(payload);
      return;
    }
    if (this.state === 'closing') return;
    const channel = this.channels.get(channelNumber);
    // A closing channel drops most frames unread (handleClosingChannel counts the ones it acts on).
    if (channel?.state !== 'closing') this.broker.framesHandled += 1;
    if (this.state !== 'open') {
      throw new AmqpError(ReplyCode.CHANNEL_ERROR, `unexpected frame on channel ${channelNumber} in connection state ${this.state}`, {
        hard: true,
      });
    }
    if (type === FRAME_HEARTBEAT) {
      throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, describeFrame(type, payload), { hard: true });
    }
    const classId = type === FRAME_METHOD && payload.length >= 4 ? payload.readUInt16BE(0) : 0;
    const methodId = type === FRAME_METHOD && payload.length >= 4 ? payload.readUInt16BE(2) : 0;
    if (channel === undefined) {
      this.handleUnopenedChannel(channelNumber, type, classId, methodId);
      return;
    }
    if (channel.state === 'closing') {
      this.handleClosingChannel(channel, type, classId, methodId);
      return;
    }
    if (classId === 20 && methodId === 40 && channel.publishing.state === ContentState.Method) {
      channel.forget();
      this.channels.delete(channelNumber);
      this.send(channelNumber, 'channel.close-ok', {});
      return;
    }
    try {
      channel.handleFrame(type, payload);
    } catch (error) {
      const amqpError = this.asAmqpError(error, payload, type);
      if (amqpError.hard) throw amqpError;
      this.closeChannelWithError(channel, amqpError);
    }
    // A content frame is what counts as publishing.
    if (type !== FRAME_METHOD && this.broker.memory.alarmed) this.block();
  }

  // ------------------------------------------------------------- blocking

  /** Stops processing and reading what the client sends, telling it why if it asked to be told. */
  private block(): void {
    this.blocked = true;
    this.input.pause();
    this.updateReading();
    if (this.blockedNotifications && !this.blockedNoticeSent) {
      this.blockedNoticeSent = true;
      this.send(0, 'connection.blocked', { reason: LOW_ON_MEMORY });
    }
  }

  /** The alarm has cleared: processes what waited and reads again. */
  private unblock(): void {
    if (!this.blocked || this.broker.memory.alarmed || this.state === 'closed') return;
    if (this.blockedNoticeSent) {
      this.blockedNoticeSent = false;
      this.send(0, 'connection.unblocked', {});
    }
    this.readAgain();
  }

  /** Leaves the blocked state: what waited is processed now and the socket is read again. */
  private readAgain(): void {
    this.blocked = false;
    try {
      this.input.resume();
    } catch (error) {
      this.fail(error);
    }
    this.updateReading();
  }

  /** Whether the socket is left unread: the client is blocked, or does not read what it is sent. */
  private get readingPaused(): boolean {
    return this.blocked || this.output.backlogged;
  }

  /** Reads from the socket unless reading is paused. */
  private updateReading(): void {
    if (this.readingPaused) this.socket.pause();
    else this.socket.resume();
  }

  private handleUnopenedChannel(channelNumber: number, type: number, classId: number, methodId: number): void {
    if (type !== FRAME_METHOD) {
      throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, 'expected method frame, got non method frame instead', { hard: true });
    }
    if (classId !== 20 || methodId !== 10) {
      throw new AmqpError(ReplyCode.CHANNEL_ERROR, "expected 'channel.open'", { hard: true, classId, methodId });
    }
    if (this.channelMax !== 0 && this.channels.size >= this.channelMax) {
      throw new AmqpError(
        ReplyCode.NOT_ALLOWED,
        `number of channels opened (${this.channels.size}) has reached the negotiated channel_max (${this.channelMax})`,
        { hard: true, classId, methodId },
      );
    }
    this.channels.set(channelNumber, new Channel(channelNumber, this));
    this.send(channelNumber, 'channel.open-ok', {});
  }

  /** After the broker closed a channel only close-ok (or a crossing close) matters; the rest is dropped. */
  private handleClosingChannel(channel: Channel, type: number, classId: number, methodId: number): void {
    if (type !== FRAME_METHOD || classId !== 20 || (methodId !== 41 && methodId !== 40 && methodId !== 10)) return;
    this.broker.framesHandled += 1;
    if (methodId === 41) {
      channel.forget();
      this.channels.delete(channel.number);
    } else if (methodId === 40) {
      this.send(channel.number, 'channel.close-ok', {});
    } else {
      throw new AmqpError(ReplyCode.CHANNEL_ERROR, "second 'channel.open' seen", { hard: true, classId, methodId });
    }
  }

  /** Turns whatever a channel threw into an AmqpError carrying the offending method. */
  private asAmqpError(error: unknown, payload: Buffer, type: number): AmqpError {
    if (error instanceof AmqpError) return error;
    const classId = type === FRAME_METHOD && payload.length >= 4 ? payload.readUInt16BE(0) : 0;
    const methodId = type === FRAME_METHOD && payload.length >= 4 ? payload.readUInt16BE(2) : 0;
    if (error instanceof CodecError) {
      if (error.code === ReplyCode.NOT_IMPLEMENTED) return new UnknownMethodError();
      return new AmqpError(ReplyCode.FRAME_ERROR, `cannot decode <<${[...payload.subarray(4)].join(',')}>>`, {
        hard: true,
        classId,
        methodId,
      });
    }
    this.broker.reportInternalError(error);
    return new AmqpError(ReplyCode.INTERNAL_ERROR, 'internal error', { hard: true, classId, methodId });
  }

  /** consumer_timeout as the broker has it, read by each channel as it opens. */
  get consumerTimeout(): ConsumerTimeout {
    return this.broker.consumerTimeout;
  }

  closeChannelForError(channelNumber: number, error: AmqpError): void {
    const channel = this.channels.get(channelNumber);
    if (this.state !== 'open' || channel === undefined) return;
    // A channel still waiting for its close-ok is sent the close again, as RabbitMQ does on each check meanwhile.
    this.closeChannelWithError(channel, error);
  }

  private closeChannelWithError(channel: Channel, error: AmqpError): void {
    channel.close();
    this.send(channel.number, 'channel.close', {
      replyCode: error.code,
      replyText: fitReplyText(error.replyText),
      classId: error.classId,
      methodId: error.methodId,
    });
  }

  // ---------------------------------------------------- connection methods

  private handleConnectionMethod(payload: Buffer): void {
    let method;
    try {
      method = decodeMethod(payload);
    } catch (error) {
      throw this.asAmqpError(error, payload, FRAME_METHOD);
    }
    if (this.state === 'closing') {
      if (method.name === 'connection.close-ok') this.destroy();
      else if (method.name === 'connection.close') this.send(0, 'connection.close-ok', {});
      return;
    }
    const unexpected = () =>
      new AmqpError(ReplyCode.CHANNEL_ERROR, `unexpected method in connection state ${this.state === 'open' ? 'running' : this.state}`, {
        hard: true,
        classId: method.classId,
        methodId: method.methodId,
      });
    switch (method.name) {
      case 'connection.start-ok': {
        if (this.state !== 'starting') throw unexpected();
        const f = method.fields;
        this.readClientProperties(f.clientProperties);
        this.login(f.mechanism, f.response);
        return;
      }
      case 'connection.tune-ok': {
        if (this.state !== 'tuning') throw unexpected();
        this.tune(method.fields.channelMax, method.fields.frameMax, method.fields.heartbeat);
        return;
      }
      case 'connection.open': {
        if (this.state !== 'opening') throw unexpected();
        const vhost = this.broker.vhosts.get(method.fields.virtualHost);
        if (!vhost) {
          throw new AmqpError(ReplyCode.NOT_ALLOWED, `vhost ${method.fields.virtualHost} not found`, {
            hard: true,
            classId: 10,
            methodId: 40,
          });
        }
        if (this.broker.users.permissionsIn(this.username, vhost.name) === undefined) throw vhostAccessRefused(this.username, vhost.name);
        this.access = resourceAccess(this.broker.users, this.username, vhost.name);
        this.openedVhost = vhost;
        this.state = 'open';
        clearTimeout(this.handshakeTimer);
        this.send(0, 'connection.open-ok', {});
        // Counts the new connection's buffers, so an alarm it causes is set before it can publish.
        this.broker.memory.check();
        if (this.events.wants('connection-opened')) {
          this.events.emit('connection-opened', {
            name: this.name,
            user: this.username,
            vhost: vhost.name,
            client: this.socket.remoteAddress ?? '',
          });
        }
        return;
      }
      case 'connection.close':
        if (this.state !== 'open') throw unexpected();
        this.closeReason = `client closed the connection: ${method.fields.replyCode} ${method.fields.replyText}`;
        this.releaseChannels();
        this.send(0, 'connection.close-ok', {});
        this.state = 'closed';
        this.output.flush();
        // The client closes the socket once it has close-ok; one that does not is cut off.
        this.closeTimer = setTimeout(() => this.destroy(), this.closingTimeoutMs());
        this.closeTimer.unref();
        return;
      case 'connection.update-secret':
        if (this.state !== 'open') throw unexpected();
        this.send(0, 'connection.update-secret-ok', {});
        return;
      default:
        throw unexpected();
    }
  }

  private readClientProperties(properties: FieldTable): void {
    const capabilities = properties.capabilities;
    if (typeof capabilities === 'object' && capabilities !== null && !Array.isArray(capabilities) && !Buffer.isBuffer(capabilities)) {
      const table = capabilities as FieldTable;
      this.consumerCancelNotify = table.consumer_cancel_notify === true;
      this.authenticationFailureClose = table.authentication_failure_close === true;
      this.blockedNotifications = table['connection.blocked'] === true;
    }
    const connectionName = properties.connection_name;
    if (typeof connectionName === 'string' && connectionName !== '') this.name = connectionName;
  }

  private login(mechanism: string, response: Buffer): void {
    if (!(AUTH_MECHANISMS as readonly string[]).includes(mechanism)) {
      this.failHandshake(`unknown authentication mechanism '${mechanism}'`);
      return;
    }
    const credentials = readCredentials(mechanism, response);
    if ('problem' in credentials) {
      this.failHandshake(credentials.problem);
      return;
    }
    const refusal = this.broker.logins.check(credentials.username, credentials.password, this.socket.localAddress);
    if (refusal !== undefined) {
      const events = this.events;
      if (events.wants('login-refused')) {
        events.emit('login-refused', {
          address: this.socket.remoteAddress ?? '',
          user: credentials.username,
          reason: `${mechanism} login refused: ${refusal}`,
          connection: this.name,
        });
      }
      if (!this.authenticationFailureClose) {
        this.failHandshake(`${mechanism} login refused: ${refusal}`);
        return;
      }
      // Clients that announce authentication_failure_close are told, and the socket ends at their close-ok.
      this.closeReason = `${mechanism} login refused: ${refusal}`;
      this.state = 'closing';
      this.send(0, 'connection.close', {
        replyCode: ReplyCode.ACCESS_REFUSED,
        replyText: loginRefusedText(mechanism),
        classId: 0,
        methodId: 0,
      });
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = setTimeout(() => this.destroy(), SILENT_CLOSE_DELAY_MS);
      return;
    }
    this.username = credentials.username;
    this.state = 'tuning';
    const tuning = this.broker.tuning;
    this.send(0, 'connection.tune', { channelMax: tuning.channelMax, frameMax: tuning.frameMax, heartbeat: tuning.heartbeat });
  }

  private tune(channelMax: number, frameMax: number, heartbeat: number): void {
    const tuning = this.broker.tuning;
    const problem =
      negotiationProblem('frame_max', frameMax, FRAME_MIN_SIZE, tuning.frameMax) ??
      negotiationProblem('channel_max', channelMax, 1, tuning.channelMax);
    if (problem !== undefined) {
      this.failHandshake(problem);
      return;
    }
    this.channelMax = channelMax;
    this.frameMax = frameMax;
    this.input.frameMax = frameMax;
    this.output.frameMax = frameMax;
    this.state = 'opening';
    this.heartbeatSeconds = heartbeat;
    if (heartbeat > 0) {
      this.stopHeartbeats = startHeartbeats(
        this.socket,
        this.output,
        heartbeat,
        () => this.readingPaused,
        () => {
          this.closeReason = `missed heartbeats from client, timeout: ${heartbeat}s`;
          this.destroy();
        },
      );
    }
  }

  /** How long a closing connection waits for the client: the heartbeat interval if shorter than RabbitMQ's 30 s. */
  private closingTimeoutMs(): number {
    const seconds = this.heartbeatSeconds > 0 && this.heartbeatSeconds < CLOSING_TIMEOUT_S ? this.heartbeatSeconds : CLOSING_TIMEOUT_S;
    return seconds * 1000;
  }

  // -------------------------------------------------------------- closing

  /** A failure during the handshake: RabbitMQ closes the socket after a pause, without a close frame. */
  private failHandshake(reason: string): void {
    this.closeReason = reason;
    this.state = 'closed';
    this.input.stopped = true;
    this.output.flush();
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = setTimeout(() => this.destroy(), SILENT_CLOSE_DELAY_MS);
  }

  /** Handles anything thrown while processing input. */
  private fail(error: unknown): void {
    if (error instanceof UnknownMethodError) {
      // RabbitMQ drops the connection without a word when it cannot even name the method.
      this.closeReason = 'unknown method';
      this.destroy();
      return;
    }
    const amqpError = error instanceof AmqpError ? error : this.asAmqpError(error, Buffer.alloc(0), 0);
    if (this.state !== 'open' && this.state !== 'opening') {
      this.failHandshake(amqpError.replyText);
      return;
    }
    this.closeWithError(amqpError);
    if (error instanceof FrameSyncLost) {
      // RabbitMQ reads nothing more of a stream it cannot cut into frames, not even close-ok, and resets it after a pause.
      this.input.stopped = true;
      clearTimeout(this.closeTimer);
      this.closeTimer = setTimeout(() => this.destroy(), SILENT_CLOSE_DELAY_MS);
      this.closeTimer.unref();
    }
  }

  /** Connection exception: release everything, send connection.close and wait for close-ok. */
  private closeWithError(error: AmqpError): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.closeReason = error.replyText;
    this.releaseChannels();
    this.state = 'closing';
    this.send(0, 'connection.close', {
      replyCode: error.code,
      replyText: fitReplyText(error.replyText),
      classId: error.classId,
      methodId: error.methodId,
    });
    this.closeTimer = setTimeout(() => this.destroy(), this.closingTimeoutMs());
    this.closeTimer.unref();
    // A blocked client must be read again to hear its close-ok.
    if (this.blocked) this.readAgain();
  }

  private releaseChannels(): void {
    for (const channel of this.channels.values()) channel.forget();
    this.channels.clear();
    this.openedVhost?.deleteExclusiveQueues(this);
  }

  /** Ends the connection at once with a TCP reset; whatever was not yet sent is dropped. */
  private destroy(): void {
    this.state = 'closed';
    this.output.close();
    this.socket.resetAndDestroy();
    this.cleanUp();
  }

  /** Runs once when the socket goes: channels give their messages back, exclusive queues go. */
  private cleanUp(): void {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.closeTimer);
    this.stopHeartbeats?.();
    this.output.close();
    try {
      this.releaseChannels();
    } catch (error) {
      this.broker.reportInternalError(error);
    }
    this.broker.connectionClosed(this);
    if (this.events.wants('connection-closed')) this.events.emit('connection-closed', { name: this.name, reason: this.closeReason });
  }

  private send<N extends MethodName>(channel: number, name: N, fields: MethodArgs[N]): void {
    this.output.raw(encodeMethod(channel, name, fields));
  }
}

/** A method id the codec does not know; RabbitMQ closes the socket without a close frame. */
class UnknownMethodError extends AmqpError {
  constructor() {
    super(ReplyCode.NOT_IMPLEMENTED, 'unknown method', { hard: true });
  }
}

/** RabbitMQ's check of one tune-ok value against its limits; undefined when acceptable. */
function negotiationProblem(field: string, client: number, min: number, server: number): string | undefined {
  if (client !== 0 && client < min) return `negotiated ${field} = ${client} is lower than the minimum allowed value (${min})`;
  if (server !== 0 && (client === 0 || client > server)) {
    return `negotiated ${field} = ${client} is higher than the maximum allowed value (${server})`;
  }
  return undefined;
}
