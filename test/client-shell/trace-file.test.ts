/**
 * Warren's trace file: a run saved from a run cell's model and read back,
 * checked on the way, with every refusal naming what is wrong and what is
 * allowed; a run whose oldest events the page let go is saved saying so.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunModel } from '../../client/src/run/run-model.js';
import { readTraceFile } from '../../client/src/trace/read-trace-file.js';
import { traceFileName, traceFileOf, type SavedRunInfo } from '../../client/src/trace/write-trace-file.js';
import type { RunSummary, TraceEvent, TraceFile } from '../../server/protocol/index.js';

/** The topics run recorded in test/fixtures/traces: its events and summary. */
function topics(): { events: TraceEvent[]; summary: RunSummary } {
  const events: TraceEvent[] = [];
  let summary: RunSummary | undefined;
  for (const line of readFileSync(new URL('../fixtures/traces/05-topics.embedded.jsonl', import.meta.url), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const parsed = JSON.parse(line) as TraceEvent | { summary: RunSummary };
    if ('summary' in parsed) summary = parsed.summary;
    else events.push(parsed);
  }
  if (summary === undefined) throw new Error('the recording has no summary');
  return { events, summary };
}

const INFO: SavedRunInfo = {
  lesson: '05-topics',
  cell: 'animals',
  title: 'Topics: animals',
  language: 'python',
  broker: { kind: 'embedded' },
  params: { mandatory: true, routingKeys: ['quick.orange.rabbit'] },
  status: 'finished',
};

const SAVED_AT = new Date(2026, 11, 7, 9, 5);

/** A model that heard a run the way a run cell hears it. */
function modelOf(events: TraceEvent[], summary: RunSummary | undefined, options: { maxEvents?: number } = {}): RunModel {
  const model = new RunModel(options);
  model.apply({ type: 'status', runId: 'r', status: 'running' });
  for (let start = 0; start < events.length; start += 50)
    model.apply({ type: 'trace', runId: 'r', events: events.slice(start, start + 50) });
  if (summary !== undefined) model.apply({ type: 'summary', runId: 'r', summary });
  model.apply({ type: 'status', runId: 'r', status: 'finished' });
  return model;
}

/** A saved run's text, changed by `edit` first. */
function savedText(edit: (file: Record<string, unknown> & { events: Record<string, unknown>[] }) => void = () => undefined): string {
  const { events, summary } = topics();
  const file = JSON.parse(JSON.stringify(traceFileOf(modelOf(events, summary), INFO, SAVED_AT))) as Record<string, unknown> & {
    events: Record<string, unknown>[];
  };
  edit(file);
  return JSON.stringify(file);
}

function refusal(text: string): string {
  const result = readTraceFile(text);
  if (result.ok) throw new Error('the file was accepted');
  return result.error;
}

describe('saving a run as a trace file', () => {
  it('holds every event, the summary, parameters and what ran, and reads back the same', () => {
    const { events, summary } = topics();
    const file = traceFileOf(modelOf(events, summary), INFO, SAVED_AT);
    expect(file).toMatchObject({
      format: 'warren-trace',
      version: 1,
      savedAt: SAVED_AT.toISOString(),
      lesson: '05-topics',
      cell: 'animals',
      title: 'Topics: animals',
      language: 'python',
      broker: { kind: 'embedded' },
      params: INFO.params,
      status: 'finished',
      summary,
    });
    expect(file.letGo).toBeUndefined();
    expect(file.events).toEqual(events);
    const read = readTraceFile(JSON.stringify(file));
    expect(read).toEqual({ ok: true, file: JSON.parse(JSON.stringify(file)) as TraceFile });
    // The named moments and the programs' lines travel in the events.
    expect(events.some((event) => event.kind === 'log')).toBe(true);
  });

  it('is named after the lesson, the cell and the minute it was saved', () => {
    expect(traceFileName('01-hello-world', 'hello', SAVED_AT)).toBe('warren-01-hello-world-hello-2026-12-07-0905.json');
    expect(traceFileName('a/b', 'c d', SAVED_AT)).toBe('warren-a_b-c_d-2026-12-07-0905.json');
  });

  it('says so, in the file and with a gap event first, when the page had let the oldest events go', () => {
    // A long run: the topics run's events again and again, numbered on, into a timeline that keeps about 1,000.
    const { events } = topics();
    const long: TraceEvent[] = [];
    for (let round = 0; long.length < 3500; round += 1) {
      for (const event of events) long.push({ ...event, seq: long.length + 1, time: event.time + round * 10_000 });
    }
    const model = modelOf(long, undefined, { maxEvents: 1000 });
    expect(model.forgottenEvents).toBeGreaterThan(0);
    const file = traceFileOf(model, INFO, SAVED_AT);
    const letGo = long.slice(0, model.forgottenEvents);
    const publishes = letGo.filter((event) => event.kind === 'frame' && event.method === 'basic.publish').length;
    expect(file.letGo).toMatchObject({ events: model.forgottenEvents });
    expect(file.letGo?.counts['basic.publish']).toBe(publishes);
    expect(file.events[0]).toEqual({
      kind: 'gap',
      seq: model.forgottenEvents,
      time: long[model.forgottenEvents]?.time,
      dropped: model.forgottenEvents,
      counts: file.letGo?.counts,
    });
    expect(file.events.slice(1)).toEqual(long.slice(model.forgottenEvents));
    expect(readTraceFile(JSON.stringify(file)).ok).toBe(true);
  });

  it("keeps a server's gap event as it came", () => {
    const { events, summary } = topics();
    const gap: TraceEvent = { kind: 'gap', seq: 41, time: 900, dropped: 12, counts: { 'basic.deliver': 12 } };
    const withGap = [...events.slice(0, 40), gap, ...events.slice(52)];
    const file = traceFileOf(modelOf(withGap, summary), INFO, SAVED_AT);
    expect(file.events).toEqual(withGap);
    expect(file.letGo).toBeUndefined();
  });
});

describe('reading a trace file', () => {
  it('refuses what is not JSON', () => {
    expect(refusal('{"format": "warren-trace",')).toMatch(
      /^This file is not JSON \(.+\)\. A saved trace is the JSON file a run cell's “Save trace” button downloads\.$/,
    );
  });

  it('refuses JSON that is not a Warren trace, naming the format it needs', () => {
    expect(refusal('{"hello": 1}')).toBe(
      'This file is JSON but not a Warren trace: its "format" must be "warren-trace" (got nothing). Open a file saved with a run cell\'s “Save trace” button.',
    );
    expect(refusal('[1, 2]')).toContain('not a Warren trace');
    expect(refusal('{"format": "har"}')).toContain('must be "warren-trace" (got "har")');
  });

  it('refuses a version newer than it reads', () => {
    expect(refusal(savedText((file) => (file.version = 2)))).toBe(
      'This trace was saved in version 2 of the format, newer than this workbook reads (version 1 and older). Open it with a newer Warren.',
    );
  });

  it('names a damaged header field and what it must be', () => {
    expect(refusal(savedText((file) => (file.status = 'done')))).toBe(
      'This Warren trace is damaged: "status" must be one of starting, running, paused, finished, ended-with-error, stopped, failed, interrupted (got "done").',
    );
    expect(refusal(savedText((file) => delete file.lesson))).toBe(
      'This Warren trace is damaged: "lesson" is missing: it must be a string.',
    );
  });

  it('names the malformed event by its number, and what is wrong with it', () => {
    expect(
      refusal(
        savedText((file) => {
          file.events[6] = { ...file.events[6], kind: 'telegram' };
        }),
      ),
    ).toBe('Event 7 of this trace is malformed: its "kind" must be one of frame, broker, log, state, restart, gap (got "telegram").');
    expect(
      refusal(
        savedText((file) => {
          file.events[2] = { ...file.events[2], direction: 'sideways' };
        }),
      ),
    ).toBe('Event 3 of this trace is malformed: "direction" must be one of to-broker, to-client (got "sideways").');
    expect(
      refusal(
        savedText((file) => {
          delete file.events[0]?.seq;
        }),
      ),
    ).toBe('Event 1 of this trace is malformed: "seq" is missing: it must be a whole number, 0 or more.');
    expect(refusal(savedText((file) => file.events.splice(4, 0, 'oops' as unknown as Record<string, unknown>)))).toBe(
      'Event 5 of this trace is malformed: it must be an object (got "oops").',
    );
    expect(refusal(savedText((file) => file.events.reverse()))).toMatch(
      /^Event 2 of this trace is malformed: its "seq" must be greater than the event before's \d+ \(got \d+\)/,
    );
  });
});
