/**
 * The sixth tutorial's programs: RPC servers (rpc_server) answer Fibonacci
 * requests taken from rpc_queue until they are stopped; the client
 * (rpc_client) sends each request with a reply_to queue and a correlation id,
 * matches the replies to its requests and leaves. Beyond the tutorial they
 * answer its open questions: a client timeout, a server error forwarded to
 * the client, and bounds checked before any work.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ActorProgram, type ProgramLanguage } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { clientJavaScript, serverJavaScript } from './fib-rpc.javascript.js';
import { clientPython, serverPython } from './fib-rpc.python.js';

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

/** The queue the servers take requests from. */
export const QUEUE = 'rpc_queue';

/** RabbitMQ's pseudo-queue for direct reply-to: replies go straight to the consuming channel. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** The reply header that carries a server's error instead of a result. */
export const ERROR_HEADER = 'error';

/** The line a server prints once it consumes rpc_queue. */
const AWAITING = /Awaiting RPC requests/;

/** A line the client prints about one of its requests: its reply, the server's error, its return, or its timeout. */
const ANSWERED = /^ \[[.!]\] /;

const CLIENT = 'rpc client';

function server(params: FibRpcParams, language: ProgramLanguage, actor: string): ActorProgram {
  return {
    actor,
    code: language === 'python' ? serverPython(params, actor) : serverJavaScript(params, actor),
    next: { ready: AWAITING },
  };
}

function client(params: FibRpcParams, language: ProgramLanguage): ActorProgram {
  return { actor: CLIENT, code: language === 'python' ? clientPython(params) : clientJavaScript(params), next: 'ended' };
}

/** The first server's name that is not taken: "rpc server 3" when 1 and 2 are. */
function freeServerName(taken: readonly string[]): string {
  for (let number = 1; ; number += 1) if (!taken.includes(`rpc server ${number}`)) return `rpc server ${number}`;
}

export default programScenario(
  defineProgramCell({
    title: 'Remote procedure calls: Fibonacci servers and a client',
    params: fibRpcParams,
    programs: (params, language) => [
      ...Array.from({ length: params.servers }, (_, i) => server(params, language, `rpc server ${i + 1}`)),
      client(params, language),
    ],
    another: (params, language, actor, taken) => {
      if (actor === CLIENT) {
        // One more call: the client again, with the first of the cell's requests.
        return { label: 'send one more', program: client({ ...params, requests: params.requests.slice(0, 1) }, language) };
      }
      if (actor.startsWith('rpc server ')) return { label: 'start another', program: server(params, language, freeServerName(taken)) };
      return undefined;
    },
    moments: (params) => [
      {
        id: 'client-done',
        title: 'when the client is done waiting',
        at: { actor: CLIENT, line: ANSWERED, count: params.requests.length },
      },
    ],
    // A server may still work on requests the client gave up on; the run is quiet only once it is done.
    quietMs: (params) => 1000 + params.msPerRequest,
  }),
);
