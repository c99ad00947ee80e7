// The lessons folder, loaded once per test file through the workbook's own catalog.
import { fileURLToPath } from 'node:url';
import { loadLessons, type LessonCatalog } from '../../server/lessons/index.js';
import type { RunCell } from '../../server/protocol/index.js';

const lessonsDir = fileURLToPath(new URL('../../lessons', import.meta.url));

let catalog: Promise<LessonCatalog> | undefined;

/** The lessons, loaded once per test file. */
export function lessons(): Promise<LessonCatalog> {
  catalog ??= loadLessons(lessonsDir);
  return catalog;
}

/** The run cells of a lesson, in document order. */
export async function cellsOf(lessonId: string): Promise<RunCell[]> {
  const lesson = (await lessons()).get(lessonId);
  if (lesson === undefined) throw new Error(`lesson ${lessonId} did not load: ${JSON.stringify((await lessons()).problems)}`);
  return lesson.cells.filter((part): part is RunCell => part.kind === 'run');
}
