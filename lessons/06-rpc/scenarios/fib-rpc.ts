/**
 * The sixth tutorial's programs: RPC servers (rpc_server.js) answer
 * Fibonacci requests taken from rpc_queue; the client (rpc_client.js) sends
 * each request with a reply_to queue and a correlation id, and matches the
 * replies to its requests. Beyond the tutorial it answers its open questions:
 * a client timeout, a server error forwarded to the client, and bounds checked
 * before any work.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Channel, ChannelModel, ConsumeMessage, Message } from 'amqplib';
import {
  defineScenario,
  PublishProperties,
  toPublishOptions,
  closeConnections,
  returnReason,
  waitUntil,
  type NamedMoment,
} from '../../../server/scenario/index.js';
import { DIRECT_REPLY_TO, ERROR_HEADER, QUEUE, fibRpcCode } from './fib-rpc.code.js';

/** fib(n), iteratively and exactly (bigint: fib(79) no longer fits a double). */
function fib(n: number): bigint {
  let current = 0n;
  let next = 1n;
  for (let i = 0; i < n; i += 1) [current, next] = [next, current + next];
  return current;
}

const fibRpcParams = Type.Object({
  servers: Type.Integer({ default: 1, minimum: 0, maximum: 5, description: 'how many RPC servers consume rpc_queue (0: nobody answers)' }),
  requests: Type.Array(Type.Integer({ minimum: 0, maximum: 1_000_000 }), {
    default: [30],
    minItems: 1,
    maxItems: 20,
    description: 'the n of each fib(n) the client asks for; all are sent at once, each with its own correlation id',
  }),
  replyQueue: Type.Union([Type.Literal('callback-queue'), Type.Literal('direct-reply-to')], {
    default: 'callback-queue',
    description:
      "where replies come back: an exclusive server-named queue of the client's, or RabbitMQ's direct reply-to (amq.rabbitmq.reply-to)",
  }),
  clientTimeoutMs: Type.Integer({
    default: 3000,
    minimum: 100,
    maximum: 30_000,
    description: 'how long the client waits for its replies before giving up on them',
  }),
  fibLimit: Type.Integer({
    default: 1000,
    minimum: 0,
    maximum: 10_000,
    description: 'the largest n a server accepts; above it the server replies with an error, before doing any work',
  }),
  msPerRequest: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 10_000,
    description: 'simulated milliseconds of work per request, to see requests spread over several servers',
  }),
  mandatory: Type.Boolean({
    default: false,
    description: 'publish requests with mandatory, so a request no queue takes comes back to the client at once',
  }),
  properties: PublishProperties,
});

/** The parameters of an RPC cell. */
export type FibRpcParams = Static<typeof fibRpcParams>;

/** The moment the lesson links to: the broker once the client has every reply, or has given up waiting. */
const CLIENT_DONE: NamedMoment = { id: 'client-done', title: 'when the client is done waiting' };

export default defineScenario({
  title: 'Remote procedure calls: Fibonacci servers and a client',
  params: fibRpcParams,
  actors: ({ servers }) => [...Array.from({ length: servers }, (_, i) => `rpc server ${i + 1}`), 'rpc client'],
  moments: () => [CLIENT_DONE],
  code: fibRpcCode,
  async run({ params, connect, log, sleep, snapshot }) {
    const connections: ChannelModel[] = [];
    // The first failure, boxed so that even a rejection without a reason counts.
    let failure: { error: unknown } | undefined;

    /** What a server sends back for one request body: the result, or the reason it refuses. */
    const answerFor = (body: string): { result: string } | { error: string } => {
      if (!/^\d+$/.test(body)) return { error: `'${body}' is not a whole number` };
      const n = Number(body);
      if (n > params.fibLimit) return { error: `fib(${n}) refused: n must be at most ${params.fibLimit}` };
      return { result: fib(n).toString() };
    };

    const serve = async (actor: string, channel: Channel, request: ConsumeMessage): Promise<void> => {
      const body = request.content.toString();
      const replyTo: unknown = request.properties.replyTo;
      const correlationId: unknown = request.properties.correlationId;
      // Bounds first: a request the server will refuse costs it no work.
      const answer = answerFor(body);
      if ('error' in answer) {
        log(actor, ` [!] ${answer.error}`);
      } else {
        log(actor, ` [.] fib(${body})`);
        await sleep(params.msPerRequest);
      }
      if (typeof replyTo !== 'string' || replyTo === '') {
        log(actor, ' [!] The request has no reply_to: there is nowhere to send the answer');
      } else {
        const replyProperties = { correlationId: typeof correlationId === 'string' ? correlationId : undefined, contentType: 'text/plain' };
        if ('error' in answer) {
          channel.sendToQueue(replyTo, Buffer.from(answer.error), { ...replyProperties, headers: { [ERROR_HEADER]: answer.error } });
        } else {
          channel.sendToQueue(replyTo, Buffer.from(answer.result), replyProperties);
        }
      }
      // Acknowledged only once answered: a server that dies mid-request leaves it to another.
      channel.ack(request);
    };

    const startServer = async (actor: string): Promise<void> => {
      const connection = await connect(actor);
      connections.push(connection);
      const channel = await connection.createChannel();
      await channel.assertQueue(QUEUE, { durable: false });
      // One request at a time per server, so several servers share the load.
      await channel.prefetch(1);
      let backlog = Promise.resolve();
      await channel.consume(
        QUEUE,
        (request) => {
          if (request === null) return;
          backlog = backlog
            .then(() => serve(actor, channel, request))
            .catch((error: unknown) => {
              failure ??= { error };
            });
        },
        { noAck: false },
      );
      log(actor, ' [x] Awaiting RPC requests');
    };

    for (let number = 1; number <= params.servers; number += 1) await startServer(`rpc server ${number}`);

    const client = await connect('rpc client');
    const channel = await client.createChannel();
    /** Requests still waiting for their reply, by correlation id. */
    const pending = new Map<string, number>();
    const onReply = (reply: ConsumeMessage | null): void => {
      if (reply === null) return;
      const correlationId: unknown = reply.properties.correlationId;
      const n = typeof correlationId === 'string' ? pending.get(correlationId) : undefined;
      if (n === undefined) {
        log('rpc client', ` [?] Ignoring a reply with an unknown correlation id (${String(correlationId)})`);
        return;
      }
      pending.delete(correlationId as string);
      const error: unknown = reply.properties.headers?.[ERROR_HEADER];
      if (error !== undefined)
        log('rpc client', ` [!] fib(${n}) failed on the server: ${typeof error === 'string' ? error : JSON.stringify(error)}`);
      else log('rpc client', ` [.] Got ${reply.content.toString()}`);
    };
    let replyTo: string;
    if (params.replyQueue === 'direct-reply-to') {
      // Direct reply-to needs the client consuming it, with noAck, before it publishes.
      replyTo = DIRECT_REPLY_TO;
      await channel.consume(DIRECT_REPLY_TO, onReply, { noAck: true });
    } else {
      replyTo = (await channel.assertQueue('', { exclusive: true })).queue;
      await channel.consume(replyTo, onReply, { noAck: true });
    }
    channel.on('return', (returned: Message) => {
      const correlationId: unknown = returned.properties.correlationId;
      const n = typeof correlationId === 'string' ? pending.get(correlationId) : undefined;
      if (n === undefined) return;
      pending.delete(correlationId as string);
      log('rpc client', ` [!] fib(${n}) came back: ${returnReason(returned)} (no queue ${QUEUE}: no server has started)`);
    });

    for (const n of params.requests) {
      const correlationId = randomUUID();
      pending.set(correlationId, n);
      log('rpc client', ` [x] Requesting fib(${n})`);
      // reply_to and correlation_id are what make this RPC: they win over the same properties set by hand.
      channel.sendToQueue(QUEUE, Buffer.from(String(n)), {
        ...toPublishOptions(params.properties),
        correlationId,
        replyTo,
        mandatory: params.mandatory,
      });
    }

    await waitUntil(sleep, () => pending.size === 0 || failure !== undefined, params.clientTimeoutMs);
    if (failure !== undefined) throw failure.error;
    for (const n of pending.values()) {
      log('rpc client', ` [!] fib(${n}): no reply within ${params.clientTimeoutMs} ms. Is any RPC server running?`);
    }
    await snapshot(CLIENT_DONE);
    await client.close();
    await closeConnections(connections);
  },
});
