/**
 * The traces real runs recorded (test/fixtures/traces): what
 * `npm run scenario -- <cell> --json` printed, one event per line and the
 * summary last.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunSummary, TraceEvent } from '../../server/protocol/index.js';

/** A recorded run. */
export interface Recording {
  events: TraceEvent[];
  summary: RunSummary;
}

/** Reads test/fixtures/traces/<name>.jsonl. */
export function readRecording(name: string): Recording {
  return parseRecording(readFileSync(new URL(`../fixtures/traces/${name}.jsonl`, import.meta.url), 'utf8'), name);
}

/** Parses what the scenario runner prints with --json. */
export function parseRecording(text: string, name: string): Recording {
  const events: TraceEvent[] = [];
  let summary: RunSummary | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const parsed = JSON.parse(line) as TraceEvent | { summary: RunSummary };
    if ('summary' in parsed) summary = parsed.summary;
    else events.push(parsed);
  }
  if (summary === undefined) throw new Error(`${name} has no summary line`);
  return { events, summary };
}

/** The folder of lessons the recorded cells outside the course come from. */
export const TRACE_LESSONS_DIR = fileURLToPath(new URL('../fixtures/trace-lessons', import.meta.url));

/**
 * The recordings made from lesson cells, with the cell and the broker each was recorded on; `lessonsDir` is
 * set for a cell of a lesson outside the course.
 */
export const LESSON_RECORDINGS: readonly {
  name: string;
  lesson: string;
  cell: string;
  broker: 'embedded' | 'rabbitmq';
  lessonsDir?: string;
}[] = [
  { name: '05-topics.embedded', lesson: '05-topics', cell: 'animals', broker: 'embedded' },
  { name: '05-topics.rabbitmq', lesson: '05-topics', cell: 'animals', broker: 'rabbitmq' },
  { name: '02-work-queues.seven-tasks.embedded', lesson: '02-work-queues', cell: 'seven-tasks', broker: 'embedded' },
  { name: '02-work-queues.seven-tasks.rabbitmq', lesson: '02-work-queues', cell: 'seven-tasks', broker: 'rabbitmq' },
  { name: '06-rpc.embedded', lesson: '06-rpc', cell: 'fib-30', broker: 'embedded' },
  { name: '06-rpc.direct-reply-to.embedded', lesson: '06-rpc', cell: 'direct-reply-to', broker: 'embedded' },
  { name: 'dead-letters.embedded', lesson: '01-dead-letters', cell: 'dead-letters', broker: 'embedded', lessonsDir: TRACE_LESSONS_DIR },
  { name: 'dead-letters.rabbitmq', lesson: '01-dead-letters', cell: 'dead-letters', broker: 'rabbitmq', lessonsDir: TRACE_LESSONS_DIR },
];
