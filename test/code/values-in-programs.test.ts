// No parameter value can change a program's code: texts made to break out
// of a string literal in JavaScript or Python, and fuzzed ones, are sent by
// the first lesson's programs, copied and run as they are in both
// languages, and each program prints exactly the text it was given.
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../server/broker/index.js';
import { loadLessons, mergeParams, validateParams } from '../../server/lessons/index.js';
import type { ProgramLanguage } from '../../server/programs/actor-process.js';
import { pythonProblem } from '../../server/programs/python-check.js';
import { writtenFor } from '../../server/scenario/program-target.js';
import { WELL_FORMED_BREAKOUTS } from './breakouts.js';
import { runCopied } from './run-copied.js';

const underCi = process.env.CI === 'true';
const pythonMissing = pythonProblem();
if (pythonMissing !== undefined && !underCi) console.warn(`[code] Python programs skipped: ${pythonMissing}`);
const languages: ProgramLanguage[] = pythonMissing === undefined || underCi ? ['javascript', 'python'] : ['javascript'];

const catalog = await loadLessons(fileURLToPath(new URL('../../lessons/', import.meta.url)));

/** Fuzzed texts: breakouts strung together with any well-formed characters. */
const fuzzed = fc.sample(
  fc
    .array(fc.oneof(fc.constantFrom(...WELL_FORMED_BREAKOUTS), fc.string({ unit: 'grapheme', maxLength: 8 })), {
      minLength: 1,
      maxLength: 5,
    })
    .map((parts) => parts.join('')),
  { numRuns: 6, seed: 20261207 },
);

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startBroker({ port: 0 });
});
afterAll(() => broker.close());

it.each([...WELL_FORMED_BREAKOUTS, ...fuzzed].map((text) => [JSON.stringify(text), text] as const))(
  'the hello cell sends and prints %s exactly, in every language',
  async (_, text) => {
    const found = catalog.cell('01-hello-world', 'hello');
    if (found?.scenario.programs === undefined) throw new Error('lesson 1 has no hello cell run from programs');
    const { scenario, cell } = found;
    const checked = validateParams(scenario.params, mergeParams(scenario.params, cell.defaults, { message: text }));
    if (!checked.ok) throw new Error(checked.errors.map((error) => error.message).join('; '));
    for (const language of languages) {
      const programs = writtenFor(broker.url, () => scenario.programs?.(checked.params, language) ?? []);
      const results = await runCopied(programs, language);
      const said = (actor: string) => results.find((result) => result.actor === actor);
      expect(said('producer')?.stdout, language).toBe(` [x] Sent '${text}'\n`);
      expect(said('consumer')?.stdout, language).toContain(` [x] Received '${text}'\n`);
      for (const result of results) expect(result.exitCode, `${language} ${result.actor}: ${result.stderr}`).toBe(0);
    }
  },
  60_000,
);
