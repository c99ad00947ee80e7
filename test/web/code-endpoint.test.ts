import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellCode } from '../../server/protocol/lesson.js';
import { COURSE_LESSONS, startWorkbook, type TestWorkbook } from './workbook.js';

/** A 400's body: what is wrong, and each problem naming its parameter. */
interface Refusal {
  error: string;
  problems: { param: string; message: string }[];
}

describe('POST /api/lessons/:lesson/cells/:cell/code', () => {
  let workbook: TestWorkbook;
  let base: string;

  beforeAll(async () => {
    workbook = await startWorkbook({ lessonsDir: COURSE_LESSONS });
    base = workbook.server.url.replace(/\/$/, '');
  });
  afterAll(() => workbook.close());

  const post = (path: string, body?: unknown): Promise<Response> =>
    fetch(`${base}/api/lessons/${path}/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const programs = async (path: string, params: Record<string, unknown>): Promise<CellCode> => {
    const response = await post(path, { params });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return (await response.json()) as CellCode;
  };

  const codeOf = (answer: CellCode, actor: string): string => {
    const found = answer.actors.find((program) => program.actor === actor);
    if (found === undefined) throw new Error(`no program for ${actor}`);
    return found.code;
  };

  it("answers with every actor's program for the cell's defaults, in the order the cell starts them", async () => {
    const answer = await programs('01-hello-world/cells/hello', {});
    expect(answer.actors.map((program) => program.actor)).toEqual(['consumer', 'producer']);
    expect(answer.actors.map((program) => program.file)).toEqual(['consumer.mjs', 'producer.mjs']);
    // Copied and run as they are, the programs reach the workbook's own broker (the embedded one here, on its port).
    expect(workbook.broker.url).toMatch(/^amqp:\/\/guest:guest@127\.0\.0\.1:\d+$/);
    for (const { code } of answer.actors) {
      expect(code).toContain("import amqp from 'amqplib';");
      expect(code).toContain(`process.env.AMQP_URL ?? '${workbook.broker.url}'`);
      expect(code.replaceAll('\n// ', ' ')).toContain('for another broker (a RabbitMQ elsewhere) set AMQP_URL');
    }
    expect(codeOf(answer, 'producer')).toContain("const text = 'Hello World!';");
  });

  it('writes the programs in the language asked for, and refuses a language it does not know, naming those it does', async () => {
    const response = await post('01-hello-world/cells/hello', { params: { message: 'Hi' }, language: 'python' });
    expect(response.status).toBe(200);
    const python = (await response.json()) as CellCode;
    expect(python.actors.map((program) => program.actor)).toEqual(['consumer', 'producer']);
    expect(codeOf(python, 'producer')).toContain('import pika');
    expect(codeOf(python, 'producer')).toContain("'Hi'");
    expect(python.actors.find((program) => program.actor === 'producer')?.another).toBe('send again');
    expect(python.actors.map((program) => program.file)).toEqual(['consumer.py', 'producer.py']);
    expect(codeOf(python, 'producer')).toContain('python3 producer.py');

    const ruby = await post('01-hello-world/cells/hello', { params: {}, language: 'ruby' });
    expect(ruby.status).toBe(400);
    expect(((await ruby.json()) as Refusal).error).toBe('"language" must be one of "javascript", "python", got "ruby"');
  });

  it('takes a request without a body as the defaults, and the lesson by number or slug', async () => {
    const withoutBody = await fetch(`${base}/api/lessons/hello-world/cells/producer-first/code`, { method: 'POST' });
    expect(withoutBody.status).toBe(200);
    const answer = (await withoutBody.json()) as CellCode;
    expect(answer.actors.map((program) => program.actor)).toEqual(['producer', 'consumer']);
    expect((await programs('01/cells/hello', {})).actors).toHaveLength(2);
  });

  it("merges partial parameters over the cell's defaults the way a run does", async () => {
    const answer = await programs('02-work-queues/cells/seven-tasks', {
      workers: 3,
      properties: { appId: 'tasks', contentEncoding: 'gzip' },
    });
    expect(answer.actors.map((program) => program.actor)).toEqual(['worker 1', 'worker 2', 'worker 3', 'producer']);
    // From the cell: seven six-dot tasks, 50 ms per dot, worker 1 stopping in its first task.
    expect(codeOf(answer, 'producer')).toContain("'Task 7......'");
    expect(codeOf(answer, 'producer')).toMatch(/\{\s+persistent: true,\s+appId: 'tasks',\s+contentEncoding: 'gzip',\s+\}/);
    // The header's comment, its lines joined, says which worker the cell stops.
    const header = (actor: string): string => codeOf(answer, actor).replace(/\n\/\/ /g, ' ');
    expect(header('worker 1')).toContain('you stop it (Ctrl-C) halfway through task number 1 of its own');
    expect(codeOf(answer, 'worker 3')).toContain('const msPerDot = 50;');
    expect(header('worker 3')).not.toContain('you stop it (Ctrl-C)');
  });

  it('names the moments a run with these parameters reaches', async () => {
    const stopping = await programs('02-work-queues/cells/seven-tasks', { stopWorker: 2 });
    expect(stopping.moments.map((moment) => moment.title)).toContain('while worker 2 is stopped');
    const none = await programs('02-work-queues/cells/seven-tasks', { stopWorker: 0 });
    expect(none.moments.map((moment) => moment.id)).toEqual(['tasks-dealt-out', 'work-done', 'workers-gone']);
  });

  it('writes text from the parameters only as literals', async () => {
    const message = "x'); process.exit(1); ('\n${process.exit(2)}";
    const answer = await programs('01-hello-world/cells/hello', { message });
    expect(codeOf(answer, 'producer')).toContain("const text = 'x\\'); process.exit(1); (\\'\\n${process.exit(2)}';");
  });

  it('refuses bad parameters with 400, naming each parameter and what it allows', async () => {
    const response = await post('01-hello-world/cells/hello', { params: { count: 0, start: 'sideways' } });
    expect(response.status).toBe(400);
    const refusal = (await response.json()) as Refusal;
    expect(refusal.problems.map((problem) => problem.param).sort()).toEqual(['count', 'start']);
    expect(refusal.problems.find((problem) => problem.param === 'count')?.message).toMatch(/count must be .*1.*got 0/);
    expect(refusal.problems.find((problem) => problem.param === 'start')?.message).toContain('consumer-first');
    expect(refusal.error).toContain('count');
  });

  it('refuses unknown parameters, a body that is not { params }, and combinations the scenario cannot run', async () => {
    const unknown = (await (await post('01-hello-world/cells/hello', { params: { colour: 'red' } })).json()) as Refusal;
    expect(unknown.problems).toEqual([{ param: 'colour', message: expect.stringContaining('there is no parameter colour') }]);

    const notParams = await post('01-hello-world/cells/hello', { params: [1, 2] });
    expect(notParams.status).toBe(400);
    expect(((await notParams.json()) as Refusal).error).toContain('"params"');

    const noSuchWorker = await post('02-work-queues/cells/seven-tasks', { params: { workers: 1, stopWorker: 2 } });
    expect(noSuchWorker.status).toBe(400);
    expect(((await noSuchWorker.json()) as Refusal).error).toContain('stopWorker is 2 but there are only 1 workers');
  });

  it('answers an unknown lesson or cell with a JSON 404 naming what exists', async () => {
    const noLesson = await post('99-nothing/cells/hello', { params: {} });
    expect(noLesson.status).toBe(404);
    const lessonMiss = (await noLesson.json()) as { error: string; lessons: string[] };
    expect(lessonMiss.error).toContain('99-nothing');
    expect(lessonMiss.lessons).toContain('01-hello-world');

    const noCell = await post('01-hello-world/cells/nope', { params: {} });
    expect(noCell.status).toBe(404);
    const cellMiss = (await noCell.json()) as { error: string; cells: string[] };
    expect(cellMiss.error).toContain("no cell 'nope'");
    expect(cellMiss.cells).toEqual(['hello', 'producer-first']);
  });
});
