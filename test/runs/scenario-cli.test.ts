import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE_LESSONS } from './legs.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** Runs `npm run scenario -- args` the way npm would, on the fixture lessons; resolves with its exit status and output. */
function scenario(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return course(...args, '--lessons', FIXTURE_LESSONS);
}

/** Runs `npm run scenario -- args` on the course's own lessons. */
function course(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['server/cli/scenario.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, AMQP_URL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm run scenario', () => {
  it('runs to its end and exits once nobody reads its output (`| head`)', async () => {
    const child = spawn(TSX, ['server/cli/scenario.ts', '01-echo/slow', '--broker', 'embedded', '--lessons', FIXTURE_LESSONS], {
      cwd: ROOT,
      env: { ...process.env, AMQP_URL: '' },
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      // Like head -1: take the first output, then stop reading, so every later write fails.
      await new Promise((resolve) => child.stdout.once('data', resolve));
      child.stdout.destroy();
      child.stderr.destroy();
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('prints every trace event as a JSON line, then the summary', async () => {
    const { status, stdout, stderr } = await scenario(
      '01-echo/three-messages',
      '--broker',
      'embedded',
      '--json',
      '--set',
      'properties.headers={"origin":"cli"}',
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = lines.at(-1)?.summary;
    expect(summary).toMatchObject({
      published: 3,
      routed: { hello: 3 },
      delivered: { consumer: 3 },
      acked: 0,
      // The runner stopped the consumer with Ctrl-C once the run went quiet.
      queues: [{ name: 'hello', messagesReady: 0, messagesUnacknowledged: 0, consumers: 0 }],
    });
    const events = lines.slice(0, -1);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const publish = events.find((event) => event.method === 'basic.publish') as { message: { properties: unknown } };
    expect(publish.message.properties).toEqual({ headers: { origin: 'cli' } });
  });

  it('prints a readable trace for a lesson named by its slug, running its first cell', async () => {
    const { status, stdout } = await scenario('echo', '--set', 'count=2');
    expect(status).toBe(0);
    expect(stdout).toContain('Running 01-echo/three-messages on the embedded broker');
    expect(stdout).toMatch(/producer +→ basic\.publish \[ch 1\] exchange='' routingKey=hello "hello 1"/);
    expect(stdout).toMatch(/consumer +← basic\.deliver \[ch 1\]/);
    expect(stdout).toMatch(/consumer +\[x\] Received 'hello 2'/);
    expect(stdout).toMatch(/list_queues:\n +name +messages_ready +messages_unacknowledged +consumers\n +hello +0 +0 +0\n$/);
  });

  it('exits 2 naming a bad parameter and what it allows', async () => {
    const { status, stdout, stderr } = await scenario('01/slow', '--set', 'count=0', '--set', 'properties.deliveryMode=3');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'Cannot run 01-echo/slow:\n  count must be an integer from 1 to 1000, got 0\n  properties.deliveryMode must be one of 1, 2, got "3"\n',
    );
  });

  it('exits 2 for a parameter the cell does not have', async () => {
    const { status, stderr } = await scenario('01', '--set', 'colour=red');
    expect(status).toBe(2);
    expect(stderr).toContain('there is no parameter colour; the parameters are count, message, pauseMs, properties');
  });

  it('exits 2 naming a parameter called like something every object has, before anything runs', async () => {
    // '__proto__.count=0' once set count on every object of the process, and the run went ahead with the default count.
    const proto = await scenario('01-echo', '--broker', 'embedded', '--set', '__proto__.count=0');
    expect(proto.status).toBe(2);
    expect(proto.stdout).toBe('');
    expect(proto.stderr).toContain("parameter name '__proto__' is not allowed: every JavaScript object already has a '__proto__'");
    const nested = await scenario('01-echo', '--broker', 'embedded', '--set', 'properties.constructor.name=x');
    expect(nested.status).toBe(2);
    expect(nested.stderr).toContain("parameter name 'properties.constructor' is not allowed");
  });

  it('exits 2 for an unknown lesson, listing the lessons', async () => {
    const { status, stderr } = await scenario('07-nothing');
    expect(status).toBe(2);
    expect(stderr).toBe("There is no lesson '07-nothing'. The lessons are:\n  01-echo  Echo\n");
  });

  it('exits 2 for an unknown cell, listing the cells', async () => {
    const { status, stderr } = await scenario('01-echo/nope');
    expect(status).toBe(2);
    expect(stderr).toContain("Lesson 01-echo has no cell 'nope'. Its cells are:\n  01-echo/three-messages  Three messages\n  01-echo/slow");
  });

  it('exits 2 for a command line it cannot read', async () => {
    const { status, stderr } = await scenario('01-echo', '--broker', 'http://localhost');
    expect(status).toBe(2);
    expect(stderr).toContain("--broker takes 'embedded' or an AMQP URL");
    expect((await scenario('01-echo', '--sett', 'x=1')).status).toBe(2);
    expect((await scenario('01-echo', '--set', 'properties.headers={bad')).stderr).toContain('is not valid JSON');
  });

  it('exits 1 with the explanation when the broker is unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const { status, stderr } = await scenario('01-echo', '--broker', `amqp://guest:guest@127.0.0.1:${port}`);
    expect(status).toBe(1);
    expect(stderr).toContain(`The run failed: Nothing answers at 127.0.0.1:${port}. Is RabbitMQ running?`);
  });

  it("runs a cell's Python programs with --language python", async () => {
    const { status, stdout } = await course('01-hello-world/hello', '--language', 'python', '--broker', 'embedded', '--json');
    expect(status).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const lines = events.flatMap((event) =>
      event.kind === 'log' && event.process === undefined ? [`${String(event.actor)}: ${String(event.text)}`] : [],
    );
    expect(lines).toContain("consumer:  [x] Received 'Hello World!'");
    expect(stdout).toContain('"product":"Pika Python Client Library"');
    expect(stdout).not.toContain('"product":"amqplib"');
  });

  it('acts on a program at a named moment with --at, and says which actions the run never reached', async () => {
    const { status, stdout, stderr } = await course(
      '01-hello-world/producer-first',
      '--broker',
      'embedded',
      '--at',
      'producer-left=another:producer',
      '--at',
      '#100000=kill:consumer',
    );
    expect(status).toBe(0);
    // Sent again by hand: the consumer, started after the second producer, receives both rounds of three.
    expect(stdout).toMatch(/ producer +\(started by you\)\n/);
    expect(stdout.match(/ consumer +\[x\] Received 'Hello World!'\n/g)).toHaveLength(6);
    expect(stderr).toContain('--at #100000: the run never got there, so consumer was not sent kill');
  });

  it('exits 2 for an --at it cannot read, or a language it does not know', async () => {
    const { status, stderr } = await course('01-hello-world', '--at', 'producer-left=explode:producer');
    expect(status).toBe(2);
    expect(stderr).toContain('--at: the action "explode" is not one of kill, stop, another');
    expect((await course('01-hello-world', '--at', 'producer-left')).stderr).toContain('--at takes <when>=<action>:<actor>');
    expect((await course('01-hello-world', '--language', 'ruby')).stderr).toContain('--language takes javascript or python, got "ruby"');
  });

  it('exits 1 when the broker refuses what the program does', async () => {
    const { status, stderr } = await scenario('01-echo/mistake', '--set', 'mistake=redeclare');
    expect(status).toBe(1);
    expect(stderr).toContain(
      "The run ended with an error: The broker closed client's channel 1 with 406 PRECONDITION_FAILED when it refused queue.declare. The queue 'settled' already exists with durable = false",
    );
  });
});
