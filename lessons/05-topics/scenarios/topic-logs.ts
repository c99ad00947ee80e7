/**
 * The fifth tutorial's programs: the producer (emit_log_topic.js) publishes
 * to the topic exchange `topic_logs` with dotted routing keys; each receiver
 * (receive_logs_topic.js) binds its queue with patterns, where `*` stands for
 * exactly one word and `#` for zero or more. At the end the producer prints
 * where each routing key went, or that it was dropped.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ChannelModel } from 'amqplib';
import {
  defineScenario,
  PublishProperties,
  toPublishOptions,
  closeConnections,
  returnReason,
  waitUntilSettled,
  type NamedMoment,
} from '../../../server/scenario/index.js';
import { RECEIVER_QUEUE_OPTIONS } from '../../log-receiver.code.js';
import { EXCHANGE, topicLogsCode } from './topic-logs.code.js';

/** How long nothing may arrive, once every key is accounted for, before the table is printed. */
const QUIET_MS = 300;

/** The most the run waits for deliveries and returns. */
const RECEIVE_TIMEOUT_MS = 5000;

/** The routing keys the tutorial talks through, one animal each: "<speed>.<colour>.<species>". */
const TUTORIAL_KEYS = [
  'quick.orange.rabbit',
  'lazy.orange.elephant',
  'quick.orange.fox',
  'lazy.brown.fox',
  'lazy.pink.rabbit',
  'quick.brown.fox',
  'quick.orange.male.rabbit',
  'lazy.orange.male.rabbit',
];

/** Counts per name, in first-seen order. */
class Tally {
  private readonly counts = new Map<string, number>();
  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
}

const topicLogsParams = Type.Object({
  bindings: Type.Array(
    Type.Array(Type.String({ maxLength: 255, description: 'a binding pattern such as *.orange.* or lazy.#' }), { maxItems: 10 }),
    {
      default: [['*.orange.*'], ['*.*.rabbit', 'lazy.#']],
      minItems: 1,
      maxItems: 5,
      description: 'one list per receiver: the patterns it binds its queue with (* = exactly one word, # = zero or more words)',
    },
  ),
  routingKeys: Type.Array(Type.String({ maxLength: 255 }), {
    default: TUTORIAL_KEYS,
    minItems: 1,
    maxItems: 30,
    description: 'the routing keys the producer publishes with, one message each, in order',
  }),
  message: Type.String({ default: 'Hello World!', maxLength: 1000, description: 'the text of every message' }),
  mandatory: Type.Boolean({
    default: true,
    description:
      'publish with mandatory: a message that matches no binding comes back to the producer (basic.return) instead of vanishing unseen',
  }),
  properties: PublishProperties,
});

/** The parameters of a topic exchange cell. */
export type TopicLogsParams = Static<typeof topicLogsParams>;

/** The moment the lesson links to: the list_bindings view, every pattern bound, before anything is sent. */
const RECEIVERS_BOUND: NamedMoment = { id: 'receivers-bound', title: 'once every receiver is bound' };

export default defineScenario({
  title: 'A topic exchange routes by patterns over dotted routing keys',
  params: topicLogsParams,
  actors: ({ bindings }) => [...bindings.map((_, i) => `receiver ${i + 1}`), 'producer'],
  moments: () => [RECEIVERS_BOUND],
  code: topicLogsCode,
  async run({ params, connect, log, sleep, snapshot }) {
    const connections: ChannelModel[] = [];
    const receivers = params.bindings.map((_, index) => `receiver ${index + 1}`);
    /** Copies received per "receiver|key". */
    const copies = new Tally();
    const returned = new Tally();
    const published = new Tally();
    let activity = 0;

    const startReceiver = async (actor: string, patterns: string[]): Promise<void> => {
      const connection = await connect(actor);
      connections.push(connection);
      const channel = await connection.createChannel();
      await channel.assertExchange(EXCHANGE, 'topic', { durable: false });
      const { queue } = await channel.assertQueue('', RECEIVER_QUEUE_OPTIONS);
      const shown = patterns.length === 0 ? 'no pattern at all' : patterns.join(', ');
      log(actor, ` [*] Waiting for logs in ${queue} (bound with ${shown}). To exit press CTRL+C`);
      for (const pattern of patterns) await channel.bindQueue(queue, EXCHANGE, pattern);
      await channel.consume(
        queue,
        (message) => {
          if (message === null) return;
          const key = message.fields.routingKey;
          copies.add(`${actor}|${key}`);
          activity += 1;
          log(actor, ` [x] ${key}:'${message.content.toString()}'`);
        },
        { noAck: true },
      );
    };

    for (const [index, patterns] of params.bindings.entries()) await startReceiver(`receiver ${index + 1}`, patterns);
    await snapshot(RECEIVERS_BOUND);

    const producer = await connect('producer');
    connections.push(producer);
    const channel = await producer.createChannel();
    channel.on('return', (message) => {
      const { routingKey } = message.fields;
      returned.add(routingKey);
      activity += 1;
      log('producer', ` [!] Returned ${routingKey}: ${returnReason(message)}`);
    });
    await channel.assertExchange(EXCHANGE, 'topic', { durable: false });
    const options = { ...toPublishOptions(params.properties), mandatory: params.mandatory };
    for (const key of params.routingKeys) {
      channel.publish(EXCHANGE, key, Buffer.from(params.message), options);
      published.add(key);
      log('producer', ` [x] Sent ${key}:'${params.message}'`);
    }

    const keys = [...new Set(params.routingKeys)];
    // A key is accounted for once it came back, or one receiver has all of its copies;
    // the quiet period after that lets copies for other receivers arrive too.
    const accountedFor = (key: string): boolean =>
      returned.get(key) >= published.get(key) || receivers.some((actor) => copies.get(`${actor}|${key}`) >= published.get(key));
    await waitUntilSettled(sleep, {
      finished: () => false,
      activity: () => activity,
      busy: () => params.mandatory && !keys.every(accountedFor),
      quietMs: QUIET_MS,
      timeoutMs: RECEIVE_TIMEOUT_MS,
    });

    // Closed before the table is printed: every delivery and return still on its way (held
    // in step mode, say) comes in ahead of the close, so the table misses nothing.
    await closeConnections(connections);

    const width = Math.max(...keys.map((key) => key.length));
    log('producer', ' Where each routing key went:');
    for (const key of keys) {
      const reached = receivers.filter((actor) => copies.get(`${actor}|${key}`) > 0);
      const where =
        reached.length > 0
          ? reached.map((actor) => (copies.get(`${actor}|${key}`) > 1 ? `${actor} (x${copies.get(`${actor}|${key}`)})` : actor)).join(', ')
          : returned.get(key) > 0
            ? 'dropped: no binding matched (returned)'
            : 'dropped: nobody received it';
      log('producer', `   ${key.padEnd(width)}  -> ${where}`);
    }
  },
});
