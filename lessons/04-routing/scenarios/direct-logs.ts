/**
 * The fourth tutorial's programs: the producer (emit_log_direct.js) publishes
 * log lines to the direct exchange `direct_logs` with their severity as the
 * routing key; each receiver (receive_logs_direct.js) binds its queue once per
 * severity it wants, and gets exactly the lines whose severity it bound.
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
import { RECEIVER_QUEUE_OPTIONS } from '../../log-receiver.code.js';
import { EXCHANGE, directLogsCode } from './direct-logs.code.js';

/** The most the receivers wait for the lines they bound. */
const RECEIVE_TIMEOUT_MS = 5000;

const Severity = Type.String({ maxLength: 255, description: 'a severity such as info, warning or error' });

const directLogsParams = Type.Object({
  bindings: Type.Array(Type.Array(Severity, { maxItems: 10 }), {
    default: [['error'], ['info', 'warning', 'error']],
    minItems: 1,
    maxItems: 5,
    description: 'one list per receiver: the severities it binds its queue with (receiver 1 gets the first list)',
  }),
  messages: Type.Array(
    Type.Object(
      {
        severity: Type.String({ maxLength: 255, description: 'the routing key it is published with' }),
        text: Type.String({ maxLength: 1000, description: 'the log line' }),
      },
      { additionalProperties: false },
    ),
    {
      default: [
        { severity: 'info', text: 'Hello World!' },
        { severity: 'warning', text: 'Disk almost full' },
        { severity: 'error', text: 'Run. Run. Or it will explode.' },
      ],
      minItems: 1,
      maxItems: 20,
      description: 'the log lines the producer publishes to direct_logs, in order, each with its severity',
    },
  ),
  properties: PublishProperties,
});

/** The parameters of a direct exchange cell. */
export type DirectLogsParams = Static<typeof directLogsParams>;

/** The moments the lesson links to: the list_bindings view before anything is sent, and the end. */
const MOMENTS = {
  receiversBound: { id: 'receivers-bound', title: 'once every receiver is bound' },
  allDelivered: { id: 'all-delivered', title: 'once every copy is delivered' },
} satisfies Record<string, NamedMoment>;

export default defineScenario({
  title: 'A direct exchange routes each message by its exact routing key',
  params: directLogsParams,
  actors: ({ bindings }) => [...bindings.map((_, i) => `receiver ${i + 1}`), 'producer'],
  moments: () => [MOMENTS.receiversBound, MOMENTS.allDelivered],
  code: directLogsCode,
  async run({ params, connect, log, sleep, snapshot }) {
    const connections: ChannelModel[] = [];
    let deliveries = 0;

    const startReceiver = async (actor: string, severities: string[]): Promise<void> => {
      const connection = await connect(actor);
      connections.push(connection);
      const channel = await connection.createChannel();
      await channel.assertExchange(EXCHANGE, 'direct', { durable: false });
      const { queue } = await channel.assertQueue('', RECEIVER_QUEUE_OPTIONS);
      const keys = severities.length === 0 ? 'no severity at all' : severities.join(', ');
      log(actor, ` [*] Waiting for logs in ${queue} (bound with ${keys}). To exit press CTRL+C`);
      // One binding per severity: the queue gets a message when any of them equals its routing key.
      for (const severity of severities) await channel.bindQueue(queue, EXCHANGE, severity);
      await channel.consume(
        queue,
        (message) => {
          if (message === null) return;
          deliveries += 1;
          log(actor, ` [x] ${message.fields.routingKey}: '${message.content.toString()}'`);
        },
        { noAck: true },
      );
    };

    for (const [index, severities] of params.bindings.entries()) await startReceiver(`receiver ${index + 1}`, severities);
    // The list_bindings view: one binding per receiver and severity.
    await snapshot(MOMENTS.receiversBound);

    const producer = await connect('producer');
    connections.push(producer);
    const channel = await producer.createChannel();
    await channel.assertExchange(EXCHANGE, 'direct', { durable: false });
    for (const { severity, text } of params.messages) {
      channel.publish(EXCHANGE, severity, Buffer.from(text), toPublishOptions(params.properties));
      log('producer', ` [x] Sent ${severity}: '${text}'`);
    }
    await channel.close();
    await producer.close();

    // A direct exchange copies a message to each queue with a binding key equal to its routing
    // key; binding the same key twice to one queue is still one binding, hence the sets.
    const boundKeys = params.bindings.map((severities) => new Set(severities));
    const expected = params.messages.reduce((sum, { severity }) => sum + boundKeys.filter((keys) => keys.has(severity)).length, 0);
    await waitUntil(sleep, () => deliveries >= expected, RECEIVE_TIMEOUT_MS);
    await snapshot(MOMENTS.allDelivered);
    await closeConnections(connections);
  },
});
