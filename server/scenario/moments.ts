/**
 * Named moments: the snapshots a lesson's prose links to. A scenario declares
 * the moments a run will mark (moments(params)) and marks each once with
 * snapshot(moment); both the lesson loader and the runner check them here.
 */
import type { NamedMoment } from '../protocol/trace.js';

/** Lowercase letters, digits and dashes, like worker-stopped: safe in a link's address. */
const MOMENT_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** What is wrong with one moment's id and title, or undefined when both are fine. */
export function momentProblem(moment: NamedMoment): string | undefined {
  if (typeof moment.id !== 'string' || !MOMENT_ID.test(moment.id)) {
    return `the moment id ${JSON.stringify(moment.id)} is not allowed: use lowercase letters, digits and dashes, like worker-stopped`;
  }
  if (typeof moment.title !== 'string' || moment.title.trim() === '') return `the moment '${moment.id}' needs a title (text)`;
  return undefined;
}

/** What is wrong with a scenario's list of moments: bad ids or titles, and ids used twice. */
export function momentListProblems(moments: NamedMoment[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const moment of moments) {
    const problem = momentProblem(moment);
    if (problem !== undefined) problems.push(problem);
    else if (seen.has(moment.id)) problems.push(`the moment id '${moment.id}' is used twice; each moment of a cell needs its own`);
    seen.add(moment.id);
  }
  return problems;
}

/** Keeps track of the moments one run marks: each must be declared, and marked once. */
export interface MomentBook {
  /** The moment, checked; throws an error naming it when it is malformed, undeclared or already marked. */
  mark(moment: NamedMoment): NamedMoment;
}

/** A book for a run whose scenario declares `declared` (none when the scenario has no moments()). */
export function createMomentBook(declared: NamedMoment[]): MomentBook {
  const marked = new Set<string>();
  const known = declared.map((moment) => moment.id);
  return {
    mark(moment) {
      const problem = momentProblem(moment);
      if (problem !== undefined) throw new Error(`snapshot(): ${problem}`);
      if (!known.includes(moment.id)) {
        const allowed = known.length === 0 ? 'it declares none' : `it declares ${known.map((id) => `'${id}'`).join(', ')}`;
        throw new Error(`snapshot(): the moment '${moment.id}' is not among the scenario's moments() for these parameters; ${allowed}`);
      }
      if (marked.has(moment.id))
        throw new Error(`snapshot(): the moment '${moment.id}' was already marked in this run; a moment is marked once`);
      marked.add(moment.id);
      return { id: moment.id, title: moment.title };
    },
  };
}
