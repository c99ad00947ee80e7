/**
 * The traces real runs recorded (test/fixtures/traces), replayed into a
 * RunModel the way the server sends them: status, trace batches, summary.
 */
import { RunModel } from '../../client/src/run/run-model.js';
import type { RunSummary, TraceEvent } from '../../server/protocol/index.js';
import topics from '../fixtures/traces/05-topics.embedded.jsonl?raw';
import sevenTasks from '../fixtures/traces/02-work-queues.seven-tasks.embedded.jsonl?raw';
import rpc from '../fixtures/traces/06-rpc.embedded.jsonl?raw';
import directReplyTo from '../fixtures/traces/06-rpc.direct-reply-to.embedded.jsonl?raw';

const RECORDINGS = { topics, 'seven-tasks': sevenTasks, rpc, 'direct-reply-to': directReplyTo };

/** The name of a recorded run. */
export type RecordingName = keyof typeof RECORDINGS;

/** A recorded run: its events and its summary. */
export interface Recording {
  events: TraceEvent[];
  summary: RunSummary;
}

/** Reads a recording: one event per line, the summary last. */
export function recording(name: RecordingName): Recording {
  const events: TraceEvent[] = [];
  let summary: RunSummary | undefined;
  for (const line of RECORDINGS[name].split('\n')) {
    if (line.trim() === '') continue;
    const parsed = JSON.parse(line) as TraceEvent | { summary: RunSummary };
    if ('summary' in parsed) summary = parsed.summary;
    else events.push(parsed);
  }
  if (summary === undefined) throw new Error(`the ${name} recording has no summary line`);
  return { events, summary };
}

const RUN_ID = 'recorded';

/** A model of a run that has just started. */
export function startedRun(): RunModel {
  const model = new RunModel();
  model.apply({ type: 'status', runId: RUN_ID, status: 'running' });
  return model;
}

/** Gives a model events the way the server sends them: a few per trace message. */
export function feed(model: RunModel, events: TraceEvent[]): void {
  for (let start = 0; start < events.length; start += 8) {
    model.apply({ type: 'trace', runId: RUN_ID, events: events.slice(start, start + 8) });
  }
}

/** A model that has heard a whole recorded run, its summary and its end. */
export function finishedRun(name: RecordingName): RunModel {
  const { events, summary } = recording(name);
  const model = startedRun();
  feed(model, events);
  model.apply({ type: 'summary', runId: RUN_ID, summary });
  model.apply({ type: 'status', runId: RUN_ID, status: 'finished' });
  return model;
}

/** The seq of each broker snapshot of a recording, in order. */
export function snapshotSeqs(name: RecordingName): number[] {
  return recording(name).events.flatMap((event) => (event.kind === 'state' ? [event.seq] : []));
}

/** The seq of the first event that passes `test`; throws when there is none. */
export function firstSeq(name: RecordingName, test: (event: TraceEvent) => boolean): number {
  const found = recording(name).events.find(test);
  if (found === undefined) throw new Error(`the ${name} recording has no such event`);
  return found.seq;
}
