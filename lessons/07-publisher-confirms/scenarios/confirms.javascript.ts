/**
 * The seventh tutorial's three publishing strategies in JavaScript with
 * amqplib: each publishes the same messages on a confirm channel to a fresh
 * queue, waiting for confirms one at a time, once per batch, or only at the
 * end, prints its throughput and how the confirms arrived, and leaves.
 */
import {
  args,
  block,
  constant,
  header,
  lines,
  literal,
  openChannel,
  program,
  publishOptions,
} from '../../../server/scenario/code-template.js';
import { WORDING, type ConfirmsParams, type Strategy } from './confirms.js';

/** What the publishing loop does after each publish, by strategy. */
const AFTER_PUBLISH: Record<Strategy, string> = {
  individual: lines("// Wait for this message's confirm before sending the next.", 'await channel.waitForConfirms();'),
  batch: lines(
    '// Once a batch is out, wait until all of it is confirmed; in between, only',
    "// wait when the socket's buffer is full.",
    'if (i % batchSize === 0) await channel.waitForConfirms();',
    "else if (!keepGoing) await once(channel, 'drain');",
  ),
  async: lines(
    '// Never wait for confirms here: settled() counts them as they come. Only wait',
    "// when the socket's buffer is full.",
    "if (!keepGoing) await once(channel, 'drain');",
  ),
};

export function publisherJavaScript(params: ConfirmsParams, strategy: Strategy): string {
  const { actor, how, follows } = WORDING[strategy];
  const waitsForDrain = strategy !== 'individual';
  const publish = `channel.sendToQueue(${args('queue', 'Buffer.from(String(i))', publishOptions(params.properties) ?? '{}', 'settled')});`;
  return program(
    header({
      actor,
      follows,
      does: `Publishes ${params.messages} messages on a confirm channel and prints how long it took and how the confirms arrived.`,
      imports: waitsForDrain ? ["import { once } from 'node:events';"] : [],
    }),
    lines(constant('messages', params.messages), strategy === 'batch' && constant('batchSize', params.batchSize)),
    lines(
      openChannel('confirm channel'),
      '// A fresh server-named queue, as in the tutorial; nobody consumes it.',
      `const { queue } = await channel.assertQueue('', ${literal({ exclusive: true })});`,
    ),
    lines(
      '// Counting the basic.ack frames, to see how many messages each one confirms.',
      'let ackFrames = 0;',
      'let multipleAcks = 0;',
      block("channel.on('ack', (fields) => {", lines('ackFrames += 1;', 'if (fields.multiple) multipleAcks += 1;'), '});'),
    ),
    lines(
      'let confirmed = 0;',
      'let nacked = 0;',
      '// amqplib calls this for each message: with null once it is confirmed, with an',
      '// error if it is nacked.',
      block('function settled(error) {', lines('if (error) nacked += 1;', 'else confirmed += 1;')),
    ),
    lines(
      'const started = performance.now();',
      block(
        'for (let i = 1; i <= messages; i += 1) {',
        lines(waitsForDrain ? `const keepGoing = ${publish}` : publish, AFTER_PUBLISH[strategy]),
      ),
      waitsForDrain && '// Then wait once for the confirms still outstanding.',
      waitsForDrain && 'await channel.waitForConfirms();',
      'const elapsedMs = performance.now() - started;',
    ),
    lines(
      'const perSecond = Math.round(messages / (elapsedMs / 1000));',
      `console.log(' Published %d messages ${how} in %d ms: %d msgs/s', messages, Math.round(elapsedMs), perSecond);`,
      "console.log(' %d confirmed, %d nacked, in %d basic.ack frames (%d with multiple=true)', confirmed, nacked, ackFrames, multipleAcks);",
      'await channel.close();',
      'await connection.close();',
    ),
  );
}
