/**
 * How far the learner got, kept in this browser: the run cells of each lesson
 * that have run to the end at least once.
 */

const STORAGE_KEY = 'warren.progress';

type FinishedCells = Record<string, string[]>;

/** Reads and records finished cells; fires 'change' when one is added. */
export class ProgressStore extends EventTarget {
  /** The ids of the cells of `lesson` that have finished a run. */
  finishedCells(lesson: string): Set<string> {
    return new Set(read()[lesson] ?? []);
  }

  /** Records that a cell finished a run. */
  markFinished(lesson: string, cell: string): void {
    const all = read();
    const cells = all[lesson] ?? [];
    if (cells.includes(cell)) return;
    all[lesson] = [...cells, cell];
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(all));
    } catch {
      // Without storage, progress lasts as long as the page.
    }
    this.dispatchEvent(new Event('change'));
  }

  /** Forgets every lesson's progress. */
  clear(): void {
    localStorage.removeItem(STORAGE_KEY);
    this.dispatchEvent(new Event('change'));
  }
}

function read(): FinishedCells {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const cells: FinishedCells = {};
    for (const [lesson, ids] of Object.entries(value)) {
      if (Array.isArray(ids)) cells[lesson] = ids.filter((id): id is string => typeof id === 'string');
    }
    return cells;
  } catch {
    return {};
  }
}

let shared: ProgressStore | undefined;

/** The page's progress store. */
export function progress(): ProgressStore {
  shared ??= new ProgressStore();
  return shared;
}
