import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLessons } from '../../server/lessons/index.js';

const lessonsDir = fileURLToPath(new URL('../../lessons', import.meta.url));

describe('the lessons in lessons/', async () => {
  const catalog = await loadLessons(lessonsDir);

  it('load without a single problem', () => {
    expect(catalog.problems).toEqual([]);
  });

  it('are every folder there, each with at least one cell', async () => {
    const folders = (await readdir(lessonsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(catalog.list().map((lesson) => lesson.id)).toEqual(folders.sort());
    for (const { id } of catalog.list()) {
      expect(
        catalog.get(id)?.cells.some((cell) => cell.kind === 'run'),
        id,
      ).toBe(true);
    }
  });
});
