/**
 * The sixth tutorial's programs in Python with pika: rpc_server.py answers
 * Fibonacci requests from rpc_queue (refusing any n above its limit) until
 * you stop it; rpc_client.py sends each request with reply_to and a
 * correlation id, matches the replies to its requests, gives up on the rest
 * after its timeout, and leaves. They print what their JavaScript twins print.
 */
import { expression } from '../../../server/scenario/code-template.js';
import {
  pyArgs,
  pyBlock,
  pyConnect,
  pyConsumeUntilInterrupted,
  pyHeader,
  pyLines,
  pyProgram,
  pyProperties,
  pythonConstant,
  pythonLiteral,
} from '../../../server/scenario/python-template.js';
import { DIRECT_REPLY_TO, ERROR_HEADER, QUEUE, type FibRpcParams } from './fib-rpc.js';

const FIB = pyBlock(
  'def fib(n):',
  pyLines(
    '"""fib(n), iteratively: Python\'s integers are exact at any size."""',
    'current, following = 0, 1',
    pyBlock('for _ in range(n):', 'current, following = following, current + following'),
    'return current',
  ),
);

const ANSWER_FOR = pyBlock(
  'def answer_for(body):',
  pyLines(
    '"""The answer to a request and None, or None and why the server refuses it: checked before any work."""',
    pyBlock("if not re.fullmatch('[0-9]+', body):", 'return None, f"\'{body}\' is not a whole number"'),
    'n = int(body)',
    pyBlock('if n > fib_limit:', "return None, f'fib({n}) refused: n must be at most {fib_limit}'"),
    'return str(fib(n)), None',
  ),
);

/** The properties of a reply: the request's correlation id, and the error header when there is one. */
function replyProperties(withError: boolean): string | undefined {
  return pyProperties(
    {},
    {
      correlation_id: 'properties.correlation_id',
      content_type: pythonLiteral('text/plain'),
      ...(withError ? { headers: pythonLiteral({ [ERROR_HEADER]: expression('error') }) } : {}),
    },
  );
}

function reply(body: string, withError: boolean): string {
  return `ch.basic_publish(${pyArgs("exchange=''", 'routing_key=properties.reply_to', `properties=${replyProperties(withError)}`, `body=${body}`)})`;
}

export function serverPython(params: FibRpcParams, actor: string): string {
  const works = params.msPerRequest > 0;
  return pyProgram(
    pyHeader({
      actor,
      follows: 'rpc_server.py',
      does: `Takes requests from ${QUEUE} one at a time, computes fib(n) and sends the answer to the request's reply_to with its correlation id.`,
      imports: works ? ['re', 'time'] : ['re'],
    }),
    pyLines(
      pythonConstant('queue', QUEUE),
      pythonConstant('fib_limit', params.fibLimit),
      works && pythonConstant('ms_per_request', params.msPerRequest),
    ),
    FIB,
    ANSWER_FOR,
    pyLines(
      pyConnect(),
      'channel.queue_declare(queue=queue)',
      '# One request at a time per server (the next comes once this one is',
      '# acknowledged), so several servers share the load.',
      'channel.basic_qos(prefetch_count=1)',
    ),
    pyBlock(
      'def on_request(ch, method, properties, body):',
      pyLines(
        'body = body.decode()',
        'result, error = answer_for(body)',
        pyBlock('if error is not None:', "print(f' [!] {error}')"),
        pyBlock(
          'else:',
          pyLines("print(f' [.] fib({body})')", works && '# Pretend the work takes a while.', works && 'time.sleep(ms_per_request / 1000)'),
        ),
        pyBlock('if not properties.reply_to:', "print(' [!] The request has no reply_to: there is nowhere to send the answer')"),
        pyBlock(
          'elif error is not None:',
          pyLines('# The error travels in a header, so the client can tell it from a result.', reply('error', true)),
        ),
        pyBlock('else:', reply('result', false)),
        '# Acknowledged only once answered: a server that dies mid-request leaves it to another.',
        'ch.basic_ack(delivery_tag=method.delivery_tag)',
      ),
    ),
    pyLines('channel.basic_consume(queue=queue, on_message_callback=on_request)', pyConsumeUntilInterrupted(' [x] Awaiting RPC requests')),
  );
}

export function clientPython(params: FibRpcParams): string {
  const direct = params.replyQueue === 'direct-reply-to';
  // reply_to and correlation_id are what make this RPC: they win over the same properties set by hand.
  const { replyTo: _replyTo, correlationId: _correlationId, ...ownProperties } = params.properties;
  const requestProperties = pyProperties(ownProperties, { reply_to: 'reply_to', correlation_id: 'correlation_id' });
  return pyProgram(
    pyHeader({
      actor: 'rpc client',
      follows: 'rpc_client.py',
      does: `Sends every request to ${QUEUE} at once, each with its own correlation id, and matches the replies to them; gives up on the rest after ${params.clientTimeoutMs} ms.`,
      imports: ['time', 'uuid'],
    }),
    pyLines(
      pythonConstant('queue', QUEUE),
      pythonConstant('requests', params.requests),
      pythonConstant('timeout_ms', params.clientTimeoutMs),
    ),
    pyConnect(),
    pyLines('# Requests still waiting for their reply: n by correlation id.', 'pending = {}'),
    pyBlock(
      'def on_reply(ch, method, properties, body):',
      pyLines(
        'n = pending.pop(properties.correlation_id, None)',
        pyBlock(
          'if n is None:',
          pyLines("print(f' [?] Ignoring a reply with an unknown correlation id ({properties.correlation_id})')", 'return'),
        ),
        `error = (properties.headers or {}).get(${pythonLiteral(ERROR_HEADER)})`,
        pyBlock('if error is not None:', "print(f' [!] fib({n}) failed on the server: {error}')"),
        pyBlock('else:', "print(f' [.] Got {body.decode()}')"),
      ),
    ),
    direct
      ? pyLines(
          '# Direct reply-to: no callback queue at all. The client consumes the pseudo-queue',
          '# (with auto_ack, on the channel it publishes on) before it publishes.',
          pythonConstant('reply_to', DIRECT_REPLY_TO),
          'channel.basic_consume(queue=reply_to, on_message_callback=on_reply, auto_ack=True)',
        )
      : pyLines(
          "# The callback queue: the broker names it, and it is this client's alone.",
          "result = channel.queue_declare(queue='', exclusive=True)",
          'reply_to = result.method.queue',
          'channel.basic_consume(queue=reply_to, on_message_callback=on_reply, auto_ack=True)',
        ),
    params.mandatory &&
      pyLines(
        '# With mandatory, a request that no queue takes comes back at once (basic.return).',
        pyBlock(
          'def on_return(ch, method, properties, body):',
          pyLines(
            'n = pending.pop(properties.correlation_id, None)',
            pyBlock(
              'if n is not None:',
              "print(f' [!] fib({n}) came back: {method.reply_code} {method.reply_text} (no queue {queue}: no server has started)')",
            ),
          ),
        ),
        '',
        'channel.add_on_return_callback(on_return)',
      ),
    pyBlock(
      'for n in requests:',
      pyLines(
        'correlation_id = str(uuid.uuid4())',
        'pending[correlation_id] = n',
        "print(f' [x] Requesting fib({n})')",
        `channel.basic_publish(${pyArgs("exchange=''", 'routing_key=queue', `properties=${requestProperties}`, 'body=str(n)', params.mandatory && 'mandatory=True')})`,
      ),
    ),
    pyLines(
      '# The client does not wait forever: after timeout_ms it gives up on the requests left.',
      '# Replies (and returns) are handled while it waits in process_data_events.',
      'deadline = time.monotonic() + timeout_ms / 1000',
      pyBlock(
        'while pending:',
        pyLines('left = deadline - time.monotonic()', pyBlock('if left <= 0:', 'break'), 'connection.process_data_events(time_limit=left)'),
      ),
      pyBlock('for n in pending.values():', "print(f' [!] fib({n}): no reply within {timeout_ms} ms. Is any RPC server running?')"),
      'connection.close()',
    ),
  );
}
