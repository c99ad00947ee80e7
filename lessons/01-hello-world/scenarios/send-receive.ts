/**
 * The first tutorial's two programs: the producer (send.js) puts messages on
 * the queue `hello` and leaves; the consumer (receive.js) prints what arrives.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ChannelModel } from 'amqplib';
import {
  defineScenario,
  PublishProperties,
  toPublishOptions,
  closeConnections,
  waitUntil,
  type NamedMoment,
} from '../../../server/scenario/index.js';
import { QUEUE, QUEUE_OPTIONS, sendReceiveCode } from './send-receive.code.js';

/** How long the consumer waits for the messages before the run gives up on them. */
const RECEIVE_TIMEOUT_MS = 5000;

const sendReceiveParams = Type.Object({
  message: Type.String({ default: 'Hello World!', maxLength: 1000, description: 'the text the producer sends' }),
  count: Type.Integer({ default: 1, minimum: 1, maximum: 100, description: 'how many times the producer sends it' }),
  start: Type.Union([Type.Literal('consumer-first'), Type.Literal('producer-first')], {
    default: 'consumer-first',
    description: 'which program starts first: with producer-first the messages wait in the queue until the consumer comes',
  }),
  properties: PublishProperties,
});

/** The parameters of a send-and-receive cell. */
export type SendReceiveParams = Static<typeof sendReceiveParams>;

/** The moments the lesson links to: the list_queues view once the producer has gone, and once every message arrived. */
const MOMENTS = {
  producerLeft: { id: 'producer-left', title: 'right after the producer left' },
  allReceived: { id: 'all-received', title: 'once the consumer has every message' },
} satisfies Record<string, NamedMoment>;

export default defineScenario({
  title: 'Send and receive on the queue hello',
  params: sendReceiveParams,
  actors: ({ start }) => (start === 'consumer-first' ? ['consumer', 'producer'] : ['producer', 'consumer']),
  moments: () => [MOMENTS.producerLeft, MOMENTS.allReceived],
  code: sendReceiveCode,
  async run({ params, connect, log, sleep, snapshot }) {
    const connections: ChannelModel[] = [];
    let received = 0;

    const startConsumer = async (): Promise<void> => {
      const consumer = await connect('consumer');
      connections.push(consumer);
      const channel = await consumer.createChannel();
      await channel.assertQueue(QUEUE, QUEUE_OPTIONS);
      log('consumer', ` [*] Waiting for messages in ${QUEUE}. To exit press CTRL+C`);
      await channel.consume(
        QUEUE,
        (message) => {
          if (message === null) return;
          received += 1;
          log('consumer', ` [x] Received '${message.content.toString()}'`);
        },
        { noAck: true },
      );
    };

    const runProducer = async (): Promise<void> => {
      const producer = await connect('producer');
      connections.push(producer);
      const channel = await producer.createChannel();
      await channel.assertQueue(QUEUE, QUEUE_OPTIONS);
      for (let i = 0; i < params.count; i += 1) {
        channel.sendToQueue(QUEUE, Buffer.from(params.message), toPublishOptions(params.properties));
        log('producer', ` [x] Sent '${params.message}'`);
      }
      // send.js leaves as soon as it has sent: the messages stay in the queue
      // without it. Closing the channel first makes sure the publishes went
      // out: a connection's close may overtake frames still queued on a channel.
      await channel.close();
      await producer.close();
      await snapshot(MOMENTS.producerLeft);
    };

    if (params.start === 'consumer-first') {
      await startConsumer();
      await runProducer();
    } else {
      await runProducer();
      await startConsumer();
    }
    await waitUntil(sleep, () => received >= params.count, RECEIVE_TIMEOUT_MS);
    await snapshot(MOMENTS.allReceived);
    await closeConnections(connections);
  },
});
