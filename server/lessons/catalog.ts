/**
 * The lesson catalog: every lessons/NN-slug/ folder read, its cells' scenarios
 * imported and checked. A broken lesson is left out and reported, so one bad
 * folder never takes the workbook down.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { BrokerSettings, JsonSchema, LessonDocument, LessonSummary, NamedMoment, ProseCell, RunCell } from '../protocol/index.js';
import { brokerSettingsProblems } from '../scenario/broker-settings.js';
import { momentListProblems, type Scenario } from '../scenario/index.js';
import { readLessonText } from './lesson-document.js';
import { momentLinkProblems, type ProseInPlace } from './moment-links.js';
import { mergeParams, validateParams } from './params.js';
import { importScenario, type ScenarioFileResult } from './scenario-file.js';

/** Something wrong in a lesson folder: the file, and what. */
export interface LessonProblem {
  /** The file at fault, relative to the folder above the lessons ('lessons/02-work-queues/lesson.md'). */
  file: string;
  message: string;
}

/** A cell ready to run: what the API shows, and the scenario behind it. */
export interface CatalogCell {
  cell: RunCell;
  scenario: Scenario;
}

/** The lessons that loaded, and the problems of those that did not. */
export interface LessonCatalog {
  /** Every usable lesson, in course order. */
  list(): LessonSummary[];
  /** A lesson by its folder name ('02-work-queues'). */
  get(id: string): LessonDocument | undefined;
  /** A lesson by folder name, number ('02', '2') or slug ('work-queues'). */
  find(name: string): LessonDocument | undefined;
  cell(lessonId: string, cellId: string): CatalogCell | undefined;
  /** What is wrong in the folders that were left out; empty when every lesson loaded. */
  readonly problems: LessonProblem[];
}

/** A lesson folder's name: two or more digits, a dash, a lowercase slug. */
const LESSON_FOLDER = /^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

interface LoadedLesson {
  document: LessonDocument;
  slug: string;
  scenarios: Map<string, Scenario>;
}

/** Reads every lesson folder under `dir`. Never throws for a bad lesson; only for an unreadable `dir`. */
export async function loadLessons(dir: string): Promise<LessonCatalog> {
  const problems: LessonProblem[] = [];
  const lessons: LoadedLesson[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  const shownPath = (file: string): string => relative(dirname(dir), file);
  for (const folder of folders) {
    const found: LessonProblem[] = [];
    const lesson = await loadLesson(join(dir, folder), (file, message) => found.push({ file: shownPath(file), message }));
    const clash = lesson && lessons.find((other) => other.document.order === lesson.document.order);
    if (lesson && clash) {
      found.push({
        file: shownPath(join(dir, folder)),
        message: `lesson number ${folder.split('-')[0]} is already used by ${clash.document.id}`,
      });
    }
    problems.push(...found);
    if (lesson !== undefined && found.length === 0) lessons.push(lesson);
  }
  lessons.sort((a, b) => a.document.order - b.document.order);
  return createCatalog(lessons, problems);
}

function createCatalog(lessons: LoadedLesson[], problems: LessonProblem[]): LessonCatalog {
  const byId = new Map(lessons.map((lesson) => [lesson.document.id, lesson]));
  const findLesson = (name: string): LoadedLesson | undefined => {
    const byNumber = /^\d+$/.test(name) ? Number(name) : undefined;
    return byId.get(name) ?? lessons.find((lesson) => lesson.document.order === byNumber || lesson.slug === name);
  };
  return {
    problems,
    list: () => lessons.map(({ document: { id, title, minutes, teaches, order } }) => ({ id, title, minutes, teaches, order })),
    get: (id) => byId.get(id)?.document,
    find: (name) => findLesson(name)?.document,
    cell(lessonId, cellId) {
      const lesson = byId.get(lessonId);
      const cell = lesson?.document.cells.find((part): part is RunCell => part.kind === 'run' && part.id === cellId);
      const scenario = cell && lesson?.scenarios.get(cell.scenario);
      return cell && scenario ? { cell, scenario } : undefined;
    },
  };
}

async function loadLesson(folder: string, report: (file: string, message: string) => void): Promise<LoadedLesson | undefined> {
  const id = basename(folder);
  const name = LESSON_FOLDER.exec(id);
  if (name === null) {
    report(folder, 'a lesson folder is named NN-slug, like 02-work-queues (two digits, a dash, lowercase words joined by dashes)');
    return undefined;
  }
  const documentFile = join(folder, 'lesson.md');
  let source: string;
  try {
    source = await readFile(documentFile, 'utf8');
  } catch {
    report(documentFile, 'the lesson has no lesson.md');
    return undefined;
  }
  const text = readLessonText(source);
  for (const problem of text.problems) report(documentFile, problem);
  if (text.frontMatter === undefined) return undefined;

  const imported = new Map<string, Promise<ScenarioFileResult>>();
  const scenarios = new Map<string, Scenario>();
  const cells: (ProseCell | RunCell)[] = [];
  const proses: ProseInPlace[] = [];
  const cellMoments = new Map<string, NamedMoment[]>();
  let cellAbove: string | undefined;
  for (const part of text.parts) {
    if (part.kind === 'prose') {
      cells.push({ kind: 'prose', markdown: part.markdown });
      proses.push({ prose: part, cellAbove });
      continue;
    }
    cellAbove = part.id;
    const scenarioFile = join(folder, 'scenarios', `${part.scenario}.ts`);
    let loading = imported.get(part.scenario);
    if (loading === undefined) {
      loading = importScenario(scenarioFile);
      imported.set(part.scenario, loading);
      const result = await loading;
      if (!result.ok) for (const problem of result.problems) report(scenarioFile, problem);
    }
    const result = await loading;
    if (!result.ok) continue;
    const where = `line ${part.line}: cell '${part.id}'`;
    const schema = result.scenario.params;
    const checked = validateParams(schema, mergeParams(schema, {}, part.defaults));
    if (!checked.ok) {
      for (const error of checked.errors) report(documentFile, `${where} defaults: ${error.message}`);
      continue;
    }
    let actors: string[];
    try {
      actors = result.scenario.actors(checked.params);
    } catch (error) {
      report(scenarioFile, `actors() failed for cell '${part.id}': ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    let brokerSettings: BrokerSettings;
    try {
      brokerSettings = result.scenario.brokerSettings?.(checked.params) ?? {};
    } catch (error) {
      report(scenarioFile, `brokerSettings() failed for cell '${part.id}': ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const settingProblems = brokerSettingsProblems(brokerSettings);
    for (const problem of settingProblems) report(scenarioFile, `brokerSettings() for cell '${part.id}': ${problem}`);
    if (settingProblems.length > 0) continue;
    let moments: NamedMoment[];
    try {
      moments = result.scenario.moments?.(checked.params) ?? [];
    } catch (error) {
      report(scenarioFile, `moments() failed for cell '${part.id}': ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const momentProblems = momentListProblems(moments);
    for (const problem of momentProblems) report(scenarioFile, `moments() for cell '${part.id}': ${problem}`);
    if (momentProblems.length > 0) continue;
    cellMoments.set(part.id, moments);
    scenarios.set(part.scenario, result.scenario);
    cells.push({
      kind: 'run',
      id: part.id,
      title: part.title,
      scenario: part.scenario,
      // A plain copy: what the API serves is JSON, without TypeBox's symbol keys.
      params: JSON.parse(JSON.stringify(schema)) as JsonSchema,
      defaults: checked.params,
      actors,
      moments,
      languages: result.scenario.languages ?? ['javascript'],
      restartsBroker: (result.scenario.plan?.(checked.params) ?? []).some((planned) => planned.action === 'restart-broker'),
      brokerSettings,
    });
  }
  for (const problem of momentLinkProblems(proses, cellMoments)) report(documentFile, problem);
  return {
    document: { id, order: Number(name[1]), ...text.frontMatter, cells },
    slug: name[2] ?? '',
    scenarios,
  };
}
