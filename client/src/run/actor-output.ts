/**
 * What each actor of a run printed, line by line, as its terminal shows it:
 * the tutorials' " [*] Waiting for messages" and " [x] Received 'Hello World!'".
 * Plain TypeScript, no DOM.
 *
 * Memory stays bounded however long the run: each actor keeps its newest
 * lines (a generous number) and counts the ones it let go, and an overlong
 * line keeps its beginning and says how much of it was let go.
 */
import type { ServerMessage, TraceEvent } from '../../../server/protocol/index.js';
import { logText } from './process-notes.js';
import { RingBuffer } from './ring-buffer.js';

/** How many lines each actor keeps unless told otherwise. */
export const DEFAULT_MAX_LINES_PER_ACTOR = 10_000;
/** How many characters of one line are kept unless told otherwise. */
export const DEFAULT_MAX_LINE_LENGTH = 4_000;

/**
 * Where a line of a terminal comes from: the program's standard output, its
 * standard error, or the workbook telling what happened to its process
 * (killed, stopped, started, ended).
 */
export type LineSource = 'stdout' | 'stderr' | 'process';

/** One line an actor printed. */
export interface OutputLine {
  /** The seq of the trace event that carried it; the lines of one event share it. */
  seq: number;
  /** Milliseconds since the run started. */
  time: number;
  text: string;
  source: LineSource;
}

/** What an actor's terminal shows at one moment of the run. */
export interface TerminalView {
  actor: string;
  /** The kept lines up to the moment, oldest first. */
  lines: OutputLine[];
  /** How many lines before these were let go to keep memory bounded. */
  letGo: number;
  /** True when lines up to the moment were let go and it is not known how many came before it. */
  momentLetGo: boolean;
}

/** Options for an output; all optional. */
export interface ActorOutputOptions {
  /** How many lines each actor keeps (the newest). */
  maxLinesPerActor?: number;
  /** How many characters of a line are kept (its beginning). */
  maxLineLength?: number;
}

/** One actor's kept lines, the seq of the newest line it let go, and whether its program runs now. */
interface Terminal {
  lines: RingBuffer<OutputLine>;
  newestLetGoSeq: number;
  running: boolean;
}

/** Every actor's printed lines for one run. */
export class ActorOutput {
  /** seq of the newest event taken (a line or not). */
  lastSeq = 0;
  /** Increases whenever a message was taken or the output emptied. */
  version = 0;

  private readonly maxLinesPerActor: number;
  private readonly maxLineLength: number;
  /** By actor, in the order they first printed. */
  private readonly terminals = new Map<string, Terminal>();
  private readonly listeners = new Set<() => void>();

  constructor(options: ActorOutputOptions = {}) {
    this.maxLinesPerActor = positiveWhole(options.maxLinesPerActor ?? DEFAULT_MAX_LINES_PER_ACTOR, 'maxLinesPerActor');
    this.maxLineLength = positiveWhole(options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH, 'maxLineLength');
  }

  /** Takes the lines of one message from the server; other messages change nothing. */
  apply(message: ServerMessage): void {
    if (message.type !== 'trace') return;
    for (const event of message.events) this.take(event);
    this.changed();
  }

  /** A printed line is kept; any other event only moves `lastSeq`. */
  private take(event: TraceEvent): void {
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    if (event.kind !== 'log') return;
    let terminal = this.terminals.get(event.actor);
    if (terminal === undefined) {
      terminal = { lines: new RingBuffer(this.maxLinesPerActor), newestLetGoSeq: 0, running: true };
      this.terminals.set(event.actor, terminal);
    }
    // Anything but its end means a program of the actor runs (one started again after the last one ended, say).
    terminal.running = event.process?.what !== 'ended';
    const source: LineSource = event.process !== undefined ? 'process' : event.stream === 'stderr' ? 'stderr' : 'stdout';
    // A program may print several lines at once; a terminal shows each on its own.
    for (const text of logText(event).replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n')) {
      const oldest = terminal.lines.length === terminal.lines.capacity ? terminal.lines.at(0) : undefined;
      if (oldest !== undefined) terminal.newestLetGoSeq = oldest.seq;
      terminal.lines.push({ seq: event.seq, time: event.time, text: this.bounded(text), source });
    }
  }

  /** Calls `listener` after each message that was taken; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Forgets every line, ready for the next run (listeners stay). */
  reset(): void {
    this.terminals.clear();
    this.lastSeq = 0;
    this.changed();
  }

  /** Whether a program of `actor` runs now, at the newest event taken (whatever moment the views show). */
  isRunning(actor: string): boolean {
    return this.terminals.get(actor)?.running ?? false;
  }

  /** Actors that printed anything, in the order they first did. */
  actors(): string[] {
    return [...this.terminals.keys()];
  }

  /** Each actor's terminal with the lines printed up to event `cursor` (every line when it is undefined). */
  upTo(cursor: number | undefined): TerminalView[] {
    return [...this.terminals].map(([actor, terminal]) => {
      const kept = terminal.lines;
      const end = cursor === undefined ? kept.length : firstAfter(kept, cursor);
      const lines: OutputLine[] = [];
      for (let index = 0; index < end; index += 1) {
        const line = kept.at(index);
        if (line !== undefined) lines.push(line);
      }
      const momentLetGo = cursor !== undefined && cursor < terminal.newestLetGoSeq;
      return { actor, lines, letGo: kept.dropped, momentLetGo };
    });
  }

  private bounded(text: string): string {
    if (text.length <= this.maxLineLength) return text;
    const beyond = text.length - this.maxLineLength;
    return `${text.slice(0, this.maxLineLength)} … (${beyond.toLocaleString('en')} more characters of this line were let go)`;
  }

  private changed(): void {
    this.version += 1;
    for (const listener of [...this.listeners]) listener();
  }
}

/** Index of the first kept line printed after event `seq` (lines are in seq order). */
function firstAfter(lines: RingBuffer<OutputLine>, seq: number): number {
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((lines.at(middle)?.seq ?? seq) <= seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

function positiveWhole(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1, not ${value}`);
  return value;
}
