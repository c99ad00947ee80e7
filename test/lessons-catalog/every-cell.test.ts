// Every cell of every lesson, run by the workbook's own runner with its
// defaults, on the embedded broker and on RabbitMQ: each must finish by
// itself, with every actor it names connected under that name.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { loadLessons } from '../../server/lessons/index.js';
import type { RunCell } from '../../server/protocol/index.js';
import { describeBothBrokers, watchRun } from '../runs/legs.js';

const lessonsDir = fileURLToPath(new URL('../../lessons', import.meta.url));
const catalog = await loadLessons(lessonsDir);
const cells = catalog
  .list()
  .flatMap((lesson) =>
    (catalog.get(lesson.id)?.cells ?? []).flatMap((cell) => (cell.kind === 'run' ? [{ lesson: lesson.id, cell }] : [])),
  ) satisfies { lesson: string; cell: RunCell }[];

describeBothBrokers(
  'every lesson cell with its defaults',
  (leg) => {
    it.each(cells.map(({ lesson, cell }) => [`${lesson}/${cell.id}`, lesson, cell] as const))(
      '%s',
      async (_name, lesson, cell) => {
        const run = watchRun(leg.runner, { lesson, cell: cell.id, params: {} });
        await run.handle.done;
        expect(run.failure).toBeUndefined();
        expect(run.statuses.at(-1)).toBe('finished');
        const named = new Set(run.frames('connection.start-ok').map((frame) => frame.actor));
        for (const actor of cell.actors) expect(named, `actor ${actor}`).toContain(actor);
        expect(await leg.vhostExists(`warren-${run.handle.id}`)).toBe(false);
      },
      40_000,
    );
  },
  lessonsDir,
);
