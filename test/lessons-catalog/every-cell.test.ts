// Every cell of every lesson, run by the workbook's own runner with its
// defaults, on the embedded broker and on RabbitMQ: each must finish by
// itself, with every actor it names connected under that name, except one
// whose program fails on purpose with an exit code of its own (one that finds
// no broker): that one must have ended with that code, and except the broker
// itself, started with a configuration file, which must have said where it
// listens. A cell that restarts
// the broker runs on RabbitMQ only where nothing else uses it, in
// test/restart/.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { loadLessons, mergeParams, validateParams } from '../../server/lessons/index.js';
import { changesBrokerSettings, type RunCell } from '../../server/protocol/index.js';
import type { ActorProgram } from '../../server/programs/cell.js';
import { describeBothBrokers, watchRun } from '../runs/legs.js';

const lessonsDir = fileURLToPath(new URL('../../lessons', import.meta.url));
const catalog = await loadLessons(lessonsDir);
const cells = catalog
  .list()
  .flatMap((lesson) =>
    (catalog.get(lesson.id)?.cells ?? []).flatMap((cell) => (cell.kind === 'run' ? [{ lesson: lesson.id, cell }] : [])),
  ) satisfies { lesson: string; cell: RunCell }[];

/** The actors' programs of a cell for its defaults. */
function programsOf(lesson: string, cell: RunCell): ActorProgram[] {
  const found = catalog.cell(lesson, cell.id);
  const checked = found && validateParams(found.scenario.params, mergeParams(found.scenario.params, found.cell.defaults, {}));
  if (checked?.ok !== true) return [];
  return found?.scenario.programs?.(checked.params, 'javascript') ?? [];
}

/** The exit code each actor of a cell is meant to end with when it fails on purpose, for the cell's defaults. */
function expectedExits(lesson: string, cell: RunCell): Map<string, number> {
  return new Map(
    programsOf(lesson, cell).flatMap((program) =>
      program.expects?.exitCode === undefined ? [] : [[program.actor, program.expects.exitCode]],
    ),
  );
}

/** The actors that are the broker itself, started with a configuration file. */
function brokerActors(lesson: string, cell: RunCell): Set<string> {
  return new Set(programsOf(lesson, cell).flatMap((program) => (program.configFile === undefined ? [] : [program.actor])));
}

describeBothBrokers(
  'every lesson cell with its defaults',
  (leg) => {
    // On RabbitMQ, cells that restart it or change its settings for everyone run alone, in test/restart/.
    const mayRun = cells.filter(
      ({ cell }) => leg.kind === 'embedded' || (!cell.restartsBroker && !changesBrokerSettings(cell.brokerSettings)),
    );
    it.each(mayRun.map(({ lesson, cell }) => [`${lesson}/${cell.id}`, lesson, cell] as const))(
      '%s',
      async (_name, lesson, cell) => {
        const run = watchRun(leg.runner, { lesson, cell: cell.id, params: {} });
        await run.handle.done;
        expect(run.failure).toBeUndefined();
        expect(run.statuses.at(-1)).toBe('finished');
        const named = new Set(run.frames('connection.start-ok').map((frame) => frame.actor));
        const exits = expectedExits(lesson, cell);
        const brokers = brokerActors(lesson, cell);
        for (const actor of cell.actors) {
          const exitCode = exits.get(actor);
          if (exitCode === undefined && brokers.has(actor)) {
            expect(run.logs().some((line) => line.startsWith(`${actor}: Warren embedded broker listening on `))).toBe(true);
          } else if (exitCode === undefined) expect(named, `actor ${actor}`).toContain(actor);
          else expect(run.logs(), `actor ${actor}`).toContain(`${actor}: (exited with code ${exitCode})`);
        }
        expect(await leg.vhostExists(`warren-${run.handle.id}`)).toBe(false);
      },
      40_000,
    );
  },
  lessonsDir,
);
