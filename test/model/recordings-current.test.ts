// The recorded traces the model's tests fold must be what the server emits
// today: each recorded cell runs again, on the broker it was recorded on, and
// every shape of event in the recording (an event's kind, method or decision,
// direction, and the names of its fields) must still occur today, and
// nothing of a new shape may appear. When this fails, record again with the
// commands in test/fixtures/traces/README.md.
import { relative } from 'node:path';
import { expect, it } from 'vitest';
import type { TraceEvent } from '../../server/protocol/index.js';
import { loadLessons } from '../../server/lessons/index.js';
import { describeOnBrokers, lessons } from '../lessons/harness.js';
import { LESSON_RECORDINGS, readRecording } from './recordings.js';

/** What an event looks like, without its values: kind, method or decision, direction, and its keys. */
function shapeOf(event: TraceEvent): string {
  const keys = Object.keys(event).sort().join(',');
  switch (event.kind) {
    case 'frame':
      return `frame ${event.method} ${event.direction} {${keys}} fields {${Object.keys(event.fields).sort().join(',')}}${
        event.message === undefined ? '' : ` message {${Object.keys(event.message).sort().join(',')}}`
      }`;
    case 'broker':
      return `broker ${event.decision} {${keys}}`;
    default:
      return `${event.kind} {${keys}}`;
  }
}

/** The shapes of a run's events; heartbeats come and go with timing, not with the format, and are left out. */
function shapes(events: readonly TraceEvent[]): Set<string> {
  return new Set(events.filter((event) => !(event.kind === 'frame' && event.method === 'heartbeat')).map(shapeOf));
}

/** The recordings made from the lessons in `lessonsDir` (undefined: the course's). */
function recordingsFrom(lessonsDir: string | undefined) {
  return LESSON_RECORDINGS.filter((recording) => recording.lessonsDir === lessonsDir);
}

for (const lessonsDir of new Set(LESSON_RECORDINGS.map((recording) => recording.lessonsDir))) {
  const catalog = lessonsDir === undefined ? lessons : () => loadLessons(lessonsDir);
  const which = lessonsDir === undefined ? 'the course' : relative(process.cwd(), lessonsDir);
  describeOnBrokers(
    `recorded traces of ${which} are what runs send today`,
    (runCell, broker) => {
      it('every recording made on this broker has the shapes of events its cell sends now', async () => {
        const recordings = recordingsFrom(lessonsDir).filter((recording) => recording.broker === broker());
        expect(recordings.length).toBeGreaterThan(0);
        for (const recording of recordings) {
          const today = shapes((await runCell(recording.lesson, recording.cell)).events);
          const recorded = shapes(readRecording(recording.name).events);
          const gone = [...recorded].filter((shape) => !today.has(shape));
          const added = [...today].filter((shape) => !recorded.has(shape));
          expect({ recording: recording.name, gone, added }).toEqual({ recording: recording.name, gone: [], added: [] });
        }
      });
    },
    catalog,
  );
}
