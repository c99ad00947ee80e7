/**
 * The answer to POST /api/lessons/:lesson/cells/:cell/code: every actor's
 * program for the parameters sent, merged over the cell's defaults and
 * checked exactly as a run's are.
 */
import type { CellCode } from '../protocol/lesson.js';
import { mergeParams, validateParams, type LessonCatalog, type ParamError } from '../lessons/index.js';
import { ownProperty } from '../lessons/own-property.js';
import { isPlainObject } from '../lessons/params.js';
import { writtenFor } from '../scenario/program-target.js';

/** An HTTP status and the JSON to send with it. */
export interface CodeAnswer {
  status: 200 | 400 | 404;
  body: CellCode | { error: string; problems?: ParamError[]; lessons?: string[]; cells?: string[] };
}

/**
 * The programs of `cellId` in `lessonName` (folder name, number or slug) for the request body `{ params }`,
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
  const extra = Object.keys(sent).find((name) => name !== 'params');
  if (extra !== undefined) return refuse([{ param: '', message: `${shape}; '${extra}' is not a field of it` }]);
  const params = ownProperty(sent, 'params') ?? {};
  if (!isPlainObject(params)) return refuse([{ param: '', message: `${shape}; "params" is not an object of name: value` }]);
  const checked = validateParams(scenario.params, mergeParams(scenario.params, cell.defaults, params));
  if (!checked.ok) return refuse(checked.errors);
  try {
    const actors = writtenFor(programsUrl, () => scenario.code?.(checked.params) ?? []);
    return { status: 200, body: { actors, moments: scenario.moments?.(checked.params) ?? [] } };
  } catch (error) {
    // A combination the schema cannot express (a worker number above the number of workers): the scenario says what is wrong.
    return refuse([{ param: '', message: error instanceof Error ? error.message : String(error) }]);
  }
}

function refuse(problems: ParamError[]): CodeAnswer {
  return { status: 400, body: { error: problems.map((problem) => problem.message).join('; '), problems } };
}
