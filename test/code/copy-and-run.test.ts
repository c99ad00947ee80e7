/**
 * The code cells' promise: a program copied from the page runs as it is.
 * Every cell's programs, with the cell's defaults, in JavaScript and in
 * Python, are saved to files and run with plain `node` and `python3`:
 * against the embedded broker with nothing set, so they reach it through
 * the broker URL the page writes into them; against RabbitMQ with AMQP_URL
 * naming a vhost of their own, the cell's planned stops taken as a person
 * would. Each must end cleanly (by itself, or at its Ctrl-C), or with the
 * exit code its cell expects of a program that fails on purpose, and the two
 * languages must print the same lines.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startBroker } from '../../server/broker/index.js';
import { loadLessons, mergeParams, validateParams, type CatalogCell } from '../../server/lessons/index.js';
import type { ProgramLanguage } from '../../server/programs/actor-process.js';
import type { ActorProgram, PlannedAction } from '../../server/programs/cell.js';
import { pythonProblem } from '../../server/programs/python-check.js';
import { changesBrokerSettings } from '../../server/protocol/index.js';
import { writtenFor } from '../../server/scenario/program-target.js';
import { rabbitLeg, rabbitUnavailable } from './code-brokers.js';
import { runCopied, type CopiedResult } from './run-copied.js';

const underCi = process.env.CI === 'true';
const rabbitProblem = await rabbitUnavailable();
if (rabbitProblem !== null && !underCi) {
  console.warn(`[code] RabbitMQ leg skipped: 127.0.0.1:5672 with its management API on :15672 is not usable (${rabbitProblem})`);
}
const pythonMissing = pythonProblem();
if (pythonMissing !== undefined && !underCi) console.warn(`[code] Python programs skipped: ${pythonMissing}`);
const languages: ProgramLanguage[] = pythonMissing === undefined || underCi ? ['javascript', 'python'] : ['javascript'];

const catalog = await loadLessons(fileURLToPath(new URL('../../lessons/', import.meta.url)));

/**
 * Every run cell of the course whose programs run as processes, but those that need a broker of their own: broker
 * settings (a short consumer_timeout), or another machine to run on (guest refused from afar). Copied, they do what
 * the lesson says only there, and the lesson's tests run them so. A cell whose actor is the broker started with a
 * configuration file shows that file, not a program; the lesson's tests start the broker with it.
 */
const cells: { name: string; found: CatalogCell }[] = catalog.list().flatMap((lesson) =>
  (catalog.get(lesson.id)?.cells ?? []).flatMap((cell) => {
    if (cell.kind !== 'run' || changesBrokerSettings(cell.brokerSettings)) return [];
    const found = catalog.cell(lesson.id, cell.id);
    if (found?.scenario.programs === undefined || found.scenario.anotherMachine !== undefined) return [];
    if (found.scenario.programs(defaultsOf(found), 'javascript').some((program) => program.configFile !== undefined)) return [];
    return [{ name: `${lesson.id}/${cell.id}`, found }];
  }),
);

/** The cell's defaults, checked. */
function defaultsOf({ cell, scenario }: CatalogCell): Record<string, unknown> {
  const checked = validateParams(scenario.params, mergeParams(scenario.params, cell.defaults, {}));
  if (!checked.ok) throw new Error(checked.errors.map((error) => error.message).join('; '));
  return checked.params;
}

/** The cell's programs for its defaults, written to connect to `brokerUrl` unless AMQP_URL says otherwise. */
function programsOf(found: CatalogCell, language: ProgramLanguage, brokerUrl: string): ActorProgram[] {
  return writtenFor(brokerUrl, () => found.scenario.programs?.(defaultsOf(found), language) ?? []);
}

/** What the cell does to its programs as they run, for its defaults: what a person following the lesson does by hand. */
function planOf(found: CatalogCell): PlannedAction[] {
  return found.scenario.plan?.(defaultsOf(found)) ?? [];
}

/**
 * Fails naming the program, with everything the cell's programs printed, unless each ended cleanly having printed
 * something: exit code 0 and nothing on its standard error, or for a program that fails on purpose, the exit code its
 * cell expects (its client's error on standard error, then).
 */
function expectCleanEnds(results: CopiedResult[], programs: ActorProgram[], where: string): void {
  const told = results
    .map((result) =>
      [`--- ${result.actor} (exit ${String(result.exitCode)} ${String(result.signal)})`, ...result.lines, result.stderr].join('\n'),
    )
    .join('\n');
  for (const result of results) {
    const exitCode = programs.find((program) => program.actor === result.actor)?.expects?.exitCode ?? 0;
    expect(result.exitCode, `${where}: ${result.actor} did not end with exit code ${exitCode}\n${told}`).toBe(exitCode);
    if (exitCode === 0) expect(result.stderr, `${where}: ${result.actor} wrote to its standard error\n${told}`).toBe('');
    expect(result.lines.length, `${where}: ${result.actor} printed nothing\n${told}`).toBeGreaterThan(0);
  }
}

/**
 * Every line printed, sorted, with what differs from one run to the next
 * made alike (times and rates, names the broker makes up, how it groups confirms) and without the
 * actor that printed it (which of two workers or servers gets a message can
 * depend on timing): what the two languages must agree on.
 */
function printed(results: CopiedResult[]): string[] {
  return (
    results
      .flatMap((result) => result.lines)
      .map((line) => line.replace(/\d+(\.\d+)? (ms|msgs\/s)\b/g, '… $2').replace(/amq\.gen-[\w-]+/g, 'amq.gen-…'))
      // How the broker groups its confirms into basic.ack frames depends on timing too.
      .map((line) => line.replace(/in \d+ basic\.ack frames \(\d+ with/, 'in … basic.ack frames (… with'))
      .sort()
  );
}

describe.skipIf(cells.length === 0)('programs copied from the page run as they are', () => {
  it.each(cells.map(({ name, found }) => [name, found] as const))(
    '%s',
    async (name, found) => {
      const outputs = await Promise.all(
        languages.map(async (language) => {
          // A broker of its own per cell and language: the programs use its default vhost, as a copied program does.
          const broker = await startBroker({ port: 0 });
          try {
            const programs = programsOf(found, language, broker.url);
            const results = await runCopied(programs, language, undefined, planOf(found));
            expectCleanEnds(results, programs, `${name} in ${language} on the embedded broker`);
            return printed(results);
          } finally {
            await broker.close();
          }
        }),
      );
      const [javascript, python] = outputs;
      if (python !== undefined) expect(python, `${name}: the Python programs print what the JavaScript ones print`).toEqual(javascript);

      if (rabbitProblem !== null && !underCi) return;
      const rabbit = rabbitLeg();
      await Promise.all(
        languages.map(async (language) => {
          const space = await rabbit.space();
          try {
            const programs = programsOf(found, language, space.url);
            const results = await runCopied(programs, language, space.url, planOf(found));
            expectCleanEnds(results, programs, `${name} in ${language} on RabbitMQ`);
          } finally {
            await space.remove();
          }
        }),
      );
    },
    120_000,
  );
});
