// What a client learns while connecting: the limits proposed in
// connection.tune and the capabilities clients check before using features.
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';

describeBothBrokers('connection handshake', (broker) => {
  test('connection.tune proposes RabbitMQ’s defaults: 2047 channels, 128 KiB frames, 60 s heartbeats', async () => {
    const client = await broker.raw();
    expect(await client.handshake(broker.credentials())).toBeNull();
    expect(client.tuning).toEqual({ channelMax: 2047, frameMax: 131072, heartbeat: 60 });
  });

  test('the server announces the capabilities clients look for', async () => {
    const connection = await broker.connect();
    const capabilities = (connection.connection.serverProperties as unknown as { capabilities: Record<string, unknown> }).capabilities;
    expect(capabilities).toMatchObject({
      publisher_confirms: true,
      exchange_exchange_bindings: true,
      'basic.nack': true,
      consumer_cancel_notify: true,
      'connection.blocked': true,
      authentication_failure_close: true,
      per_consumer_qos: true,
      direct_reply_to: true,
    });
  });

  test('many channels on one connection work independently', async () => {
    const connection = await broker.connect();
    const channels = await Promise.all(Array.from({ length: 20 }, () => connection.createChannel()));
    const queues = await Promise.all(channels.map((channel) => channel.assertQueue('', { exclusive: true })));
    expect(new Set(queues.map((q) => q.queue)).size).toBe(20);
    await Promise.all(channels.map((channel) => channel.close()));
  });
});
