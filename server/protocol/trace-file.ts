/**
 * A saved run: Warren's trace file, one JSON object, so a run can be opened
 * again later without a broker and shown with its timeline and every view.
 * Shared by the server and the browser: types and schemas only.
 *
 * Version 1:
 *
 * ```json
 * {
 *   "format": "warren-trace",
 *   "version": 1,
 *   "savedAt": "2026-12-07T18:42:00.000Z",
 *   "lesson": "01-hello-world",
 *   "cell": "hello",
 *   "title": "Hello World: send and receive",
 *   "language": "javascript",
 *   "broker": { "kind": "embedded" },
 *   "params": { "message": "Hello World!" },
 *   "status": "finished",
 *   "failure": { "explanation": "...", "raw": "..." },
 *   "summary": { "published": 1, ... },
 *   "letGo": { "events": 250000, "counts": { "basic.deliver": 120000 } },
 *   "events": [ { "kind": "frame", "seq": 1, ... }, ... ]
 * }
 * ```
 *
 * - `events` are the run's trace events (TraceEvent) as the page received
 *   them, in order: frames, broker decisions, each program's output lines
 *   (`log`), broker snapshots with the lesson's named moments (`state`),
 *   restarts and gaps. A gap the server sent (a page that could not keep
 *   up) is kept as it came.
 * - `letGo`, present only when the page had let go of the run's oldest
 *   events to keep its memory bounded: how many, and their counts by
 *   method or decision. `events` then begins with a gap event saying the
 *   same, so whoever opens the file is told, never shown a silently partial run.
 * - `failure` is set when the run failed or ended with an error; `summary`
 *   once the run ended (the server's totals, counted from every event).
 * - `status` is where the run was when it was saved; a run saved while it
 *   was still going says so.
 *
 * - The Lab page saves what it has seen the same way, as `"lesson": "lab"`,
 *   `"cell": "lab"`, titled `"Lab: <vhost> on <broker>"`, with no
 *   `language` (its programs are anyone's), the lab's vhost and address
 *   as `params`, and `"status": "running"` (the lab never ends).
 *
 * A reader refuses a file whose `version` is newer than the one it knows.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { RunSummary, TraceEvent } from './trace.js';

/** The `format` every trace file names. */
export const TRACE_FILE_FORMAT = 'warren-trace';

/** The newest version of the format this workbook writes and reads. */
export const TRACE_FILE_VERSION = 1;

const Count = Type.Integer({ minimum: 0 });
const Seq = Type.Integer({ minimum: 0 });
const Time = Type.Number({ minimum: 0 });
const Name = Type.String({ maxLength: 1000 });
const JsonObject = Type.Record(Type.String(), Type.Unknown());
const Counts = Type.Record(Type.String(), Count);

const QueueStateSchema = Type.Object({
  name: Name,
  messagesReady: Count,
  messagesUnacknowledged: Count,
  consumers: Count,
  durable: Type.Boolean(),
  exclusive: Type.Boolean(),
  autoDelete: Type.Boolean(),
});

/** What a trace file says about a run besides its events. */
export const TraceFileHeader = Type.Object({
  format: Type.Literal(TRACE_FILE_FORMAT),
  version: Type.Integer({ minimum: 1 }),
  /** When the file was saved, as an ISO 8601 date and time. */
  savedAt: Type.String({ minLength: 1, maxLength: 100 }),
  lesson: Type.String({ minLength: 1, maxLength: 100 }),
  cell: Type.String({ minLength: 1, maxLength: 100 }),
  /** The lesson's and the cell's titles, as the page showed them. */
  title: Type.String({ maxLength: 1000 }),
  /** The language of the cell's programs; absent for the lab, whose programs are a learner's own, in any language. */
  language: Type.Optional(Type.Union([Type.Literal('javascript'), Type.Literal('python')])),
  broker: Type.Object({ kind: Type.Union([Type.Literal('embedded'), Type.Literal('rabbitmq')]) }),
  /** The parameters the run started with. */
  params: JsonObject,
  status: Type.Union(
    (['starting', 'running', 'paused', 'finished', 'ended-with-error', 'stopped', 'failed', 'interrupted'] as const).map((status) =>
      Type.Literal(status),
    ),
  ),
  failure: Type.Optional(Type.Object({ explanation: Type.String(), raw: Type.String() })),
  summary: Type.Optional(
    Type.Object({
      published: Count,
      routed: Counts,
      delivered: Counts,
      acked: Count,
      nacked: Count,
      requeued: Count,
      returned: Count,
      dropped: Count,
      deadLettered: Count,
      lost: Count,
      queues: Type.Array(QueueStateSchema),
    }),
  ),
  /** Events the page had let go before the file was saved. */
  letGo: Type.Optional(Type.Object({ events: Count, counts: Counts })),
  events: Type.Array(Type.Unknown()),
});

/** What every event carries. */
const eventBase = { seq: Seq, time: Time };

/**
 * Each kind of trace event's schema, by `kind`: what a reader checks of
 * every event. Frames are checked as frames (method, actor, connection,
 * direction, channel); their method's fields only as an object.
 */
export const TRACE_EVENT_SCHEMAS: Readonly<Record<TraceEvent['kind'], TSchema>> = {
  frame: Type.Object({
    kind: Type.Literal('frame'),
    ...eventBase,
    actor: Name,
    connection: Count,
    direction: Type.Union([Type.Literal('to-broker'), Type.Literal('to-client')]),
    channel: Count,
    method: Type.String({ minLength: 1, maxLength: 100 }),
    fields: JsonObject,
    message: Type.Optional(Type.Object({ properties: JsonObject, bodySize: Count, bodyPreview: Type.String() })),
  }),
  broker: Type.Object({
    kind: Type.Literal('broker'),
    ...eventBase,
    decision: Type.Union(
      (['routed', 'unroutable', 'dropped', 'requeued', 'dead-lettered', 'expired'] as const).map((what) => Type.Literal(what)),
    ),
    exchange: Name,
    routingKey: Type.String(),
    matchedBindings: Type.Array(Type.String()),
    queues: Type.Array(Name),
  }),
  log: Type.Object({
    kind: Type.Literal('log'),
    ...eventBase,
    actor: Name,
    text: Type.String(),
    stream: Type.Optional(Type.Literal('stderr')),
    process: Type.Optional(
      Type.Object({ what: Type.Union((['kill', 'stop', 'start', 'ended'] as const).map((what) => Type.Literal(what))) }),
    ),
  }),
  state: Type.Object({
    kind: Type.Literal('state'),
    ...eventBase,
    moment: Type.Optional(Type.Object({ id: Type.String({ minLength: 1 }), title: Type.String() })),
    queues: Type.Array(QueueStateSchema),
    exchanges: Type.Array(JsonObject),
    bindings: Type.Array(JsonObject),
  }),
  restart: Type.Object({
    kind: Type.Literal('restart'),
    ...eventBase,
    phase: Type.Union([Type.Literal('stopping'), Type.Literal('started')]),
    by: Type.Union([Type.Literal('you'), Type.Literal('plan')]),
  }),
  gap: Type.Object({ kind: Type.Literal('gap'), ...eventBase, dropped: Count, counts: Counts }),
};

/** A trace file as read, once every event has been checked. */
export type TraceFile = Omit<Static<typeof TraceFileHeader>, 'events' | 'summary'> & {
  summary?: RunSummary;
  events: TraceEvent[];
};
