import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { rawRequest, type RawRequest, type RawResponse } from './raw-http.js';
import { COURSE_LESSONS, startWorkbook, type TestWorkbook } from './workbook.js';

/** A 400's body: what is wrong, and each problem naming its parameter. */
interface Refusal {
  error: string;
  problems?: { param: string; message: string }[];
}

const HELLO_CODE = '/api/lessons/01-hello-world/cells/hello/code';

/** `{"a":{"a":...1}}` with `levels` objects, written out as text so nothing in the test walks it. */
function nestedObjects(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

describe('what the JSON API refuses', () => {
  let workbook: TestWorkbook;
  let port: number;
  let logged: MockInstance<typeof console.error>;

  beforeAll(async () => {
    workbook = await startWorkbook({ lessonsDir: COURSE_LESSONS });
    port = workbook.server.port;
  });
  afterAll(() => workbook.close());

  // Nothing a client sends is the server's failure: no refusal may log an error (a stack trace) on the server.
  beforeAll(() => {
    logged = vi.spyOn(console, 'error');
  });
  afterEach(() => {
    const calls = logged.mock.calls;
    logged.mockClear();
    expect(calls).toEqual([]);
  });
  afterAll(() => logged.mockRestore());

  const send = (options: RawRequest): Promise<RawResponse> => rawRequest(port, options);

  const postCode = (body: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
    send({ method: 'POST', path: HELLO_CODE, headers: { 'content-type': 'application/json', ...headers }, body });

  /** Posts a raw body for the hello cell and returns its 400 refusal. */
  const refusalOf = async (body: string): Promise<Refusal> => {
    const response = await postCode(body);
    expect(response.status, response.text).toBe(400);
    return response.json as Refusal;
  };

  /** The server still does its job after a refusal. */
  const stillAnswers = async (): Promise<void> => {
    const response = await postCode('{"params":{"count":2}}');
    expect(response.status).toBe(200);
    expect(response.text).toContain('hello');
  };

  describe('requests not addressed to this server, as the WebSocket does', () => {
    it('refuses a foreign Host (a DNS-rebinding page) with 403, on every endpoint', async () => {
      for (const request of [
        { path: '/api/broker' },
        { path: '/api/lessons' },
        { method: 'POST', path: HELLO_CODE, headers: { 'content-type': 'application/json' }, body: '{}' },
      ]) {
        const response = await send({ ...request, headers: { ...request.headers, host: `evil.example:${port}` } });
        expect(response.status).toBe(403);
        expect(response.json).toEqual({ error: `Host evil.example:${port} is not this server (127.0.0.1:${port})` });
        expect(response.text).not.toContain('amqp://');
      }
    });

    it('refuses its own address on another port', async () => {
      const response = await send({ path: '/api/broker', headers: { host: '127.0.0.1:1' } });
      expect(response.status).toBe(403);
      expect((response.json as Refusal).error).toContain('Host 127.0.0.1:1 is not this server');
    });

    it("refuses another site's page (a foreign Origin, or none a browser can name) with 403", async () => {
      const foreign = await postCode('{}', { origin: 'http://evil.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.json).toEqual({ error: `Origin http://evil.example is not this server (http://127.0.0.1:${port})` });
      const opaque = await send({ path: '/api/broker', headers: { origin: 'null' } });
      expect(opaque.status).toBe(403);
    });

    it('answers its own pages, and localhost as another name of 127.0.0.1', async () => {
      expect((await postCode('{}', { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
      const alias = await send({ path: '/api/broker', headers: { host: `localhost:${port}`, origin: `http://localhost:${port}` } });
      expect(alias.status).toBe(200);
      expect((alias.json as { kind: string }).kind).toBe('embedded');
    });
  });

  describe('bodies it cannot read', () => {
    it('answers malformed JSON with 400 saying so and what to send', async () => {
      const refusal = await refusalOf('{"params": {');
      expect(refusal.error).toMatch(/^the request body is not valid JSON \(.+\); send \{ "params": \{/);
      await stillAnswers();
    });

    it('answers a body that is not JSON with 415 instead of ignoring it', async () => {
      const response = await send({ method: 'POST', path: HELLO_CODE, headers: { 'content-type': 'text/plain' }, body: 'count=0' });
      expect(response.status).toBe(415);
      expect((response.json as Refusal).error).toBe(
        'the request body must be JSON (Content-Type: application/json), got Content-Type: text/plain',
      );
    });

    it('refuses a field other than params', async () => {
      const refusal = await refusalOf('{"parms":{"count":0}}');
      expect(refusal.error).toBe(`the request body must be { "params": { name: value, ... } }; 'parms' is not a field of it`);
    });
  });

  describe('parameter names every JavaScript object inherits', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']) {
      it(`refuses '${name}' by name, listing the parameters there are`, async () => {
        const refusal = await refusalOf(`{"params":{"${name}":{"count":0}}}`);
        expect(refusal.problems).toEqual([
          {
            param: name,
            message: `parameter name '${name}' is not allowed: every JavaScript object already has a '${name}', so it cannot name a parameter or a field; the parameters are message, count, start, properties`,
          },
        ]);
      });
    }

    it('refuses them inside nested parameters and free-form maps too', async () => {
      const nested = await refusalOf('{"params":{"properties":{"constructor":{}}}}');
      expect(nested.problems?.[0]?.param).toBe('properties.constructor');
      expect(nested.error).toContain("parameter name 'properties.constructor' is not allowed");
      expect(nested.error).toContain('properties has deliveryMode, contentType, contentEncoding, headers');

      const header = await refusalOf('{"params":{"properties":{"headers":{"__proto__":"x","toString":"y"}}}}');
      expect(header.problems?.map((problem) => problem.param)).toEqual(['properties.headers.__proto__', 'properties.headers.toString']);
      await stillAnswers();
    });
  });

  describe('parameters nested too deep', () => {
    it('answers 2,000 levels with 400 naming the limit of 32, where a stack overflow once answered 500', async () => {
      for (const [where, body] of [
        ['message', `{"params":{"message":${nestedObjects(2000)}}}`],
        ['properties', `{"params":{"properties":{"headers":${nestedObjects(2000)}}}}`],
      ] as const) {
        const refusal = await refusalOf(body);
        expect(refusal.problems).toHaveLength(1);
        expect(refusal.problems?.[0]?.param).toBe(where);
        expect(refusal.error).toMatch(
          /nests more than 32 levels deep \(at .+\): parameters may nest at most 32 levels of objects and lists$/,
        );
      }
      await stillAnswers();
    });

    it('draws the line at 32 levels: one less is checked as usual, one more is refused for its depth', async () => {
      // The parameters object is the first level.
      const atLimit = await refusalOf(`{"params":{"message":${nestedObjects(31)}}}`);
      expect(atLimit.error).toMatch(/^message must be a string/);
      const overLimit = await refusalOf(`{"params":{"message":${nestedObjects(32)}}}`);
      expect(overLimit.error).toMatch(/^message nests more than 32 levels deep/);
    });
  });
});
