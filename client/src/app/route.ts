/**
 * What the address bar says: which page, which cell is active, the
 * programs' language, and which parameters differ from a cell's defaults.
 * Shared links reproduce a setup:
 * `/lessons/05-topics?cell=animals&language=python&animals.mandatory=false`.
 */
import type { ProgramLanguage } from '../../../server/protocol/lesson.js';
import { isProgramLanguage } from './languages.js';

/** Parameter values a learner changed, by cell id, then parameter name. */
export type ParamOverrides = Record<string, Record<string, unknown>>;

/** A page of the workbook. */
export type Route =
  | { page: 'lessons' }
  /** The Lab page; `topology` is a small lab a link carries (see client/src/lab/lab-address.ts). */
  | { page: 'lab'; topology?: string | undefined }
  /** Opening a saved trace file. */
  | { page: 'trace' }
  | { page: 'lesson'; lesson: string; cell: string | undefined; params: ParamOverrides; language?: ProgramLanguage | undefined }
  | { page: 'not-found'; path: string };

const LESSON_PATH = /^\/lessons\/([^/]+)\/?$/;

/** Reads a route from a path and query string, as location has them. */
export function readRoute(pathname: string, search: string): Route {
  if (pathname === '/' || pathname === '' || pathname === '/lessons' || pathname === '/lessons/') return { page: 'lessons' };
  if (pathname === '/lab' || pathname === '/lab/') {
    const topology = new URLSearchParams(search).get('topology');
    return topology === null ? { page: 'lab' } : { page: 'lab', topology };
  }
  if (pathname === '/trace' || pathname === '/trace/') return { page: 'trace' };
  const match = LESSON_PATH.exec(pathname);
  if (match === null) return { page: 'not-found', path: pathname };
  const query = new URLSearchParams(search);
  const params: ParamOverrides = {};
  for (const [key, text] of query) {
    const dot = key.indexOf('.');
    if (dot <= 0 || dot === key.length - 1) continue;
    const cell = key.slice(0, dot);
    (params[cell] ??= {})[key.slice(dot + 1)] = readValue(text);
  }
  const language = query.get('language');
  return {
    page: 'lesson',
    lesson: decodeURIComponent(match[1] ?? ''),
    cell: query.get('cell') ?? undefined,
    params,
    ...(isProgramLanguage(language) ? { language } : {}),
  };
}

/** The address of a route: path and query, cell first, then the language, then parameters in a stable order. */
export function routeUrl(route: Route): string {
  if (route.page === 'lessons') return '/';
  if (route.page === 'lab') return route.topology === undefined ? '/lab' : `/lab?topology=${route.topology}`;
  if (route.page === 'trace') return '/trace';
  if (route.page === 'not-found') return route.path;
  const parts: string[] = [];
  if (route.cell !== undefined) parts.push(`cell=${encodeQueryPart(route.cell)}`);
  if (route.language !== undefined) parts.push(`language=${route.language}`);
  for (const cell of Object.keys(route.params).sort()) {
    const values = route.params[cell] ?? {};
    for (const name of Object.keys(values).sort()) {
      parts.push(`${encodeQueryPart(`${cell}.${name}`)}=${encodeQueryPart(JSON.stringify(values[name]))}`);
    }
  }
  const path = `/lessons/${encodeURIComponent(route.lesson)}`;
  return parts.length === 0 ? path : `${path}?${parts.join('&')}`;
}

/** The address of a lesson with no cell chosen and no parameter changed. */
export function lessonUrl(lesson: string): string {
  return routeUrl({ page: 'lesson', lesson, cell: undefined, params: {} });
}

/** A value is JSON; text that is not JSON (typed by hand, `?hello.message=hi`) is taken as a string. */
function readValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Percent-encodes, but leaves the JSON punctuation that addresses carry readably. */
function encodeQueryPart(text: string): string {
  return encodeURIComponent(text).replace(/%(2C|3A|5B|5D|7B|7D|40|2F)/g, (escaped) => decodeURIComponent(escaped));
}

/** The `cell.param` names whose values differ between two sets of overrides. */
export function changedParams(before: ParamOverrides, after: ParamOverrides): string[] {
  const names = new Set<string>();
  for (const overrides of [before, after]) {
    for (const [cell, values] of Object.entries(overrides)) {
      for (const name of Object.keys(values)) names.add(`${cell}.${name}`);
    }
  }
  return [...names]
    .filter((name) => {
      const [cell = '', ...rest] = name.split('.');
      const param = rest.join('.');
      return JSON.stringify(before[cell]?.[param]) !== JSON.stringify(after[cell]?.[param]);
    })
    .sort();
}
