/**
 * GET and POST /api/lab/definitions on a real HTTP server: the download,
 * an import's report, a file it cannot read, and the same Host and Origin
 * checks as the rest of the API.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import type { ImportReport } from '../../server/lab/definitions/index.js';
import { loadLessons } from '../../server/lessons/index.js';
import { createApiRouter } from '../../server/web/api.js';
import type { ServerAddress } from '../../server/web/request-guard.js';
import { FIXTURE_LESSONS } from '../web/workbook.js';

describe('the lab definitions routes', () => {
  let broker: BrokerTarget;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    broker = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
    const lessons = await loadLessons(FIXTURE_LESSONS);
    const address: ServerAddress = { host: '127.0.0.1', port: 0 };
    const app = express();
    app.use('/api', createApiRouter({ broker, lessons, address, lab: { url: broker.url, vhost: '/', workbookUrl: broker.url } }));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address.port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${address.port}/api/lab/definitions`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await broker.close();
  });

  const post = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(base, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('imports a posted file and answers with the report; the download then holds what was imported', async () => {
    const file = {
      exchanges: [{ name: 'logs', type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} }],
      queues: [{ name: 'kept', durable: true, auto_delete: false, arguments: { 'x-max-length': 3, 'x-overflow': 'drop-head' } }],
      bindings: [{ source: 'logs', destination: 'kept', destination_type: 'queue', routing_key: '', arguments: {} }],
      vhosts: [{ name: '/' }],
    };
    const response = await post(JSON.stringify(file));
    expect(response.status).toBe(200);
    const report = (await response.json()) as ImportReport;
    expect(report.imported.map((item) => item.name)).toEqual(['logs', 'kept', 'logs → kept (routing key "")']);
    expect(report.failed).toEqual([]);
    expect(report.notImported).toEqual([
      { group: 'vhosts', count: 1, reason: expect.stringContaining('rabbitmqctl add_vhost') as unknown },
    ]);

    const download = await fetch(base);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="warren-lab-definitions.json"');
    expect(download.headers.get('content-type')).toMatch(/^application\/json/);
    const saved = (await download.json()) as Record<string, unknown>;
    expect(saved).toEqual({
      rabbit_version: '3.10.8',
      exchanges: file.exchanges,
      queues: file.queues,
      bindings: file.bindings,
    });
  });

  it('answers 400 with every problem of a file it cannot read', async () => {
    const notJson = await post('{"queues": [');
    expect(notJson.status).toBe(400);
    const notJsonBody = (await notJson.json()) as { error: string; errors: string[] };
    expect(notJsonBody.errors[0]).toMatch(/^the file is not JSON/);

    const wrong = await post(JSON.stringify({ queues: [{ name: 'q', arguments: { 'x-max-priority': 'high' } }] }));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      error: 'the definitions file cannot be read',
      errors: ['queues[0].arguments["x-max-priority"] must be a whole number of at least 0, got "high"'],
    });

    const several = await post(
      JSON.stringify({
        queues: [
          { name: 'a', vhost: 'x' },
          { name: 'b', vhost: 'y' },
        ],
      }),
    );
    expect(several.status).toBe(400);
    expect(((await several.json()) as { vhosts: string[] }).vhosts).toEqual(['x', 'y']);
    const chosen = await fetch(`${base}?vhost=y`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        queues: [
          { name: 'a', vhost: 'x' },
          { name: 'b', vhost: 'y' },
        ],
      }),
    });
    expect(((await chosen.json()) as ImportReport).skipped).toEqual([{ kind: 'queue', name: 'a', vhost: 'x' }]);
  });

  it('takes a file larger than the rest of the API allows, but not without bound', async () => {
    const queues = Array.from({ length: 400 }, (_, index) => ({
      name: `bulk-${index}`,
      durable: false,
      auto_delete: false,
      arguments: {},
    }));
    const large = JSON.stringify({ queues });
    expect(large.length).toBeGreaterThan(16 * 1024);
    const accepted = await post(large);
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as ImportReport).imported).toHaveLength(400);
    const tooLarge = await post(JSON.stringify({ queues: [], padding: 'x'.repeat(3 * 1024 * 1024) }));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: 'the file is larger than 2mb' });
  });

  it("refuses a post from another site's page or in another format, before reading it", async () => {
    const file = JSON.stringify({ queues: [{ name: 'from-elsewhere' }] });
    const foreign = await post(file, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: string }).error).toMatch(/^Origin http:\/\/evil\.example is not this server/);
    expect(broker.embedded?.snapshot('/').queues.map((queue) => queue.name)).not.toContain('from-elsewhere');
    const text = await fetch(base, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: file });
    expect(text.status).toBe(415);
    const own = await post(file, { origin: new URL(base).origin });
    expect(own.status).toBe(200);
    expect(broker.embedded?.snapshot('/').queues.map((queue) => queue.name)).toContain('from-elsewhere');
  });
});
