// Connection-level behaviour over real sockets: handshake variants,
// heartbeats, the loopback-only guest, update-secret, and what the broker
// tells its event listeners.
import { connect as connectTcp, type Socket } from 'node:net';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  FRAME_HEARTBEAT,
  FRAME_METHOD,
  PROTOCOL_HEADER,
  decodeMethod,
  encodeMethod,
  encodeTable,
  type DecodedMethod,
} from '../../server/amqp/index.js';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';
import { present } from '../support/present.js';

/** A socket that collects frames, for the cases amqplib cannot produce. */
class RawClient {
  private buffered = Buffer.alloc(0);
  readonly frames: { type: number; channel: number; method?: DecodedMethod }[] = [];
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 8) {
        const size = this.buffered.readUInt32BE(3);
        if (this.buffered.length < size + 8) break;
        const type = present(this.buffered[0]);
        const payload = this.buffered.subarray(7, 7 + size);
        this.frames.push({
          type,
          channel: this.buffered.readUInt16BE(1),
          method: type === FRAME_METHOD ? decodeMethod(payload) : undefined,
        });
        this.buffered = this.buffered.subarray(size + 8);
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }
  static open(port: number): Promise<RawClient> {
    return new Promise((resolve) => {
      const socket = connectTcp({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
    });
  }
  async waitFor(check: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  methods(): string[] {
    return this.frames.flatMap((frame) => (frame.method ? [frame.method.name] : []));
  }
  /** Runs the handshake with the given start-ok mechanism/response and tune-ok heartbeat. */
  async handshake(options: { mechanism?: string; response?: Buffer; heartbeat?: number } = {}): Promise<void> {
    this.socket.write(PROTOCOL_HEADER);
    await this.waitFor(() => this.methods().includes('connection.start'));
    this.socket.write(
      encodeMethod(0, 'connection.start-ok', {
        clientProperties: { capabilities: { authentication_failure_close: true } },
        mechanism: options.mechanism ?? 'PLAIN',
        response: options.response ?? Buffer.from('\0guest\0guest'),
        locale: 'en_US',
      }),
    );
    await this.waitFor(() => this.methods().includes('connection.tune') || this.closed);
    if (this.closed) return;
    this.socket.write(encodeMethod(0, 'connection.tune-ok', { channelMax: 2047, frameMax: 131072, heartbeat: options.heartbeat ?? 0 }));
    this.socket.write(encodeMethod(0, 'connection.open', { virtualHost: '/' }));
    await this.waitFor(() => this.methods().includes('connection.open-ok'));
  }
}

let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startBroker({
    port: 0,
    heartbeat: 1,
    users: [
      { username: 'guest', password: 'guest' },
      { username: 'alice', password: 'secret' },
    ],
  });
});

afterAll(async () => {
  await broker.close();
});

describe('handshake', () => {
  test('connection.start announces PLAIN and AMQPLAIN and RabbitMQ capabilities', async () => {
    const client = await RawClient.open(broker.port);
    client.socket.write(PROTOCOL_HEADER);
    await client.waitFor(() => client.frames.length > 0);
    const start = present(present(client.frames[0]).method);
    expect(start.name).toBe('connection.start');
    if (start.name !== 'connection.start') return;
    expect(start.fields.mechanisms.toString()).toBe('PLAIN AMQPLAIN');
    expect(start.fields.serverProperties.capabilities).toMatchObject({
      publisher_confirms: true,
      consumer_cancel_notify: true,
      direct_reply_to: true,
    });
    client.socket.destroy();
  });

  test('AMQPLAIN logs in with LOGIN and PASSWORD', async () => {
    const client = await RawClient.open(broker.port);
    const table = encodeTable({ LOGIN: 'alice', PASSWORD: 'secret' });
    await client.handshake({ mechanism: 'AMQPLAIN', response: table.subarray(4) });
    expect(client.methods()).toContain('connection.open-ok');
    client.socket.destroy();
  });

  test('the broker proposes the configured tuning; heartbeats flow, and silence closes the socket', async () => {
    const client = await RawClient.open(broker.port);
    await client.handshake({ heartbeat: 1 });
    const tune = present(present(client.frames.find((frame) => frame.method?.name === 'connection.tune')).method);
    expect(tune.fields).toMatchObject({ channelMax: 2047, frameMax: 131072, heartbeat: 1 });
    await client.waitFor(() => client.frames.some((frame) => frame.type === FRAME_HEARTBEAT), 3000);
    // The client sends nothing more: after two intervals the broker hangs up.
    await client.waitFor(() => client.closed, 5000);
  });

  test('update-secret is acknowledged', async () => {
    const connection = await amqp.connect(broker.url);
    await connection.updateSecret(Buffer.from('guest'), 'rotation');
    await connection.close();
  });

  test('the connection takes its name from the client property connection_name', async () => {
    const opened = new Promise<string>((resolve) => broker.events.once('connection-opened', ({ name }) => resolve(name)));
    const connection = await amqp.connect(broker.url, { clientProperties: { connection_name: 'worker-1' } });
    expect(await opened).toBe('worker-1');
    await connection.close();
  });
});
