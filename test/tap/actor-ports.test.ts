// Two copies of one program give the same connection_name; the tap can give
// each actor a port of its own, and reports its frames under the name the
// port was opened for, whatever the client calls itself.
import amqp from 'amqplib';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { amqpUrl, describeBothBrokers } from '../conformance/brokers.js';
import { tapBroker, type Tapped } from './tapped.js';

describeBothBrokers('ports of their own for actors', (broker) => {
  let tapped: Tapped;
  const opened: amqp.ChannelModel[] = [];
  beforeEach(async () => {
    tapped = await tapBroker(broker);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((connection) => connection.close().catch(() => undefined)));
    await tapped.close();
  });

  /** Connects to one of the tap's ports, the client calling itself `connectionName`. */
  async function connectTo(port: number, connectionName: string): Promise<amqp.ChannelModel> {
    const { username, password, vhost } = broker.credentials();
    const connection = await amqp.connect(amqpUrl(tapped.tap.host, port, username, password, vhost), {
      clientProperties: { connection_name: connectionName },
    });
    connection.on('error', () => undefined);
    opened.push(connection);
    return connection;
  }

  /** The actors the trace names for frames of one method, in order. */
  const actorsOf = (method: 'connection.start-ok' | 'channel.open'): string[] => tapped.frames(method).map((frame) => frame.actor);

  test('two copies named alike by their program are told apart by the port each was given', async () => {
    const port2 = await tapped.tap.portFor('worker 2');
    const port3 = await tapped.tap.portFor('worker 3');
    expect(port2).not.toBe(tapped.tap.port);
    expect(port3).not.toBe(port2);
    expect(await tapped.tap.portFor('worker 2')).toBe(port2);

    await (await connectTo(port2, 'worker')).createChannel();
    await (await connectTo(port3, 'worker')).createChannel();
    // The shared port still names a connection after its client.
    await (await connectTo(tapped.tap.port, 'producer')).createChannel();
    await tapped.waitFor('three channels open', () => tapped.frames('channel.open').length === 3);
    expect(actorsOf('connection.start-ok')).toEqual(['worker 2', 'worker 3', 'producer']);
    expect(actorsOf('channel.open')).toEqual(['worker 2', 'worker 3', 'producer']);
  });

  test('closing the tap closes the actors’ ports too', async () => {
    const port = await tapped.tap.portFor('worker 1');
    await connectTo(port, 'worker 1');
    await tapped.tap.close();
    await expect(connectTo(port, 'worker 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
