// POST /api/lab/build on both brokers: what the Lab page's forms send is declared, bound, unbound and deleted
// through the lab's port on a connection named "Lab page" (seen in the lab's trace), the result read back as the
// broker reports it; a bad request is refused before the broker sees it, and the broker's refusals come back in words.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerTarget } from '../../server/broker-connection.js';
import { createLabBuildRouter, LabPageConnection } from '../../server/lab/build/index.js';
import { exportDefinitions } from '../../server/lab/definitions/index.js';
import { startLab, type Lab } from '../../server/lab/lab.js';
import { loadLessons } from '../../server/lessons/index.js';
import type { LabBuildAnswer } from '../../server/protocol/lab-build.js';
import type { FrameEvent, TraceEvent } from '../../server/protocol/trace.js';
import { createApiRouter } from '../../server/web/api.js';
import type { ServerAddress } from '../../server/web/request-guard.js';
import { labLegs } from './lab-legs.js';
import { FIXTURE_LESSONS } from '../web/workbook.js';

const legs = await labLegs('the lab build tests');

/** Closes the "Lab page" connections to `vhost` on the local RabbitMQ, as an operator would in its management UI. */
async function closeLabPageConnections(vhost: string): Promise<void> {
  const auth = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };
  const base = 'http://127.0.0.1:15672/api';
  // The management API lists a connection once its statistics are first collected (every 5 s by default).
  let ours: { name: string }[] = [];
  await expect
    .poll(
      async () => {
        const listed = await fetch(`${base}/vhosts/${encodeURIComponent(vhost)}/connections`, { headers: auth });
        const connections = (await listed.json()) as { name: string; client_properties?: { connection_name?: string } }[];
        ours = connections.filter((connection) => connection.client_properties?.connection_name === 'Lab page');
        return ours.length;
      },
      { timeout: 15_000, interval: 500 },
    )
    .toBe(1);
  for (const connection of ours) {
    await fetch(`${base}/connections/${encodeURIComponent(connection.name)}`, {
      method: 'DELETE',
      headers: { ...auth, 'x-reason': 'closed by a test' },
    });
  }
}

describe.each(legs)('building in the lab on the $name broker', (leg) => {
  let target: BrokerTarget;
  let vhost: string;
  let closeBroker: () => Promise<void>;
  let lab: Lab;
  let server: Server;
  let base: string;
  const seen: TraceEvent[] = [];
  let stopWatching: () => void;

  beforeAll(async () => {
    const opened = await leg.open();
    ({ target, vhost } = opened);
    closeBroker = () => opened.close();
    lab = await startLab({ broker: target, host: '127.0.0.1', port: 0 });
    stopWatching = await lab.watch((event) => seen.push(event));
    const lessons = await loadLessons(FIXTURE_LESSONS);
    const address: ServerAddress = { host: '127.0.0.1', port: 0 };
    const app = express();
    app.use('/api', createApiRouter({ broker: target, lessons, address, lab }));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address.port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${address.port}/api/lab/build`;
  });

  afterAll(async () => {
    stopWatching();
    await new Promise((resolve) => server.close(resolve));
    await lab.close();
    await closeBroker();
  });

  const build = async (body: unknown): Promise<{ status: number; answer: LabBuildAnswer }> => {
    const response = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, answer: (await response.json()) as LabBuildAnswer };
  };
  const definitions = () => exportDefinitions(target, vhost);
  const exchange = { action: 'declare-exchange', type: 'direct', durable: true, autoDelete: false, internal: false } as const;
  const queue = { action: 'declare-queue', durable: true, autoDelete: false, queueType: 'classic' } as const;

  it('declares exchanges and queues with the arguments the form gave, as the broker then reports them', async () => {
    expect(await build({ ...exchange, name: 'orders-unrouted', type: 'fanout' })).toEqual({
      status: 200,
      answer: { ok: true, done: "Declared the fanout exchange 'orders-unrouted'." },
    });
    expect((await build({ ...exchange, name: 'orders', type: 'topic', alternateExchange: 'orders-unrouted' })).status).toBe(200);
    expect((await build({ ...exchange, name: 'matching', type: 'headers', durable: false, autoDelete: true, internal: true })).status).toBe(
      200,
    );
    const bounded = await build({
      ...queue,
      name: 'bounded',
      maxLength: 3,
      overflow: 'reject-publish-dlx',
      messageTtl: 60000,
      deadLetterExchange: 'orders',
      deadLetterRoutingKey: 'too.many',
    });
    expect(bounded).toEqual({
      status: 200,
      answer: { ok: true, done: "Declared the queue 'bounded' (0 messages, 0 consumers).", name: 'bounded' },
    });
    expect((await build({ ...queue, name: 'retries', queueType: 'quorum', deliveryLimit: 5 })).status).toBe(200);
    expect((await build({ ...queue, name: 'urgent', durable: false, autoDelete: true, maxPriority: 10 })).status).toBe(200);
    const named = await build({ ...queue, name: '', durable: false });
    expect(named.answer).toMatchObject({ ok: true, name: expect.stringMatching(/^amq\.gen-/) as unknown });

    const now = await definitions();
    expect(now.exchanges).toEqual([
      { name: 'matching', type: 'headers', durable: false, auto_delete: true, internal: true, arguments: {} },
      {
        name: 'orders',
        type: 'topic',
        durable: true,
        auto_delete: false,
        internal: false,
        arguments: { 'alternate-exchange': 'orders-unrouted' },
      },
      { name: 'orders-unrouted', type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} },
    ]);
    const queues = Object.fromEntries(now.queues.map((item) => [item.name, item]));
    expect(queues.bounded).toEqual({
      name: 'bounded',
      durable: true,
      auto_delete: false,
      arguments: {
        'x-max-length': 3,
        'x-overflow': 'reject-publish-dlx',
        'x-message-ttl': 60000,
        'x-dead-letter-exchange': 'orders',
        'x-dead-letter-routing-key': 'too.many',
      },
    });
    expect(queues.retries?.arguments).toEqual({ 'x-queue-type': 'quorum', 'x-delivery-limit': 5 });
    expect(queues.urgent).toEqual({ name: 'urgent', durable: false, auto_delete: true, arguments: { 'x-max-priority': 10 } });
  });

  it('binds a queue and an exchange, with header arguments for a headers exchange, and unbinds', async () => {
    const bind = { action: 'bind', source: 'orders', destinationType: 'queue', destination: 'bounded', routingKey: 'order.*' } as const;
    expect(await build(bind)).toEqual({
      status: 200,
      answer: { ok: true, done: "Bound queue 'bounded' to the exchange 'orders' with routing key \"order.*\"." },
    });
    expect(
      (await build({ action: 'bind', source: 'orders', destinationType: 'exchange', destination: 'orders-unrouted', routingKey: '#' }))
        .status,
    ).toBe(200);
    const headers = {
      action: 'bind',
      source: 'matching',
      destinationType: 'queue',
      destination: 'urgent',
      routingKey: '',
      match: 'any',
      headers: [
        { name: 'format', value: 'pdf' },
        { name: 'vip', value: 'yes' },
      ],
    } as const;
    expect((await build(headers)).status).toBe(200);
    expect((await definitions()).bindings).toEqual([
      {
        source: 'matching',
        destination: 'urgent',
        destination_type: 'queue',
        routing_key: '',
        arguments: { 'x-match': 'any', format: 'pdf', vip: 'yes' },
      },
      { source: 'orders', destination: 'orders-unrouted', destination_type: 'exchange', routing_key: '#', arguments: {} },
      { source: 'orders', destination: 'bounded', destination_type: 'queue', routing_key: 'order.*', arguments: {} },
    ]);
    expect((await build({ ...headers, action: 'unbind' })).answer).toMatchObject({
      ok: true,
      done: expect.stringMatching(/^Unbound queue 'urgent' from the exchange 'matching'/) as unknown,
    });
    expect((await definitions()).bindings.map((binding) => binding.source)).toEqual(['orders', 'orders']);
  });

  it('refuses what the form should not send, every problem named with what is allowed, before the broker sees it', async () => {
    const bad = await build({
      ...queue,
      name: 'amq.mine',
      queueType: 'quorum',
      durable: false,
      maxLength: -1,
      overflow: 'drop-head',
      maxPriority: 300,
    });
    expect(bad.status).toBe(400);
    expect(bad.answer).toMatchObject({ ok: false });
    const problems = bad.answer.ok ? [] : (bad.answer.problems ?? []);
    expect(problems).toEqual([
      { field: 'name', message: 'names starting with "amq." are the broker\'s own: choose a queue name without it' },
      { field: 'maxLength', message: 'the max length must be a whole number from 0 to 9,007,199,254,740,991 messages, got -1' },
      { field: 'maxPriority', message: 'the max priority must be a whole number from 1 to 255, got 300' },
      { field: 'durable', message: 'a quorum queue is always durable: tick durable' },
      { field: 'maxPriority', message: 'a quorum queue has no priorities: leave max priority empty, or use a classic queue' },
    ]);
    const long = await build({ ...exchange, name: 'é'.repeat(128) });
    expect(long.answer).toMatchObject({
      ok: false,
      problems: [{ field: 'name', message: 'the exchange name may be at most 255 bytes of UTF-8, got 256' }],
    });
    const shape = await build({ action: 'declare-exchange', name: 'x', type: 'x-delayed', durable: 'yes' });
    expect(shape.status).toBe(400);
    expect(shape.answer.ok ? [] : shape.answer.problems?.map((problem) => problem.field).sort()).toEqual([
      'autoDelete',
      'durable',
      'internal',
      'type',
    ]);
    const unknown = await build({ action: 'purge' });
    expect(unknown.answer).toMatchObject({
      ok: false,
      error: '\'action\' must be one of declare-exchange, declare-queue, bind, unbind, delete-queue, delete-exchange; got "purge"',
    });
    expect((await definitions()).queues.map((item) => item.name)).not.toContain('amq.mine');
  });

  it('says what the broker refused: a queue declared again with other settings, a binding to an exchange that is not there', async () => {
    const again = await build({ ...queue, name: 'urgent', durable: true, autoDelete: true, maxPriority: 10 });
    expect(again).toEqual({
      status: 422,
      answer: {
        ok: false,
        code: 406,
        error: `the broker refused (406): PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'urgent' in vhost '${vhost}': received 'true' but current is 'false' — it exists already with other settings, or an argument has a value the broker does not accept`,
      },
    });
    const missing = await build({ action: 'bind', source: 'nowhere', destinationType: 'queue', destination: 'bounded', routingKey: '' });
    expect(missing.status).toBe(422);
    expect(missing.answer).toMatchObject({
      ok: false,
      code: 404,
      error: expect.stringContaining("NOT_FOUND - no exchange 'nowhere' in vhost") as unknown,
    });
    // The connection outlives a refusal: the next request goes through.
    expect((await build({ action: 'delete-queue', name: 'urgent' })).answer).toEqual({
      ok: true,
      done: "Deleted the queue 'urgent' and the 0 messages it held.",
    });
    expect((await build({ action: 'delete-exchange', name: 'matching' })).status).toBe(200);
    const now = await definitions();
    expect(now.queues.map((item) => item.name)).not.toContain('urgent');
    expect(now.exchanges.map((item) => item.name)).not.toContain('matching');
  });

  it('opens its connection again after the broker closed it, and goes on', async () => {
    const before = seen.filter((event) => event.kind === 'frame' && event.method === 'connection.open').length;
    if (target.embedded !== undefined) await target.embedded.restart();
    else await closeLabPageConnections(vhost);
    await expect
      .poll(() =>
        seen.some(
          (event) => event.kind === 'frame' && event.actor === 'Lab page' && ['connection-lost', 'connection.close'].includes(event.method),
        ),
      )
      .toBe(true);
    expect((await build({ ...exchange, name: 'after-restart' })).answer).toEqual({
      ok: true,
      done: "Declared the direct exchange 'after-restart'.",
    });
    expect((await definitions()).exchanges.map((item) => item.name)).toContain('after-restart');
    expect(seen.filter((event) => event.kind === 'frame' && event.method === 'connection.open')).toHaveLength(before + 1);
  });

  it('does it all on one connection named "Lab page", seen in the lab\'s trace with the broker\'s replies', async () => {
    const frames = seen.filter((event): event is FrameEvent => event.kind === 'frame');
    expect(new Set(frames.filter((frame) => frame.method === 'queue.declare').map((frame) => frame.actor))).toEqual(new Set(['Lab page']));
    // Two: the first, and the one opened again after the broker closed it.
    expect(frames.filter((frame) => frame.method === 'connection.open')).toHaveLength(2);
    expect(frames.some((frame) => frame.method === 'channel.close' && frame.actor === 'Lab page' && frame.direction === 'to-client')).toBe(
      true,
    );
    expect(frames.some((frame) => frame.method === 'queue.declare-ok')).toBe(true);
  });
});

describe('building in the lab when the broker cannot be reached', () => {
  it('answers 502 saying so, and a later request tries again', async () => {
    const connection = new LabPageConnection('amqp://guest:guest@127.0.0.1:1/');
    const app = express();
    app.use(express.json());
    app.use('/build', createLabBuildRouter({ connection }));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/build`;
    try {
      const body = JSON.stringify({ action: 'delete-queue', name: 'q' });
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(response.status).toBe(502);
        expect(await response.json()).toEqual({
          ok: false,
          error: expect.stringMatching(/^the broker could not be reached through the lab: .*ECONNREFUSED/) as unknown,
        });
      }
    } finally {
      await connection.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
