import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonDocument, LessonSummary, RunCell } from '../../server/protocol/lesson.js';
import { COURSE_LESSONS, startWorkbook, type TestWorkbook } from './workbook.js';

describe('the JSON API and the status page', () => {
  let workbook: TestWorkbook;
  let base: string;

  beforeAll(async () => {
    workbook = await startWorkbook({ lessonsDir: COURSE_LESSONS });
    base = workbook.server.url.replace(/\/$/, '');
  });
  afterAll(() => workbook.close());

  it('lists the lessons in course order', async () => {
    const response = await fetch(`${base}/api/lessons`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const lessons = (await response.json()) as LessonSummary[];
    expect(lessons.length).toBeGreaterThan(0);
    expect(lessons[0]?.id).toBe('01-hello-world');
    expect(lessons.map((lesson) => lesson.order)).toEqual([...lessons.map((lesson) => lesson.order)].sort((a, b) => a - b));
    for (const lesson of lessons) {
      expect(lesson).toMatchObject({
        id: expect.any(String),
        title: expect.any(String),
        minutes: expect.any(Number),
        teaches: expect.any(String),
      });
    }
  });

  it('serves one lesson with its cells, each run cell with the JSON Schema of its parameters', async () => {
    const response = await fetch(`${base}/api/lessons/01-hello-world`);
    expect(response.status).toBe(200);
    const lesson = (await response.json()) as LessonDocument;
    expect(lesson.id).toBe('01-hello-world');
    expect(lesson.cells.some((cell) => cell.kind === 'prose')).toBe(true);
    const runCells = lesson.cells.filter((cell): cell is RunCell => cell.kind === 'run');
    expect(runCells.map((cell) => cell.id)).toContain('hello');
    for (const cell of runCells) {
      expect(cell.params.type).toBe('object');
      const properties = cell.params.properties as Record<string, { default?: unknown; description?: string }>;
      for (const [name, property] of Object.entries(properties)) {
        expect(property.description, `${cell.id}.${name} has a description`).toEqual(expect.any(String));
        expect(property.default, `${cell.id}.${name} has a default`).not.toBeUndefined();
      }
      expect(cell.actors.length).toBeGreaterThan(0);
      // Hello World's programs exist in both languages, so its switch offers both.
      expect(cell.languages).toEqual(['javascript', 'python']);
    }
  });

  it("serves each run cell's named moments for its defaults, so the page knows them before any run", async () => {
    const lesson = (await (await fetch(`${base}/api/lessons/02-work-queues`)).json()) as LessonDocument;
    const sevenTasks = lesson.cells.find((cell): cell is RunCell => cell.kind === 'run' && cell.id === 'seven-tasks');
    expect(sevenTasks?.moments).toEqual([
      { id: 'tasks-dealt-out', title: 'once the tasks are dealt out, before any work starts' },
      { id: 'worker-stopped', title: 'while worker 1 is stopped' },
      { id: 'work-done', title: 'the work done, the workers still connected' },
      { id: 'workers-gone', title: 'after the workers disconnect' },
    ]);
  });

  it('finds a lesson by its number or slug too', async () => {
    for (const name of ['01', 'hello-world']) {
      const response = await fetch(`${base}/api/lessons/${name}`);
      expect(((await response.json()) as LessonDocument).id).toBe('01-hello-world');
    }
  });

  it('answers an unknown lesson with a JSON 404 naming it and the lessons there are', async () => {
    const response = await fetch(`${base}/api/lessons/99-nothing`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: string; lessons: string[] };
    expect(body.error).toContain('99-nothing');
    expect(body.lessons).toContain('01-hello-world');
  });

  it('answers an unknown API path with a JSON 404 listing the endpoints', async () => {
    const response = await fetch(`${base}/api/nope`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: string; endpoints: string[] };
    expect(body.error).toContain('/api/nope');
    expect(body.endpoints).toContain('GET /api/lessons');
  });

  it('refuses request bodies over the limit as JSON', async () => {
    const response = await fetch(`${base}/api/lessons`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(100_000) }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/larger than/);
  });

  it('names the broker without its password', async () => {
    const response = await fetch(`${base}/api/broker`);
    const body = (await response.json()) as { kind: string; url: string };
    expect(body.kind).toBe('embedded');
    expect(body.url).toMatch(/^amqp:\/\/.*127\.0\.0\.1:\d+/);
    expect(body.url).not.toContain(':guest@');
  });

  it('sends security headers', async () => {
    const response = await fetch(`${base}/api/lessons`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('shows the status page with links to the lessons when the client is not built', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('embedded AMQP 0-9-1 broker');
    expect(page).toContain('href="/api/lessons/01-hello-world"');
  });
});

describe('the built client', () => {
  let workbook: TestWorkbook;
  let clientDir: string;
  let base: string;

  beforeAll(async () => {
    clientDir = await mkdtemp(join(tmpdir(), 'warren-client-'));
    await mkdir(join(clientDir, 'assets'));
    await writeFile(join(clientDir, 'index.html'), '<!doctype html><title>Warren client</title>');
    await writeFile(join(clientDir, 'assets', 'app.js'), 'console.log("app");');
    workbook = await startWorkbook({ lessonsDir: COURSE_LESSONS, clientDir });
    base = workbook.server.url.replace(/\/$/, '');
  });
  afterAll(async () => {
    await workbook.close();
    await rm(clientDir, { recursive: true, force: true });
  });

  it('serves its files, and its index.html for page paths', async () => {
    const index = await fetch(`${base}/`);
    expect(await index.text()).toContain('Warren client');
    const asset = await fetch(`${base}/assets/app.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(await asset.text()).toContain('console.log');
    const page = await fetch(`${base}/lessons/01-hello-world`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Warren client');
  });

  it('keeps /api paths for the API', async () => {
    const missing = await fetch(`${base}/api/lessons/99-nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    const lessons = await fetch(`${base}/api/lessons`);
    expect(lessons.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
