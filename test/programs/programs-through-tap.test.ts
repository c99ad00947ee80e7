// A run's programs as processes of their own, through the tap: the first
// tutorial's receiver in Python with pika and its sender in JavaScript with
// amqplib, each with the run's address in AMQP_URL and a port of the tap's
// of its own. What they print is their output; the trace names their frames
// after them; Ctrl-C ends the receiver its own way, closing its connection.
// Without python3-pika the case skips with a notice, except under CI=true.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { PYTHON, startActorProcess, type ActorProcess, type ProgramLanguage } from '../../server/programs/actor-process.js';
import { createRunClock, type RunClock } from '../../server/programs/clock/run-clock.js';
import { literal } from '../../server/scenario/code-literal.js';
import { pythonLiteral } from '../../server/scenario/python-literal.js';
import { amqpUrl, describeBothBrokers } from '../conformance/brokers.js';
import { tapBroker, type Tapped } from '../tap/tapped.js';

const FOLDER = fileURLToPath(new URL('../../', import.meta.url));
const underCi = process.env.CI === 'true';
const pikaMissing = spawnSync(PYTHON, ['-c', 'import pika']).status !== 0;
if (pikaMissing && !underCi) console.warn(`[programs] pika case skipped: python3-pika is not installed (apt-get install -y python3-pika)`);

/** receive.py, as the first Python tutorial writes it, for the queue `queue`. */
function receivePy(queue: string): string {
  return [
    'import os',
    'import sys',
    '',
    'import pika',
    '',
    '',
    'def main():',
    "    parameters = pika.URLParameters(os.environ.get('AMQP_URL', 'amqp://localhost'))",
    '    connection = pika.BlockingConnection(parameters)',
    '    channel = connection.channel()',
    `    queue = ${pythonLiteral(queue)}`,
    '    channel.queue_declare(queue=queue)',
    '',
    '    def callback(ch, method, properties, body):',
    '        print(f" [x] Received {body.decode()!r}")',
    '',
    '    channel.basic_consume(queue=queue, on_message_callback=callback, auto_ack=True)',
    "    print(' [*] Waiting for messages. To exit press CTRL+C')",
    '    try:',
    '        channel.start_consuming()',
    '    except KeyboardInterrupt:',
    "        print(' [*] Interrupted')",
    '        connection.close()',
    '',
    '',
    "if __name__ == '__main__':",
    '    main()',
    '    sys.exit(0)',
  ].join('\n');
}

/** send.js, as the first JavaScript tutorial writes it, sending `text` to the queue `queue`. */
function sendJs(queue: string, text: string): string {
  return [
    "import amqp from 'amqplib';",
    '',
    "const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://localhost');",
    'const channel = await connection.createChannel();',
    `const queue = ${literal(queue)};`,
    `const text = ${literal(text)};`,
    'await channel.assertQueue(queue, { durable: false });',
    'channel.sendToQueue(queue, Buffer.from(text));',
    'console.log(" [x] Sent \'%s\'", text);',
    'await channel.close();',
    'await connection.close();',
  ].join('\n');
}

describeBothBrokers('programs through the tap', (broker) => {
  let tapped: Tapped;
  let clock: RunClock;
  const started: ActorProcess[] = [];

  beforeEach(async () => {
    tapped = await tapBroker(broker);
    clock = createRunClock();
  });
  afterEach(async () => {
    for (const actor of started.splice(0)) {
      actor.thaw();
      actor.kill();
      await actor.exited;
    }
    await tapped.close();
    clock.close();
  });

  /** Starts a program as `actor`, on the tap's port for it; resolves with its lines as they come. */
  async function start(actor: string, language: ProgramLanguage, program: string): Promise<{ process: ActorProcess; lines: string[] }> {
    const { username, password, vhost } = broker.credentials();
    const port = await tapped.tap.portFor(actor);
    const lines: string[] = [];
    const process = await startActorProcess({
      actor,
      language,
      program,
      clockFile: clock.file,
      folder: FOLDER,
      environment: { AMQP_URL: amqpUrl(tapped.tap.host, port, username, password, vhost) },
      onLine: (line) => lines.push(line.stream === 'stderr' ? `stderr: ${line.text}` : line.text),
    });
    started.push(process);
    return { process, lines };
  }

  test.skipIf(pikaMissing && !underCi)('receive.py (pika) gets what send.js (amqplib) sent, each named in the trace', async () => {
    const queue = broker.name("hello 'world'");
    broker.forgetQueueAfter(queue);
    const receiver = await start('receiver', 'python', receivePy(queue));
    await tapped.waitFor('the receiver consuming', (event) => event.kind === 'frame' && event.method === 'basic.consume-ok', 15_000);

    const sender = await start('sender', 'javascript', sendJs(queue, 'Hello World!'));
    expect(await sender.process.exited).toEqual({ code: 0, signal: null });
    expect(sender.lines).toEqual([" [x] Sent 'Hello World!'"]);
    await tapped.waitFor('the delivery', (event) => event.kind === 'frame' && event.method === 'basic.deliver', 10_000);
    await expect.poll(() => receiver.lines, { timeout: 10_000 }).toContain(" [x] Received 'Hello World!'");

    expect(tapped.frames('basic.publish').map((frame) => frame.actor)).toEqual(['sender']);
    expect(tapped.frames('basic.deliver').map((frame) => frame.actor)).toEqual(['receiver']);

    receiver.process.interrupt();
    expect(await receiver.process.exited).toEqual({ code: 0, signal: null });
    expect(receiver.lines).toEqual([' [*] Waiting for messages. To exit press CTRL+C', " [x] Received 'Hello World!'", ' [*] Interrupted']);
    await tapped.waitFor(
      'the receiver closing',
      (event) => event.kind === 'frame' && event.method === 'connection.close' && event.actor === 'receiver',
    );
  });
});
