/**
 * The code cells' promise: every actor's program, for a cell's parameters,
 * runs as-is. Each cell's programs are saved to files and run as separate
 * `node` processes against the embedded broker and against RabbitMQ (a fresh
 * vhost per cell), and must end by themselves, cleanly, having printed what
 * the lesson says they print.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLessons, mergeParams, validateParams, type CatalogCell } from '../../server/lessons/index.js';
import type { ActorCode } from '../../server/scenario/index.js';
import { CODE_CASES, type CodeCase } from './cases.js';
import { embeddedLeg, rabbitLeg, rabbitUnavailable, type CodeLeg } from './code-brokers.js';
import { CellOutput } from './output.js';
import { runPrograms } from './run-programs.js';

/** The most one cell's programs may take, all together, before they are killed. */
const CELL_TIMEOUT_MS = 30_000;

const underCi = process.env.CI === 'true';
const rabbitProblem = await rabbitUnavailable();
if (rabbitProblem !== null && !underCi) {
  console.warn(`[code] RabbitMQ leg skipped: 127.0.0.1:5672 with its management API on :15672 is not usable (${rabbitProblem})`);
}

const catalog = await loadLessons(fileURLToPath(new URL('../../lessons/', import.meta.url)));

function cellOf(codeCase: CodeCase): CatalogCell {
  const found = catalog.cell(codeCase.lesson, codeCase.cell);
  if (found === undefined) throw new Error(`no cell ${codeCase.lesson}/${codeCase.cell}`);
  return found;
}

// Cells whose runs are their programs are checked by copy-and-run.test.ts; these are the others.
const IN_PROCESS_CASES = CODE_CASES.filter((codeCase) => cellOf(codeCase).scenario.programs === undefined);

/** The case's parameters as the runner would use them: its edits over the cell's defaults, checked. */
function paramsOf(codeCase: CodeCase): Record<string, unknown> {
  const { cell, scenario } = cellOf(codeCase);
  const checked = validateParams(scenario.params, mergeParams(scenario.params, cell.defaults, codeCase.params ?? {}));
  if (!checked.ok) throw new Error(checked.errors.map((error) => error.message).join('; '));
  return checked.params;
}

function programsOf(codeCase: CodeCase): ActorCode[] {
  const { scenario } = cellOf(codeCase);
  if (scenario.code === undefined) throw new Error(`the scenario of ${codeCase.lesson}/${codeCase.cell} has no code()`);
  return scenario.code(paramsOf(codeCase));
}

const nameOf = (codeCase: CodeCase): string =>
  `${codeCase.lesson}/${codeCase.cell}${codeCase.params === undefined ? '' : ` with ${JSON.stringify(codeCase.params)}`}`;

describe('the code of every course cell', () => {
  it('is checked here for every cell with its defaults', () => {
    const cells = catalog
      .list()
      .flatMap((lesson) =>
        (catalog.get(lesson.id)?.cells ?? []).flatMap((cell) =>
          cell.kind === 'run' && catalog.cell(lesson.id, cell.id)?.scenario.programs === undefined ? [`${lesson.id}/${cell.id}`] : [],
        ),
      );
    const withDefaults = IN_PROCESS_CASES.filter((codeCase) => codeCase.params === undefined).map(
      (codeCase) => `${codeCase.lesson}/${codeCase.cell}`,
    );
    expect(withDefaults.sort()).toEqual(cells.sort());
  });

  it.each(IN_PROCESS_CASES.map((codeCase) => [nameOf(codeCase), codeCase] as const))(
    '%s has one program per actor, in the order of actors()',
    (_, codeCase) => {
      const programs = programsOf(codeCase);
      expect(programs.map((program) => program.actor)).toEqual(cellOf(codeCase).scenario.actors(paramsOf(codeCase)));
      for (const { code } of programs) {
        expect(code).toMatch(/^\/\/ /);
        expect(code).toContain("import amqp from 'amqplib';");
        expect(code).toContain("amqp.connect(process.env.AMQP_URL ?? 'amqp://localhost')");
      }
    },
  );
});

/** Runs one case's programs on one broker and checks what they printed; failures name the broker. */
async function runCase(leg: CodeLeg, codeCase: CodeCase): Promise<void> {
  const space = await leg.space();
  try {
    const output = new CellOutput(await runPrograms(programsOf(codeCase), space.url, CELL_TIMEOUT_MS));
    try {
      for (const result of output.results) {
        expect(result.killed, `${result.actor} did not end by itself`).toBe(false);
        expect(result.exitCode, `${result.actor} failed`).toBe(0);
      }
      codeCase.check(output);
    } catch (error) {
      if (error instanceof Error) error.message = `[${leg.kind}] ${error.message}\n${output.toString()}`;
      throw error;
    }
  } finally {
    await space.remove();
  }
}

// The two brokers run each cell side by side; cells run one after the other.
const legs = [embeddedLeg(), ...(rabbitProblem === null || underCi ? [rabbitLeg()] : [])];

describe(`the programs run as-is against ${legs.map((leg) => leg.kind).join(' and ')}`, () => {
  beforeAll(() => Promise.all(legs.map((leg) => leg.start())));
  afterAll(() => Promise.all(legs.map((leg) => leg.close())));

  it.each(IN_PROCESS_CASES.map((codeCase) => [nameOf(codeCase), codeCase] as const))(
    '%s',
    async (_, codeCase) => {
      const outcomes = await Promise.allSettled(legs.map((leg) => runCase(leg, codeCase)));
      const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
    CELL_TIMEOUT_MS + 10_000,
  );
});
