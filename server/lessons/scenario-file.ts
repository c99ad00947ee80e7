/**
 * Loads a lesson's scenario file and checks that it is one: a default export
 * made with programScenario(defineProgramCell(...)), whose every parameter has a default and a
 * description, and every pattern says in words what it allows (the
 * browser's forms and the server's checks are built from them).
 */
import { access } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Scenario } from '../scenario/index.js';
import { isPlainObject } from './params.js';

/** How a scenario file makes its default export. */
const MADE_WITH = 'programScenario(defineProgramCell({ title, params, programs }))';

/** A scenario file's default export, or what is wrong with it. */
export type ScenarioFileResult = { ok: true; scenario: Scenario } | { ok: false; problems: string[] };

/** Imports `file` (a .ts file; works under tsx and vitest) and checks its default export. */
export async function importScenario(file: string): Promise<ScenarioFileResult> {
  try {
    await access(file);
  } catch {
    return { ok: false, problems: ['the file does not exist'] };
  }
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    return { ok: false, problems: [`the file does not load: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const problems = checkScenario(module.default);
  return problems.length === 0 ? { ok: true, scenario: module.default as Scenario } : { ok: false, problems };
}

/** Everything that keeps `candidate` from being a usable scenario. */
export function checkScenario(candidate: unknown): string[] {
  if (!isPlainObject(candidate)) {
    return [`it has no default export made with ${MADE_WITH}`];
  }
  const problems: string[] = [];
  if (typeof candidate.title !== 'string' || candidate.title.trim() === '') problems.push('the scenario needs a title');
  if (typeof candidate.programs !== 'function' || typeof candidate.actors !== 'function' || typeof candidate.run !== 'function') {
    problems.push(`the scenario needs its programs: make it with ${MADE_WITH}`);
  }
  const params = candidate.params;
  if (!isPlainObject(params) || params.type !== 'object' || !isPlainObject(params.properties)) {
    problems.push('the scenario needs params: a Type.Object({...}) of its parameters');
  } else {
    for (const [name, property] of Object.entries(params.properties)) {
      if (!isPlainObject(property)) continue;
      if (property.default === undefined) problems.push(`parameter ${name} has no default`);
      if (typeof property.description !== 'string' || property.description.trim() === '') {
        problems.push(`parameter ${name} has no description`);
      }
      problems.push(...patternsWithoutWords(property, name));
    }
  }
  if (candidate.limits !== undefined) problems.push(...checkLimits(candidate.limits));
  return problems;
}

/** A problem for every pattern in `schema` (at any depth) without patternInWords: its error message would show the regular expression. */
function patternsWithoutWords(schema: Record<string, unknown>, path: string): string[] {
  const problems: string[] = [];
  if (typeof schema.pattern === 'string' && (typeof schema.patternInWords !== 'string' || schema.patternInWords.trim() === '')) {
    problems.push(
      `parameter ${path} has a pattern but no patternInWords: say in words what it allows, e.g. patternInWords: 'a string of 1 to 10 digits'`,
    );
  }
  const inner: [string, unknown][] = [
    ...Object.entries(isPlainObject(schema.properties) ? schema.properties : {}).map(([name, value]): [string, unknown] => [
      `${path}.${name}`,
      value,
    ]),
    ...Object.values(isPlainObject(schema.patternProperties) ? schema.patternProperties : {}).map((value): [string, unknown] => [
      `${path}.*`,
      value,
    ]),
    [`${path}[]`, schema.items],
    [`${path}.*`, schema.additionalProperties],
    ...[schema.anyOf, schema.oneOf, schema.allOf]
      .flatMap((variants): unknown[] => (Array.isArray(variants) ? variants : []))
      .map((value): [string, unknown] => [path, value]),
  ];
  for (const [innerPath, value] of inner) if (isPlainObject(value)) problems.push(...patternsWithoutWords(value, innerPath));
  return problems;
}

function checkLimits(limits: unknown): string[] {
  if (!isPlainObject(limits)) return ['limits must be { seconds?, messages? }'];
  const problems: string[] = [];
  for (const name of ['seconds', 'messages']) {
    const value = limits[name];
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) problems.push(`limits.${name} must be a number above 0`);
  }
  return problems;
}
