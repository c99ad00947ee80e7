/**
 * Every message on the workbook's WebSocket (/ws), as a discriminated union on
 * `type`. Shared by the server and the browser: types and schemas only.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { RunSummary, TraceEvent } from './trace.js';

const RunId = Type.String({ minLength: 1, maxLength: 64, description: 'the id the client chose for this run' });

/** Browser → server: start a cell with these parameters (paused at the first frame when stepping). */
export const RunMessage = Type.Object(
  {
    type: Type.Literal('run'),
    runId: RunId,
    lesson: Type.String({ minLength: 1, maxLength: 100 }),
    cell: Type.String({ minLength: 1, maxLength: 100 }),
    params: Type.Record(Type.String(), Type.Unknown()),
    mode: Type.Optional(Type.Union([Type.Literal('continuous'), Type.Literal('step')])),
    language: Type.Optional(Type.Union([Type.Literal('javascript'), Type.Literal('python')])),
  },
  { additionalProperties: false },
);

/** Browser → server: control a run it started. */
export const ControlMessage = Type.Object(
  {
    type: Type.Union([Type.Literal('pause'), Type.Literal('resume'), Type.Literal('step'), Type.Literal('stop')]),
    runId: RunId,
  },
  { additionalProperties: false },
);

/** Browser → server: forget a cell's last run and clean up after it. */
export const ResetMessage = Type.Object(
  {
    type: Type.Literal('reset'),
    runId: RunId,
  },
  { additionalProperties: false },
);

/** Browser → server: do to one of a running cell's programs what a person would (kill it, stop it, start another). */
export const ActMessage = Type.Object(
  {
    type: Type.Literal('act'),
    runId: RunId,
    actor: Type.String({ minLength: 1, maxLength: 100, description: "the actor's name, as the run shows it" }),
    action: Type.Union([Type.Literal('kill'), Type.Literal('stop'), Type.Literal('another')]),
  },
  { additionalProperties: false },
);

/** Browser → server: restart the broker a running cell uses, as rabbitmqctl stop_app and start_app do. */
export const RestartBrokerMessage = Type.Object(
  {
    type: Type.Literal('restart-broker'),
    runId: RunId,
  },
  { additionalProperties: false },
);

/**
 * Browser → server: show me the lab (every connection to the port for programs of your own), under this runId:
 * what it has seen so far, then everything new, until unwatch-lab.
 */
export const WatchLabMessage = Type.Object(
  {
    type: Type.Union([Type.Literal('watch-lab'), Type.Literal('unwatch-lab')]),
    runId: RunId,
  },
  { additionalProperties: false },
);

/** Every message the browser may send. */
export const ClientMessage = Type.Union([RunMessage, ControlMessage, ResetMessage, ActMessage, RestartBrokerMessage, WatchLabMessage]);
export type ClientMessage = Static<typeof ClientMessage>;

/**
 * Where a run is. 'ended-with-error': the programs ended by themselves, but
 * the broker closed a channel or a connection with an error on the way.
 */
export type RunStatus = 'starting' | 'running' | 'paused' | 'finished' | 'ended-with-error' | 'stopped' | 'failed';

/** A failure told in a learner's words, with the raw error for those who want it. */
export interface RunFailure {
  /** What went wrong and what to do, e.g. "Nothing is listening at 127.0.0.1:5672: is RabbitMQ running?". */
  explanation: string;
  /** The error as the client library reported it. */
  raw: string;
}

/** Every message the server sends. */
export type ServerMessage =
  /**
   * Server → browser, on connect: which broker scenarios run against, and, when this machine cannot run Python
   * programs (no python3 with pika), why and what to install.
   */
  | { type: 'hello'; broker: { kind: 'embedded' | 'rabbitmq'; url: string }; pythonProblem?: string }
  /**
   * Server → browser, answering watch-lab: where programs of your own connect and which vhost the lab shows; its
   * trace follows as 'trace' messages under the same runId. `available: false` says why there is no lab.
   */
  | { type: 'lab'; runId: string; available: true; url: string; vhost: string; broker: 'embedded' | 'rabbitmq' }
  | { type: 'lab'; runId: string; available: false; reason: string }
  /** Server → browser: a run changed status. */
  | { type: 'status'; runId: string; status: RunStatus; failure?: RunFailure }
  /** Server → browser: trace events of a run, batched. */
  | { type: 'trace'; runId: string; events: TraceEvent[] }
  /** Server → browser: a run ended; its totals. */
  | { type: 'summary'; runId: string; summary: RunSummary }
  /** Server → browser: what an act message did ("worker 3 started"), or why it could not. */
  | { type: 'acted'; runId: string; actor: string; action: 'kill' | 'stop' | 'another' | 'restart'; ok: boolean; text: string }
  /** Server → browser: a message it could not accept, and why. */
  | { type: 'error'; runId?: string; message: string };
