/**
 * The workbook server's JSON API as the browser uses it: the lessons, one
 * lesson's document, and the programs of a cell for given parameters and language.
 */
import type { ActorCode, LessonDocument, LessonSummary, NamedMoment, ProgramLanguage } from '../../../server/protocol/index.js';

/** What asking for a cell's code can come back with. */
export type CodeAnswer =
  | { kind: 'code'; actors: ActorCode[]; moments: NamedMoment[] }
  /** The server has no code for this cell. */
  | { kind: 'unavailable' }
  /** The server refused the parameters, saying why. */
  | { kind: 'refused'; problems: string[] };

/** The request failed; the message says what happened in words a learner can act on. */
export class ApiError extends Error {
  /** The HTTP status, or 0 when the server could not be reached. */
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
    this.name = 'ApiError';
  }
}

/** Every lesson, in course order. */
export function fetchLessons(signal?: AbortSignal): Promise<LessonSummary[]> {
  return getJson<LessonSummary[]>('/api/lessons', signal);
}

/** One lesson's document; its id may be the folder name, number or slug. */
export function fetchLesson(id: string, signal?: AbortSignal): Promise<LessonDocument> {
  return getJson<LessonDocument>(`/api/lessons/${encodeURIComponent(id)}`, signal);
}

/** The programs of a cell's actors for these parameters, in this language. */
export async function fetchCellCode(
  lesson: string,
  cell: string,
  params: Record<string, unknown>,
  language: ProgramLanguage,
  signal?: AbortSignal,
): Promise<CodeAnswer> {
  const response = await request(`/api/lessons/${encodeURIComponent(lesson)}/cells/${encodeURIComponent(cell)}/code`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ params, language }),
    signal,
  });
  if (response.status === 404 || response.status === 405 || response.status === 501) return { kind: 'unavailable' };
  const body = await readBody(response);
  if (response.status === 400) return { kind: 'refused', problems: problemsOf(body) };
  if (!response.ok) throw new ApiError(errorOf(body) ?? `the server answered ${response.status}`, response.status);
  const { actors, moments } = body as { actors?: unknown; moments?: unknown };
  if (!Array.isArray(actors)) return { kind: 'unavailable' };
  return { kind: 'code', actors: actors.filter(isActorCode), moments: Array.isArray(moments) ? moments.filter(isNamedMoment) : [] };
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await request(url, { headers: { accept: 'application/json' }, signal });
  const body = await readBody(response);
  if (!response.ok) throw new ApiError(errorOf(body) ?? `the server answered ${response.status}`, response.status);
  return body as T;
}

async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('The workbook server cannot be reached. Is it still running?', 0);
  }
}

async function readBody(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function errorOf(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? error : undefined;
}

/** A 400's problems, however the server lists them: strings, {message} objects, or one error. */
function problemsOf(body: unknown): string[] {
  const record = (body ?? {}) as { problems?: unknown; errors?: unknown };
  const list = Array.isArray(record.problems) ? record.problems : Array.isArray(record.errors) ? record.errors : [];
  const problems = list.map((problem: unknown) => (typeof problem === 'string' ? problem : messageOf(problem)));
  const error = errorOf(body);
  if (problems.length === 0 && error !== undefined) problems.push(error);
  return problems.length === 0 ? ['the server refused these parameters'] : problems;
}

/** A {message} object's message, or the problem as JSON. */
function messageOf(problem: unknown): string {
  const message = (problem as { message?: unknown } | null)?.message;
  if (message === undefined || message === null) return JSON.stringify(problem);
  return typeof message === 'string' ? message : JSON.stringify(message);
}

function isNamedMoment(value: unknown): value is NamedMoment {
  if (typeof value !== 'object' || value === null) return false;
  const moment = value as { id?: unknown; title?: unknown };
  return typeof moment.id === 'string' && typeof moment.title === 'string';
}

function isActorCode(value: unknown): value is ActorCode {
  if (typeof value !== 'object' || value === null) return false;
  const program = value as { actor?: unknown; code?: unknown };
  return typeof program.actor === 'string' && typeof program.code === 'string';
}
