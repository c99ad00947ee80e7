/**
 * The third tutorial's programs: the producer (emit_log.js) publishes log
 * lines to the fanout exchange `logs`; every receiver (receive_logs.js) binds
 * a queue of its own to it and prints each line. Who starts first decides
 * whether anyone hears the lines.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ChannelModel } from 'amqplib';
import {
  defineScenario,
  PublishProperties,
  toPublishOptions,
  closeConnections,
  waitUntilSettled,
  type NamedMoment,
} from '../../../server/scenario/index.js';
import { RECEIVER_QUEUE_OPTIONS } from '../../log-receiver.code.js';
import { EXCHANGE, fanoutLogsCode } from './fanout-logs.code.js';

/** How long receivers listen after the last delivery before the run decides nothing more will come. */
const QUIET_MS = 500;

/** The most the receivers wait for their copies. */
const RECEIVE_TIMEOUT_MS = 5000;

const fanoutLogsParams = Type.Object({
  receivers: Type.Integer({ default: 2, minimum: 0, maximum: 5, description: 'how many receivers each bind a queue of their own to logs' }),
  messages: Type.Array(Type.String({ maxLength: 1000 }), {
    default: ['info: Hello World!'],
    minItems: 1,
    maxItems: 20,
    description: 'the log lines the producer publishes to logs, in order',
  }),
  startOrder: Type.Union([Type.Literal('receivers-first'), Type.Literal('publish-first')], {
    default: 'receivers-first',
    description: 'receivers-first: the receivers bind their queues, then the producer publishes; publish-first: the other way round',
  }),
  properties: PublishProperties,
});

/** The parameters of a fanout cell. */
export type FanoutLogsParams = Static<typeof fanoutLogsParams>;

/** The moments the lesson links to: the list_bindings view once the receivers are in, and where the messages are after publishing. */
const MOMENTS = {
  receiversConnected: { id: 'receivers-connected', title: 'while the receivers are connected' },
  published: { id: 'published', title: 'right after publishing' },
} satisfies Record<string, NamedMoment>;

export default defineScenario({
  title: 'A fanout exchange copies every message to every bound queue',
  params: fanoutLogsParams,
  actors: ({ receivers, startOrder }) => {
    const receiverNames = Array.from({ length: receivers }, (_, i) => `receiver ${i + 1}`);
    return startOrder === 'receivers-first' ? [...receiverNames, 'producer'] : ['producer', ...receiverNames];
  },
  moments: ({ startOrder }) =>
    startOrder === 'receivers-first' ? [MOMENTS.receiversConnected, MOMENTS.published] : [MOMENTS.published, MOMENTS.receiversConnected],
  code: fanoutLogsCode,
  async run({ params, connect, log, sleep, snapshot }) {
    const connections: ChannelModel[] = [];
    let deliveries = 0;

    const startReceiver = async (actor: string): Promise<void> => {
      const connection = await connect(actor);
      connections.push(connection);
      const channel = await connection.createChannel();
      await channel.assertExchange(EXCHANGE, 'fanout', { durable: false });
      // An empty name asks the broker to make one up (amq.gen-...); exclusive:
      // the queue is this receiver's alone and goes away with its connection.
      const { queue } = await channel.assertQueue('', RECEIVER_QUEUE_OPTIONS);
      log(actor, ` [*] Waiting for messages in ${queue}. To exit press CTRL+C`);
      await channel.bindQueue(queue, EXCHANGE, '');
      await channel.consume(
        queue,
        (message) => {
          if (message === null) return;
          deliveries += 1;
          log(actor, ` [x] Received '${message.content.toString()}'`);
        },
        { noAck: true },
      );
    };

    const startReceivers = async (): Promise<void> => {
      for (let number = 1; number <= params.receivers; number += 1) await startReceiver(`receiver ${number}`);
    };

    const publish = async (): Promise<void> => {
      const producer = await connect('producer');
      connections.push(producer);
      const channel = await producer.createChannel();
      await channel.assertExchange(EXCHANGE, 'fanout', { durable: false });
      for (const text of params.messages) {
        // A fanout exchange ignores the routing key.
        channel.publish(EXCHANGE, '', Buffer.from(text), toPublishOptions(params.properties));
        log('producer', ` [x] Sent '${text}'`);
      }
      // emit_log.js leaves once it has sent; closing the channel first makes sure the publishes went out.
      await channel.close();
      await producer.close();
    };

    const steps = [
      { step: startReceivers, moment: MOMENTS.receiversConnected },
      { step: publish, moment: MOMENTS.published },
    ];
    if (params.startOrder === 'publish-first') steps.reverse();
    for (const { step, moment } of steps) {
      await step();
      await snapshot(moment);
    }
    await waitUntilSettled(sleep, {
      finished: () => deliveries >= params.receivers * params.messages.length,
      activity: () => deliveries,
      quietMs: QUIET_MS,
      timeoutMs: RECEIVE_TIMEOUT_MS,
    });
    await closeConnections(connections);
  },
});
