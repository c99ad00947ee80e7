/**
 * The answer to POST /api/lessons/:lesson/cells/:cell/code: every actor's
 * program for the parameters sent, merged over the cell's defaults and
 * checked exactly as a run's are.
 */
import { PROGRAM_LANGUAGES, type CellCode, type ProgramLanguage } from '../protocol/lesson.js';
import { mergeParams, validateParams, type LessonCatalog, type ParamError } from '../lessons/index.js';
import { ownProperty } from '../lessons/own-property.js';
import { isPlainObject } from '../lessons/params.js';
import { programFile } from '../scenario/code-template.js';
import { writtenFor } from '../scenario/program-target.js';
import { pythonFile } from '../scenario/python-template.js';

/** An HTTP status and the JSON to send with it. */
export interface CodeAnswer {
  status: 200 | 400 | 404;
  body: CellCode | { error: string; problems?: ParamError[]; lessons?: string[]; cells?: string[] };
}

/**
 * The programs of `cellId` in `lessonName` (folder name, number or slug) for the request body `{ params, language }`,
 * written to connect to `programsUrl` (the workbook's broker) unless AMQP_URL says otherwise.
 */
export function cellCode(lessons: LessonCatalog, lessonName: string, cellId: string, body: unknown, programsUrl: string): CodeAnswer {
  const lesson = lessons.get(lessonName) ?? lessons.find(lessonName);
  if (lesson === undefined) {
    return { status: 404, body: { error: `no lesson '${lessonName}'`, lessons: lessons.list().map((summary) => summary.id) } };
  }
  const found = lessons.cell(lesson.id, cellId);
  if (found === undefined) {
    const cells = lesson.cells.flatMap((cell) => (cell.kind === 'run' ? [cell.id] : []));
    return { status: 404, body: { error: `lesson ${lesson.id} has no cell '${cellId}'`, cells } };
  }
  const { cell, scenario } = found;
  if (scenario.code === undefined) {
    return { status: 404, body: { error: `the scenario of cell '${cellId}' (${cell.scenario}) has no code to show` } };
  }

  // No body at all asks for the cell's defaults.
  const sent = body === undefined ? {} : body;
  const shape = 'the request body must be { "params": { name: value, ... } }';
  if (!isPlainObject(sent)) return refuse([{ param: '', message: shape }]);
  const extra = Object.keys(sent).find((name) => name !== 'params' && name !== 'language');
  if (extra !== undefined) return refuse([{ param: '', message: `${shape}; '${extra}' is not a field of it` }]);
  const params = ownProperty(sent, 'params') ?? {};
  if (!isPlainObject(params)) return refuse([{ param: '', message: `${shape}; "params" is not an object of name: value` }]);
  const language = languageOf(ownProperty(sent, 'language'), scenario.languages ?? ['javascript'], cellId);
  if (typeof language !== 'string') return refuse([language]);
  const checked = validateParams(scenario.params, mergeParams(scenario.params, cell.defaults, params));
  if (!checked.ok) return refuse(checked.errors);
  try {
    const actors = writtenFor(programsUrl, () => scenario.code?.(checked.params, language) ?? []);
    return {
      status: 200,
      body: {
        actors: actors.map((program) => ({ ...program, file: program.file ?? fileOf(program.actor, language) })),
        moments: scenario.moments?.(checked.params) ?? [],
      },
    };
  } catch (error) {
    // A combination the schema cannot express (a worker number above the number of workers): the scenario says what is wrong.
    return refuse([{ param: '', message: error instanceof Error ? error.message : String(error) }]);
  }
}

/** The name a program's own header tells to run it by: worker-1.mjs, worker_1.py. */
function fileOf(actor: string, language: ProgramLanguage): string {
  return language === 'python' ? pythonFile(actor) : programFile(actor);
}

/** The language asked for (JavaScript when none is), or the problem with it, naming what is allowed. */
function languageOf(asked: unknown, languages: readonly ProgramLanguage[], cellId: string): ProgramLanguage | ParamError {
  if (asked === undefined) return 'javascript';
  const known = PROGRAM_LANGUAGES.find((language) => language === asked);
  if (known === undefined) {
    return {
      param: 'language',
      message: `"language" must be one of ${PROGRAM_LANGUAGES.map((language) => `"${language}"`).join(', ')}, got ${typeof asked === 'string' ? JSON.stringify(asked.slice(0, 40)) : typeof asked}`,
    };
  }
  if (!languages.includes(known)) {
    return { param: 'language', message: `the programs of cell '${cellId}' exist in ${languages.join(' and ')} only, not in ${known}` };
  }
  return known;
}

function refuse(problems: ParamError[]): CodeAnswer {
  return { status: 400, body: { error: problems.map((problem) => problem.message).join('; '), problems } };
}
