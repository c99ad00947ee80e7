// Errors only a misbehaving client can provoke, sent as crafted bytes over a
// raw socket: wrong protocol headers, refused logins, broken frames, frames
// out of order, methods on channels that are not open; and how the broker
// ends the socket afterwards. RabbitMQ ends a connection it gives up on with
// a TCP reset (it closes with SO_LINGER 0), which a client sees as
// ECONNRESET, and leaves closing to a client that closed the connection.
import amqp from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import type { BrokerUnderTest } from './brokers.js';
import { pause } from './observe.js';
import {
  AMQP_0_9_1_HEADER,
  Args,
  FrameType,
  basicPublish,
  channelClose,
  contentHeader,
  frame,
  methodFrame,
  passiveExchangeDeclare,
} from './raw-amqp.js';
import type { RawAmqpClient } from './raw-amqp.js';
import { present } from '../support/present.js';

/** A raw client past the handshake, with channel 1 open. */
async function openClient(broker: BrokerUnderTest): Promise<RawAmqpClient> {
  const client = await broker.raw();
  const refused = await client.handshake(broker.credentials());
  if (refused !== null) throw new Error(`handshake refused: ${refused.code} ${refused.replyText}`);
  await client.openChannel(1);
  return client;
}

/**
 * The connection.close a crafted input provokes, without its reply text.
 * When the socket closes afterwards depends on how much of the bad input the
 * broker still reads, so cases do not compare that.
 */
async function connectionCloseAfter(broker: BrokerUnderTest, send: (client: RawAmqpClient) => void) {
  const client = await openClient(broker);
  send(client);
  const { code, classId, methodId, channel } = await client.nextClose();
  return { code, classId, methodId, channel };
}

describeBothBrokers('wire errors', (broker) => {
  // RabbitMQ ends this socket with a FIN or a reset, differently from run to run, so only the bytes are compared.
  test('a wrong protocol header is answered with AMQP 0-9-1 and the socket is closed', async () => {
    for (const header of ['AMQP\x00\x00\x09\x02', 'AMQP\x01\x01\x00\x0a', 'AMQP\x00\x01\x00\x00', 'GET / HTTP/1.1\r\n\r\n']) {
      const client = await broker.raw();
      client.send(Buffer.from(header, 'latin1'));
      expect([header, await client.bytesUntilClosed()]).toEqual([header, AMQP_0_9_1_HEADER]);
    }
  });

  test('a wrong password is refused with connection.close 403 ACCESS_REFUSED', async () => {
    const client = await broker.raw();
    const refused = await client.handshake({ ...broker.credentials(), password: 'wrong' });
    expect(refused).toMatchObject({ code: 403, classId: 0, methodId: 0, channel: 0 });
    expect(refused?.replyText).toMatch(/^ACCESS_REFUSED - /);
    // The client answered with close-ok, so the broker resets the socket at once (no silent-close pause).
    expect(await client.socketEnd(1000)).toBe('reset');
  });

  test('an unknown user is refused the same way as a wrong password (403)', async () => {
    const client = await broker.raw();
    const refused = await client.handshake({ ...broker.credentials(), username: 'nobody' });
    expect(refused).toMatchObject({ code: 403, classId: 0, methodId: 0 });
  });

  test('an unknown vhost is refused with connection.close 530 NOT_ALLOWED on connection.open', async () => {
    const client = await broker.raw();
    const refused = await client.handshake({ ...broker.credentials(), vhost: broker.name('no-such-vhost') });
    expect(refused).toMatchObject({ code: 530, classId: 10, methodId: 40, channel: 0 });
    expect(refused?.replyText).toMatch(/^NOT_ALLOWED - /);
  });

  test('amqplib sees the refused login and the unknown vhost as failed connects', async () => {
    const refused = amqp.connect(broker.url.replace(/:[^:@/]*@/, ':wrong@'), { timeout: 3000 });
    await expect(refused).rejects.toThrow(/403/);
    const noVhost = amqp.connect(`${broker.url.slice(0, broker.url.lastIndexOf('/'))}/${broker.name('no-such-vhost')}`, {
      timeout: 3000,
    });
    await expect(noVhost).rejects.toThrow();
  });

  test('a malformed PLAIN response (SYNTAX_ERROR before the connection opens) closes the socket without a reply', async () => {
    const client = await broker.raw();
    await client.start();
    client.startOk('PLAIN', Buffer.from('no separators'));
    // Before the connection is open RabbitMQ does not explain itself: it resets the socket after a pause.
    expect(await client.bytesUntilClosed(6000)).toEqual(Buffer.alloc(0));
    expect(await client.socketEnd(0)).toBe('reset');
  });

  test('tune-ok with a frame-max below 4096 or above the proposed one: no reply, a reset after a pause', async () => {
    const outcomes: Record<number, unknown> = {};
    for (const frameMax of [1000, 131072 * 2]) {
      const client = await broker.raw();
      expect(await client.login(broker.credentials())).toBeNull();
      client.tune({ frameMax });
      const tunedAt = Date.now();
      const bytes = await client.bytesUntilClosed(6000);
      outcomes[frameMax] = { bytes: bytes.length, end: await client.socketEnd(0), paused: client.endedAt - tunedAt >= 2000 };
    }
    expect(outcomes).toEqual({
      1000: { bytes: 0, end: 'reset', paused: true },
      262144: { bytes: 0, end: 'reset', paused: true },
    });
  }, 20_000);

  test('after a connection exception the broker resets the socket as soon as the client answers close-ok', async () => {
    const client = await openClient(broker);
    client.send(passiveExchangeDeclare(7, 'amq.direct'));
    expect(await client.nextClose()).toMatchObject({ code: 504, channel: 0 });
    expect(await client.socketEnd(1000)).toBe('reset');
  });

  test('a connection.close the client never answers: the socket is reset after one heartbeat interval', async () => {
    const client = await broker.raw();
    expect(await client.handshake(broker.credentials(), { heartbeat: 1 })).toBeNull();
    await client.openChannel(1);
    client.send(passiveExchangeDeclare(7, 'amq.direct'));
    expect(await client.nextMethod()).toMatchObject({ channel: 0, classId: 10, methodId: 50 });
    const closeAt = Date.now();
    expect(await client.socketEnd(5000)).toBe('reset');
    const waited = client.endedAt - closeAt;
    // RabbitMQ waits one heartbeat interval (1 s here), 30 s without heartbeats.
    expect(waited).toBeGreaterThanOrEqual(800);
    expect(waited).toBeLessThan(4000);
  }, 20_000);

  test('a frame it cannot delimit (bad frame-end, over frame-max): connection.close 501, then nothing read, a reset after a pause', async () => {
    const inputs = {
      'bad frame-end': () => frame(FrameType.method, 1, Buffer.from([0, 20, 0, 10, 0]), 0x00),
      'over frame-max': (client: RawAmqpClient) => frame(FrameType.method, 1, Buffer.alloc(present(client.tuning).frameMax + 100)),
    };
    const outcomes: Record<string, unknown> = {};
    for (const [what, input] of Object.entries(inputs)) {
      const client = await openClient(broker);
      client.send(input(client));
      // nextClose() answers close-ok, which the broker no longer reads.
      const { code } = await client.nextClose();
      const stillOpen = (await client.socketEnd(1000)) === 'open';
      outcomes[what] = { code, stillOpen, end: await client.socketEnd(5000) };
    }
    expect(outcomes).toEqual({
      'bad frame-end': { code: 501, stillOpen: true, end: 'reset' },
      'over frame-max': { code: 501, stillOpen: true, end: 'reset' },
    });
  }, 20_000);

  test('a client that closes the connection gets close-ok and closes the socket itself', async () => {
    const client = await openClient(broker);
    client.send(methodFrame(0, 10, 50, new Args().short(200).shortstr('Goodbye').short(0).short(0)));
    expect(await client.nextMethod()).toMatchObject({ channel: 0, classId: 10, methodId: 51 });
    expect(await client.socketEnd(500)).toBe('open');
  });

  test('a bad frame-end octet is 501 FRAME_ERROR', async () => {
    const outcome = await connectionCloseAfter(broker, (client) =>
      client.send(frame(FrameType.method, 1, Buffer.from([0, 20, 0, 10, 0]), 0x00)),
    );
    expect(outcome).toEqual({ code: 501, classId: 0, methodId: 0, channel: 0 });
  });

  test('an unknown frame type is 501 FRAME_ERROR', async () => {
    const outcome = await connectionCloseAfter(broker, (client) => client.send(frame(9, 1, Buffer.alloc(0))));
    expect(outcome).toEqual({ code: 501, classId: 0, methodId: 0, channel: 0 });
  });

  test('a frame larger than the negotiated frame-max is 501 FRAME_ERROR', async () => {
    const outcome = await connectionCloseAfter(broker, (client) =>
      client.send(frame(FrameType.method, 1, Buffer.alloc(present(client.tuning).frameMax + 100))),
    );
    expect(outcome).toEqual({ code: 501, classId: 0, methodId: 0, channel: 0 });
  });

  test('method arguments that cannot be decoded are 501 FRAME_ERROR naming the method', async () => {
    const outcome = await connectionCloseAfter(broker, (client) => client.send(methodFrame(1, 40, 10, Buffer.from([0, 0, 200, 65]))));
    expect(outcome).toEqual({ code: 501, classId: 40, methodId: 10, channel: 0 });
  });

  test('a method id the broker does not know: the socket is reset at once, without connection.close', async () => {
    const client = await openClient(broker);
    client.send(methodFrame(1, 60, 99, new Args().short(0)));
    expect(await client.bytesUntilClosed(1000)).toEqual(Buffer.alloc(0));
    expect(await client.socketEnd(0)).toBe('reset');
  });

  test('a content header or body with no publish before it is 505 UNEXPECTED_FRAME', async () => {
    const header = await connectionCloseAfter(broker, (client) => client.send(contentHeader(1, 5)));
    expect(header).toEqual({ code: 505, classId: 0, methodId: 0, channel: 0 });
    const body = await connectionCloseAfter(broker, (client) => client.send(frame(FrameType.body, 1, Buffer.from('hello'))));
    expect(body).toEqual({ code: 505, classId: 0, methodId: 0, channel: 0 });
  });

  test('a method where the content body belongs is 505 UNEXPECTED_FRAME naming basic.publish', async () => {
    const outcome = await connectionCloseAfter(broker, (client) => {
      client.send(basicPublish(1, '', 'x'));
      client.send(contentHeader(1, 5));
      client.send(basicPublish(1, '', 'x'));
    });
    expect(outcome).toEqual({ code: 505, classId: 60, methodId: 40, channel: 0 });
  });

  test('a content header of another class than the publish is 505 UNEXPECTED_FRAME', async () => {
    const outcome = await connectionCloseAfter(broker, (client) => {
      client.send(basicPublish(1, '', 'x'));
      const header = Buffer.alloc(14);
      header.writeUInt16BE(50, 0);
      header.writeBigUInt64BE(2n, 4);
      client.send(frame(FrameType.header, 1, header));
    });
    expect(outcome).toEqual({ code: 505, classId: 60, methodId: 40, channel: 0 });
  });

  test('a heartbeat on a channel other than 0 is 505 UNEXPECTED_FRAME', async () => {
    const outcome = await connectionCloseAfter(broker, (client) => client.send(frame(FrameType.heartbeat, 1, Buffer.alloc(0))));
    expect(outcome).toEqual({ code: 505, classId: 0, methodId: 0, channel: 0 });
  });

  test('a method on a channel that was never opened is 504 CHANNEL_ERROR', async () => {
    const outcome = await connectionCloseAfter(broker, (client) => client.send(passiveExchangeDeclare(7, 'amq.direct')));
    expect(outcome).toEqual({ code: 504, classId: 40, methodId: 10, channel: 0 });
  });

  test('a method on a channel the client closed is 504 CHANNEL_ERROR', async () => {
    const client = await openClient(broker);
    client.send(channelClose(1));
    expect(await client.nextMethod()).toMatchObject({ channel: 1, classId: 20, methodId: 41 });
    client.send(passiveExchangeDeclare(1, 'amq.direct'));
    expect(await client.nextClose()).toMatchObject({ code: 504, classId: 40, methodId: 10, channel: 0 });
  });

  test('opening a channel twice is 504 CHANNEL_ERROR', async () => {
    const outcome = await connectionCloseAfter(broker, (client) => client.send(methodFrame(1, 20, 10, new Args().shortstr(''))));
    expect(outcome).toEqual({ code: 504, classId: 20, methodId: 10, channel: 0 });
  });

  test('a channel method on channel 0 is 504 CHANNEL_ERROR', async () => {
    const outcome = await connectionCloseAfter(broker, (client) => client.send(passiveExchangeDeclare(0, 'amq.direct')));
    expect(outcome).toEqual({ code: 504, classId: 40, methodId: 10, channel: 0 });
  });

  test('an unexpected channel.close-ok is 503 COMMAND_INVALID', async () => {
    const outcome = await connectionCloseAfter(broker, (client) => client.send(methodFrame(1, 20, 41)));
    expect(outcome).toEqual({ code: 503, classId: 20, methodId: 41, channel: 0 });
  });

  test('after the broker closes a channel, frames on it are ignored until close-ok', async () => {
    const client = await openClient(broker);
    client.send(passiveExchangeDeclare(1, broker.name('missing')));
    expect(await client.nextMethod()).toMatchObject({ channel: 1, classId: 20, methodId: 40 });
    client.send(passiveExchangeDeclare(1, 'amq.direct'));
    await pause(200);
    client.send(methodFrame(1, 20, 41));
    // The connection is still usable: channel 2 opens.
    await client.openChannel(2);
  });

  test('publishing to a missing exchange closes the channel with 404, the connection lives on', async () => {
    const client = await openClient(broker);
    client.send(basicPublish(1, broker.name('missing'), 'k'));
    client.send(contentHeader(1, 0));
    const close = await client.nextClose();
    expect(close).toMatchObject({ code: 404, classId: 60, methodId: 40, channel: 1 });
    expect(close.replyText).toMatch(/^NOT_FOUND - /);
    await client.openChannel(2);
    client.send(passiveExchangeDeclare(2, 'amq.direct'));
    expect(await client.nextMethod()).toMatchObject({ channel: 2, classId: 40, methodId: 11 });
  });
});
