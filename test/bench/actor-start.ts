/**
 * `npm run bench:start`: how long a program takes from being started as a
 * process of its own to its first frame through the tap, in JavaScript
 * (node with amqplib) and Python (pika), on the embedded broker. A run that
 * starts its actors as processes waits this long before anything shows.
 *
 * Each try starts the first tutorial's sender (connect, open a channel,
 * declare a queue, send, close) and measures: until the first frame the tap
 * sees (connection.start from the broker: the program has started and
 * connected), until its channel.open (it is doing its work), and until it
 * exits. The median and p90 of each over the tries.
 *
 *   npm run bench:start                 20 tries a language
 *   npm run bench:start -- --tries 50
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startBroker } from '../../server/broker/index.js';
import { PYTHON, startActorProcess, type ProgramLanguage } from '../../server/programs/actor-process.js';
import { createRunClock } from '../../server/programs/clock/run-clock.js';
import { literal } from '../../server/scenario/code-literal.js';
import { pythonLiteral } from '../../server/scenario/python-literal.js';
import { startTap } from '../../server/tap/index.js';
import { createTraceRecorder } from '../../server/trace/recorder.js';

const FOLDER = fileURLToPath(new URL('../../', import.meta.url));
const QUEUE = 'hello';

const SENDERS: Record<ProgramLanguage, string> = {
  javascript: [
    "import amqp from 'amqplib';",
    "const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://localhost');",
    'const channel = await connection.createChannel();',
    `const queue = ${literal(QUEUE)};`,
    'await channel.assertQueue(queue, { durable: false });',
    "channel.sendToQueue(queue, Buffer.from('Hello World!'));",
    'console.log(" [x] Sent \'Hello World!\'");',
    'await channel.close();',
    'await connection.close();',
  ].join('\n'),
  python: [
    'import os',
    'import pika',
    "connection = pika.BlockingConnection(pika.URLParameters(os.environ.get('AMQP_URL', 'amqp://localhost')))",
    'channel = connection.channel()',
    `channel.queue_declare(queue=${pythonLiteral(QUEUE)})`,
    `channel.basic_publish(exchange='', routing_key=${pythonLiteral(QUEUE)}, body=b'Hello World!')`,
    'print(" [x] Sent \'Hello World!\'")',
    'connection.close()',
  ].join('\n'),
};

interface Times {
  firstFrame: number;
  channelOpen: number;
  exited: number;
}

function readOptions(): { tries: number } {
  const { values } = parseArgs({ options: { tries: { type: 'string', default: '20' } } });
  const tries = Number(values.tries);
  if (!Number.isInteger(tries) || tries < 1 || tries > 1000)
    throw new Error(`--tries ${values.tries} is not allowed: use a whole number from 1 to 1000`);
  return { tries };
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const { tries } = readOptions();
  const broker = await startBroker({ port: 0 });
  const clock = createRunClock();
  const languages: ProgramLanguage[] = ['javascript'];
  if (spawnSync(PYTHON, ['-c', 'import pika']).status === 0) languages.push('python');
  else console.log(`Python left out: ${PYTHON} cannot import pika (apt-get install -y python3-pika)`);
  console.log(`start benchmark: ${tries} tries a language, embedded broker at ${broker.host}:${broker.port}`);
  try {
    for (const language of languages) {
      const times: Times[] = [];
      for (let i = 0; i < tries; i++) times.push(await oneTry(language, broker.host, broker.port, clock.file));
      const line = (name: keyof Times): string =>
        `median ${percentile(
          times.map((t) => t[name]),
          0.5,
        ).toFixed(0)} ms, p90 ${percentile(
          times.map((t) => t[name]),
          0.9,
        ).toFixed(0)} ms`;
      console.log(
        `${language.padEnd(10)} to first frame: ${line('firstFrame')}; to channel.open: ${line('channelOpen')}; to exit: ${line('exited')}`,
      );
    }
  } finally {
    clock.close();
    await broker.close();
  }
}

async function oneTry(language: ProgramLanguage, host: string, port: number, clockFile: string): Promise<Times> {
  const recorder = createTraceRecorder();
  const tap = await startTap({ upstreamHost: host, upstreamPort: port, recorder });
  const seen: Partial<Times> = {};
  const started = performance.now();
  recorder.subscribe((event) => {
    if (event.kind !== 'frame') return;
    seen.firstFrame ??= performance.now() - started;
    if (event.method === 'channel.open') seen.channelOpen ??= performance.now() - started;
  });
  const lines: string[] = [];
  const actor = await startActorProcess({
    actor: 'sender',
    language,
    program: SENDERS[language],
    clockFile,
    folder: FOLDER,
    environment: { AMQP_URL: `amqp://guest:guest@${tap.host}:${await tap.portFor('sender')}/%2F` },
    onLine: (line) => lines.push(line.text),
  });
  const exit = await actor.exited;
  const exited = performance.now() - started;
  await tap.close();
  if (exit.code !== 0 || seen.firstFrame === undefined || seen.channelOpen === undefined) {
    throw new Error(`the ${language} sender failed (exit ${JSON.stringify(exit)}): ${lines.join('\n')}`);
  }
  return { firstFrame: seen.firstFrame, channelOpen: seen.channelOpen, exited };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
