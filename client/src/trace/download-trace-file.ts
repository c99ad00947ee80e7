/** Saving a run from the page: its trace file, downloaded as the browser downloads any file (and any JSON file the same way). */
import type { RunModel } from '../run/run-model.js';
import { traceFileName, traceFileOf, type SavedRunInfo } from './write-trace-file.js';

/** What a save wrote: the file's name, its events, and how many the page had let go before (if it had). */
export interface SavedTrace {
  name: string;
  events: number;
  letGo: number | undefined;
}

/** Downloads the run a model holds as warren-<lesson>-<cell>-<yyyy-mm-dd-hhmm>.json. */
export function downloadTraceFile(model: RunModel, info: SavedRunInfo, now = new Date()): SavedTrace {
  const file = traceFileOf(model, info, now);
  const name = traceFileName(info.lesson, info.cell, now);
  downloadJsonFile(name, JSON.stringify(file));
  return { name, events: file.events.length, letGo: file.letGo?.events };
}

/** Hands a JSON text to the browser as a downloaded file named `name`. */
export function downloadJsonFile(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The browser has taken the file by the time the click returns; a moment later the address can go.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
