// A foreign client: Python's pika (BlockingConnection, as in the RabbitMQ
// tutorials and the seed notes) publishes and consumes through each broker.
// Without python3-pika the case skips with a notice, except under CI=true.
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { describeBothBrokers } from '../conformance/brokers.js';

const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('./pika_roundtrip.py', import.meta.url));
const underCi = process.env.CI === 'true';

/** Why pika cannot be used here, or null when `import pika` works. */
function pikaProblem(): string | null {
  const probe = spawnSync(python, ['-c', 'import pika'], { encoding: 'utf8' });
  if (probe.error) return `${python} cannot run: ${probe.error.message}`;
  if (probe.status !== 0) return `python3-pika is not installed (apt-get install -y python3-pika): ${probe.stderr.trim()}`;
  return null;
}

const problem = pikaProblem();
if (problem !== null && !underCi) console.warn(`[foreign] pika case skipped: ${problem}`);

/** Runs the pika script against a broker and parses the JSON it prints. */
function runPika(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(python, [script, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`pika script failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, unknown>);
    });
  });
}

/** The properties every message the script publishes carries, for message number n. */
function publishedProperties(n: number) {
  return {
    content_type: 'text/plain',
    delivery_mode: 2,
    correlation_id: `corr-${n}`,
    reply_to: 'rpc.callback',
    message_id: `msg-${n}`,
    headers: { lesson: 'work-queues', n },
  };
}

describeBothBrokers('pika client', (broker) => {
  test.skipIf(problem !== null && !underCi)('declares, publishes with properties, gets, consumes and acks', async () => {
    if (problem !== null) throw new Error(`CI=true needs the pika client: ${problem}`);
    const queue = broker.name('pika_tasks');
    broker.forgetQueueAfter(queue);
    const { username, password, vhost } = broker.credentials();
    const seen = await runPika([broker.host, String(broker.port), vhost, queue, username, password]);

    expect(seen).toEqual({
      declared: { queue, message_count: 0, consumer_count: 0 },
      unroutable: { reply_code: 312, reply_text: 'NO_ROUTE' },
      get: {
        body: 'task 1 ......',
        delivery_tag: 1,
        redelivered: false,
        message_count: 2,
        properties: publishedProperties(1),
      },
      consumed: [2, 3].map((n) => ({
        body: `task ${n} ......`,
        delivery_tag: n,
        redelivered: false,
        routing_key: queue,
        properties: publishedProperties(n),
      })),
      after: { message_count: 0, consumer_count: 0 },
      deleted: 0,
    });
  });
});
