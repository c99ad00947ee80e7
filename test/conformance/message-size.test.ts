// The largest message: RabbitMQ's max_message_size is 128 MiB. A content
// header may announce more; the publish is refused only once its body has
// arrived, with 406 on the channel, and the header alone closes nothing.
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { Args, FrameType, basicPublish, contentHeader, frame, methodFrame } from './raw-amqp.js';
import { present } from '../support/present.js';

const MAX_MESSAGE_SIZE = 128 * 1024 * 1024;

describeBothBrokers('message size', (broker) => {
  test('a body one byte over 128 MiB is refused with 406 once it has arrived, not at its content header', async () => {
    const client = await broker.raw();
    expect(await client.handshake(broker.credentials())).toBeNull();
    await client.openChannel(1);
    const tooLarge = MAX_MESSAGE_SIZE + 1;
    client.send(Buffer.concat([basicPublish(1, '', broker.name('too-large')), contentHeader(1, tooLarge)]));
    // The header alone is not refused: the connection answers on another channel meanwhile.
    client.send(methodFrame(2, 20, 10, new Args().shortstr('')));
    const openOk = await client.nextMethod();
    expect(openOk && [openOk.channel, openOk.classId, openOk.methodId]).toEqual([2, 20, 11]);

    const framePayload = present(client.tuning).frameMax - 8;
    const fullFrame = frame(FrameType.body, 1, Buffer.alloc(framePayload, 0x2a));
    let left = tooLarge;
    for (; left >= framePayload; left -= framePayload) client.send(fullFrame);
    if (left > 0) client.send(frame(FrameType.body, 1, Buffer.alloc(left, 0x2a)));
    expect(await client.nextClose(60_000)).toEqual({
      code: 406,
      replyText: `PRECONDITION_FAILED - message size ${tooLarge} is larger than configured max size ${MAX_MESSAGE_SIZE}`,
      classId: 60,
      methodId: 40,
      channel: 1,
    });
  });
});
