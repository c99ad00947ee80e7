// The course as the lessons folder holds it: every NN-slug folder, in the
// order its number gives, so tests that walk every lesson need no list of
// their own to keep up to date.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const lessonsDir = fileURLToPath(new URL('../../lessons', import.meta.url));

/** The lesson folders' names, in course order. */
export function courseLessons(): string[] {
  return readdirSync(lessonsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{2}-[a-z0-9-]+$/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}
