/**
 * The sixth tutorial's programs in JavaScript with amqplib: rpc_server.js
 * answers Fibonacci requests from rpc_queue (refusing any n above its limit)
 * until you stop it; rpc_client.js sends each request with reply_to and a
 * correlation id, matches the replies to its requests, gives up on the rest
 * after its timeout, and leaves.
 */
import {
  SLEEP,
  UNTIL_INTERRUPTED,
  args,
  block,
  branches,
  constant,
  expression,
  header,
  lines,
  literal,
  openChannel,
  optionalMember,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { DIRECT_REPLY_TO, ERROR_HEADER, QUEUE, type FibRpcParams } from './fib-rpc.js';

/** fib(n) in the program, exact for any n. */
const FIB = lines(
  '/** fib(n), iteratively and exactly (BigInt: fib(79) no longer fits a double). */',
  block(
    'function fib(n) {',
    lines(
      'let current = 0n;',
      'let next = 1n;',
      'for (let i = 0; i < n; i += 1) [current, next] = [next, current + next];',
      'return current;',
    ),
  ),
);

/** The server's check of a request before any work, and its answer. */
const ANSWER_FOR = lines(
  '/** The answer to a request, or why the server refuses it: checked before any work. */',
  block(
    'function answerFor(body) {',
    lines(
      "if (!/^\\d+$/.test(body)) return { error: `'${body}' is not a whole number` };",
      'const n = Number(body);',
      'if (n > fibLimit) return { error: `fib(${n}) refused: n must be at most ${fibLimit}` };',
      'return { result: fib(n).toString() };',
    ),
  ),
);

export function serverJavaScript(params: FibRpcParams, actor: string): string {
  const works = params.msPerRequest > 0;
  const replyOptions = { correlationId: expression('correlationId'), contentType: 'text/plain' };
  return program(
    header({
      actor,
      follows: 'rpc_server.js',
      does: `Takes requests from ${QUEUE} one at a time, computes fib(n) and sends the answer to the request's reply_to with its correlation id.`,
    }),
    lines(
      constant('queue', QUEUE),
      constant('fibLimit', params.fibLimit),
      works && constant('msPerRequest', params.msPerRequest),
      works && SLEEP,
    ),
    FIB,
    ANSWER_FOR,
    lines(
      openChannel(),
      'await channel.assertQueue(queue, { durable: false });',
      '// One request at a time per server (the next comes once this one is',
      '// acknowledged), so several servers share the load.',
      'await channel.prefetch(1);',
    ),
    lines(
      block(
        'await channel.consume(queue, async (request) => {',
        lines(
          'const body = request.content.toString();',
          'const { replyTo, correlationId } = request.properties;',
          'const answer = answerFor(body);',
          branches(
            ['answer.error', "console.log(' [!] %s', answer.error);"],
            [
              null,
              lines(
                "console.log(' [.] fib(%s)', body);",
                works && '// Pretend the work takes a while.',
                works && 'await sleep(msPerRequest);',
              ),
            ],
          ),
          branches(
            ['!replyTo', "console.log(' [!] The request has no reply_to: there is nowhere to send the answer');"],
            [
              'answer.error',
              lines(
                '// The error travels in a header, so the client can tell it from a result.',
                `channel.sendToQueue(${args('replyTo', 'Buffer.from(answer.error)', literal({ ...replyOptions, headers: { [ERROR_HEADER]: expression('answer.error') } }))});`,
              ),
            ],
            [null, `channel.sendToQueue(${args('replyTo', 'Buffer.from(answer.result)', literal(replyOptions))});`],
          ),
          '// Acknowledged only once answered: a server that dies mid-request leaves it to another.',
          'channel.ack(request);',
        ),
        '}, { noAck: false });',
      ),
      "console.log(' [x] Awaiting RPC requests');",
    ),
    UNTIL_INTERRUPTED,
  );
}

export function clientJavaScript(params: FibRpcParams): string {
  const direct = params.replyQueue === 'direct-reply-to';
  // reply_to and correlation_id are what make this RPC: they win over the same properties set by hand.
  const { replyTo: _replyTo, correlationId: _correlationId, ...ownProperties } = params.properties;
  const requestOptions = publishOptions({
    ...ownProperties,
    correlationId: expression('correlationId'),
    replyTo: expression('replyTo'),
    mandatory: params.mandatory || undefined,
  });
  return program(
    header({
      actor: 'rpc client',
      follows: 'rpc_client.js',
      does: `Sends every request to ${QUEUE} at once, each with its own correlation id, and matches the replies to them; gives up on the rest after ${params.clientTimeoutMs} ms.`,
      imports: ["import { randomUUID } from 'node:crypto';"],
    }),
    lines(constant('queue', QUEUE), constant('requests', params.requests), constant('timeoutMs', params.clientTimeoutMs)),
    openChannel(),
    lines(
      '/** Requests still waiting for their reply: n by correlation id. */',
      'const pending = new Map();',
      '/** Resolves once every request has its reply, or when the client stops waiting. */',
      'let stopWaiting;',
      'const allAnswered = new Promise((resolve) => { stopWaiting = resolve; });',
    ),
    block(
      'function onReply(reply) {',
      lines(
        'const { correlationId, headers } = reply.properties;',
        'const n = pending.get(correlationId);',
        block(
          'if (n === undefined) {',
          lines("console.log(' [?] Ignoring a reply with an unknown correlation id (%s)', correlationId);", 'return;'),
        ),
        'pending.delete(correlationId);',
        `const error = ${optionalMember('headers', ERROR_HEADER)};`,
        "if (error !== undefined) console.log(' [!] fib(%d) failed on the server: %s', n, error);",
        "else console.log(' [.] Got %s', reply.content.toString());",
        'if (pending.size === 0) stopWaiting();',
      ),
    ),
    direct
      ? lines(
          '// Direct reply-to: no callback queue at all. The client consumes the pseudo-queue',
          '// (with noAck, on the channel it publishes on) before it publishes.',
          constant('replyTo', DIRECT_REPLY_TO),
          'await channel.consume(replyTo, onReply, { noAck: true });',
        )
      : lines(
          "// The callback queue: the broker names it, and it is this client's alone.",
          "const { queue: replyTo } = await channel.assertQueue('', { exclusive: true });",
          'await channel.consume(replyTo, onReply, { noAck: true });',
        ),
    params.mandatory &&
      lines(
        '// With mandatory, a request that no queue takes comes back at once (basic.return).',
        block(
          "channel.on('return', (returned) => {",
          lines(
            'const n = pending.get(returned.properties.correlationId);',
            'if (n === undefined) return;',
            'pending.delete(returned.properties.correlationId);',
            "console.log(' [!] fib(%d) came back: %s %s (no queue %s: no server has started)', n, returned.fields.replyCode, returned.fields.replyText, queue);",
            'if (pending.size === 0) stopWaiting();',
          ),
          '});',
        ),
      ),
    block(
      'for (const n of requests) {',
      lines(
        'const correlationId = randomUUID();',
        'pending.set(correlationId, n);',
        "console.log(' [x] Requesting fib(%d)', n);",
        `channel.sendToQueue(${args('queue', 'Buffer.from(String(n))', requestOptions)});`,
      ),
    ),
    lines(
      '// The client does not wait forever: after timeoutMs it gives up on the requests left.',
      'const timer = setTimeout(stopWaiting, timeoutMs);',
      'await allAnswered;',
      'clearTimeout(timer);',
      block(
        'for (const n of pending.values()) {',
        "console.log(' [!] fib(%d): no reply within %d ms. Is any RPC server running?', n, timeoutMs);",
      ),
      'await connection.close();',
    ),
  );
}
