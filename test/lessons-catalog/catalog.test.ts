import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLessons, type LessonCatalog } from '../../server/lessons/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/lessons', import.meta.url));

/** The problems reported for one file, by message. */
function problemsOf(catalog: LessonCatalog, file: string): string[] {
  return catalog.problems.filter((problem) => problem.file === file).map((problem) => problem.message);
}

describe('loadLessons on the fixture lessons', async () => {
  const catalog = await loadLessons(fixtures);

  it('lists only the lessons that loaded, in course order', () => {
    expect(catalog.list()).toEqual([
      {
        id: '01-echo',
        title: 'Echo',
        minutes: 2,
        teaches: 'A producer sends a few messages to a queue and a consumer prints them',
        order: 1,
      },
    ]);
  });

  it('splits the document into prose and run cells', () => {
    const lesson = catalog.get('01-echo');
    expect(lesson?.cells.map((cell) => (cell.kind === 'run' ? `run:${cell.id}` : 'prose'))).toEqual([
      'prose',
      'run:three-messages',
      'prose',
      'run:slow',
      'prose',
      'run:flood',
      'prose',
      'run:mistake',
      'prose',
      'run:unacked',
    ]);
    const prose = lesson?.cells[0];
    expect(prose).toEqual({ kind: 'prose', markdown: '# Echo\n\nA queue named `hello`, a producer and a consumer.' });
  });

  it('gives each cell its schema as plain JSON, its full defaults and its actors', () => {
    const slow = catalog.cell('01-echo', 'slow');
    expect(slow?.cell.defaults).toEqual({ count: 10, message: 'hello', pauseMs: 50, properties: { contentType: 'text/plain' } });
    expect(slow?.cell.actors).toEqual(['consumer', 'producer']);
    const params = slow?.cell.params as { properties: Record<string, { default: unknown; description: string }> };
    expect(params.properties.count).toMatchObject({ type: 'integer', default: 3, minimum: 1, maximum: 1000 });
    expect(Object.getOwnPropertySymbols(params.properties.count)).toEqual([]);
    expect(typeof slow?.scenario.run).toBe('function');
  });

  it('finds a lesson by folder name, number or slug', () => {
    expect(catalog.find('01-echo')?.id).toBe('01-echo');
    expect(catalog.find('01')?.id).toBe('01-echo');
    expect(catalog.find('1')?.id).toBe('01-echo');
    expect(catalog.find('echo')?.id).toBe('01-echo');
    expect(catalog.find('02')).toBeUndefined();
    expect(catalog.cell('01-echo', 'nope')).toBeUndefined();
    expect(catalog.cell('nope', 'slow')).toBeUndefined();
  });

  it('reports incomplete front matter', () => {
    expect(problemsOf(catalog, 'lessons/02-bad-front-matter/lesson.md')).toEqual([
      "front matter has an unknown field 'author'; the fields are title, minutes, teaches",
      'front matter needs minutes (a number above 0), got nothing',
    ]);
  });

  it('reports every kind of broken cell with its line', () => {
    expect(problemsOf(catalog, 'lessons/03-bad-cells/lesson.md')).toEqual([
      "line 13: cell id 'fine' is used twice; ids must be unique in a lesson",
      'line 19: cell needs an id of letters, digits and dashes (like seven-tasks), got "Bad Id!"',
      "line 47: cell 'extra' has an unknown field 'speed'; the fields are id, title, scenario, defaults",
      "line 31: cell 'too-many' defaults: count must be an integer from 1 to 10, got 9999",
      "line 39: cell 'colour' defaults: there is no parameter colour; the parameters are count",
    ]);
    expect(problemsOf(catalog, 'lessons/03-bad-cells/scenarios/ghost.ts')).toEqual(['the file does not exist']);
  });

  it('reports scenario files that are not scenarios', () => {
    expect(problemsOf(catalog, 'lessons/04-bad-scenarios/scenarios/incomplete.ts')).toEqual([
      'parameter workers has no default',
      'parameter tasks has no description',
      "parameter codes[] has a pattern but no patternInWords: say in words what it allows, e.g. patternInWords: 'a string of 1 to 10 digits'",
    ]);
    expect(problemsOf(catalog, 'lessons/04-bad-scenarios/scenarios/no-export.ts')).toEqual([
      'it has no default export made with programScenario(defineProgramCell({ title, params, programs }))',
    ]);
    expect(problemsOf(catalog, 'lessons/04-bad-scenarios/scenarios/throws.ts')).toEqual([
      'the file does not load: this scenario fails as it loads',
    ]);
  });

  it('reports moments a scenario cannot declare, naming each', () => {
    expect(problemsOf(catalog, 'lessons/06-bad-moments/scenarios/bad-moments.ts')).toEqual([
      `moments() for cell 'badly-marked': the moment id "Worker Stopped" is not allowed: use lowercase letters, digits and dashes, like worker-stopped`,
      "moments() for cell 'badly-marked': the moment id 'twice' is used twice; each moment of a cell needs its own",
      "moments() for cell 'badly-marked': the moment 'untitled' needs a title (text)",
    ]);
  });

  it('reports prose links to moments no cell of the lesson reaches, with their line', () => {
    expect(problemsOf(catalog, 'lessons/06-bad-moments/lesson.md')).toEqual([
      "line 7: the link [this link](#moment:all-sent) names no cell and has no run cell above it; write #moment:<cell>/<moment>, with a cell of 'marked'",
      "line 20: the link [a moment the cell lacks](#moment:worker-stopped) names the moment 'worker-stopped', which cell 'marked' does not reach; its moments are 'queue-declared', 'all-sent'",
      "line 21: the link [a cell the lesson lacks](#moment:seven-tasks/worker-stopped) names the cell 'seven-tasks', which this lesson does not have; its run cells are 'marked'",
    ]);
    expect(catalog.get('06-bad-moments')).toBeUndefined();
  });

  it('reports folders that are not lessons', () => {
    expect(problemsOf(catalog, 'lessons/05-no-document/lesson.md')).toEqual(['the lesson has no lesson.md']);
    expect(problemsOf(catalog, 'lessons/Not A Lesson')).toEqual([
      'a lesson folder is named NN-slug, like 02-work-queues (two digits, a dash, lowercase words joined by dashes)',
    ]);
    expect(catalog.get('03-bad-cells')).toBeUndefined();
  });
});
