/**
 * A run saved as Warren's trace file (server/protocol/trace-file.ts): what a
 * run cell's model holds, with what the page knows about the run around it.
 * Plain TypeScript, no DOM.
 */
import type { RunFailure, RunSummary, TraceEvent, TraceFile, TraceGapEvent } from '../../../server/protocol/index.js';
import { TRACE_FILE_FORMAT, TRACE_FILE_VERSION } from '../../../server/protocol/trace-file.js';
import { countEvent, type RunModel } from '../run/run-model.js';

/** What the page knows about a run besides its events. */
export interface SavedRunInfo {
  lesson: string;
  cell: string;
  title: string;
  /** Absent for the lab, whose programs may be in any language. */
  language?: TraceFile['language'];
  broker: TraceFile['broker'];
  params: Record<string, unknown>;
  status: TraceFile['status'];
  failure?: RunFailure | undefined;
}

/**
 * The trace file of the run a model holds. Every event the model still has
 * goes in, in order; when its timeline let the oldest go, the file says how
 * many and of what (`letGo`) and begins with a gap event saying the same.
 */
export function traceFileOf(model: RunModel, info: SavedRunInfo, savedAt: Date): TraceFile {
  const events: TraceEvent[] = [];
  for (let index = 0; index < model.eventCount; index += 1) {
    const event = model.eventAt(index);
    if (event !== undefined) events.push(event);
  }
  const letGo = letGoOf(model, events);
  const summary: RunSummary | undefined = model.summary;
  return {
    format: TRACE_FILE_FORMAT,
    version: TRACE_FILE_VERSION,
    savedAt: savedAt.toISOString(),
    lesson: info.lesson,
    cell: info.cell,
    title: info.title,
    ...(info.language === undefined ? {} : { language: info.language }),
    broker: { kind: info.broker.kind },
    params: info.params,
    status: info.status,
    ...(info.failure === undefined ? {} : { failure: info.failure }),
    ...(summary === undefined ? {} : { summary }),
    ...(letGo === undefined ? {} : { letGo: { events: letGo.dropped, counts: letGo.counts } }),
    events: letGo === undefined ? events : [letGo, ...events],
  };
}

/** The gap standing for the events the model let go, or undefined when it kept them all. */
function letGoOf(model: RunModel, kept: TraceEvent[]): TraceGapEvent | undefined {
  const first = kept[0];
  if (model.forgottenEvents === 0 || first === undefined) return undefined;
  const keptCounts = new Map<string, number>();
  for (const event of kept) countEvent(keptCounts, event);
  const counts: Record<string, number> = {};
  let dropped = 0;
  for (const [what, total] of model.eventCounts()) {
    const n = total - (keptCounts.get(what) ?? 0);
    if (n <= 0) continue;
    counts[what] = n;
    dropped += n;
  }
  return { kind: 'gap', seq: first.seq - 1, time: first.time, dropped, counts };
}

/** The file's name: warren-<lesson>-<cell>-<yyyy-mm-dd-hhmm>.json, in the saver's local time. */
export function traceFileName(lesson: string, cell: string, savedAt: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${savedAt.getFullYear()}-${two(savedAt.getMonth() + 1)}-${two(savedAt.getDate())}-${two(savedAt.getHours())}${two(savedAt.getMinutes())}`;
  const safe = (text: string): string => text.replace(/[^A-Za-z0-9_-]+/g, '_');
  return `warren-${safe(lesson)}-${safe(cell)}-${stamp}.json`;
}
