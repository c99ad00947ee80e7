import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';
import { channelOperations, closeConnection, handshake, method, openChannel } from './oracle-frames.js';
import { playScript } from './play-script.js';
import { seededRandom } from './random.js';

const PROTOCOL_HEADER = Buffer.from('AMQP\u0000\u0000\u0009\u0001', 'latin1');

/** A frame whose frame-end octet is wrong: the broker loses track of the frames and ends the connection. */
function brokenFrameEnd(frame: Buffer): Buffer {
  const copy = Buffer.from(frame);
  copy[copy.length - 1] = 0;
  return copy;
}

// The fuzz test's bar is what this counter says; it must count what the broker read and acted on, nothing else.
describe("the broker's count of frames handled", () => {
  let broker: EmbeddedBroker;

  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
  });
  afterAll(() => broker.close());

  async function handledFor(parts: Buffer[]): Promise<number> {
    const before = broker.framesHandled();
    const random = seededRandom(1);
    await playScript(broker.port, Buffer.concat(parts), random);
    return broker.framesHandled() - before;
  }

  it('counts every frame of a connection that reads all it is sent, refused ones included', async () => {
    const { setup, everyday } = channelOperations(1, 'counted', 'plain');
    const publish = everyday.find((operation) => operation.length === 3) ?? [];
    expect(publish).toHaveLength(3);
    const handled = await handledFor([
      PROTOCOL_HEADER,
      ...handshake(),
      openChannel(1),
      ...setup,
      ...publish,
      // Refused with a channel error: counted, since the broker read it and answered.
      method('BasicAck', 1, { deliveryTag: 99, multiple: false }),
      closeConnection(),
    ]);
    // 3 handshake, 1 open, 3 setup, 3 publish, 1 ack, 1 close.
    expect(handled).toBe(12);
  });

  it('leaves out what a closing channel drops, and everything after a broken frame', async () => {
    const { setup, everyday } = channelOperations(1, 'dropped', 'plain');
    const handled = await handledFor([
      PROTOCOL_HEADER,
      ...handshake(),
      openChannel(1),
      ...setup,
      method('BasicAck', 1, { deliveryTag: 99, multiple: false }),
      // The channel is closing: these four are dropped unread, until close-ok.
      ...(everyday.slice(0, 4).map((operation) => operation[0]) as Buffer[]),
      method('ChannelCloseOk', 1),
      openChannel(1),
      brokenFrameEnd(openChannel(2)),
      // Never read: the broken frame ended the connection.
      openChannel(3),
      openChannel(4),
      closeConnection(),
    ]);
    // 3 handshake, 1 open, 3 setup, 1 ack, 1 close-ok, 1 open: after the broken frame the broker reads
    // nothing more, not even the close-ok answering its connection.close.
    expect(handled).toBe(10);
  });
});
