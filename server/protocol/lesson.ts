/** The shapes the JSON API serves for lessons. Shared by the server and the browser; types only. */
import type { BrokerSettings } from './broker-settings.js';
import type { NamedMoment } from './trace.js';

/**
 * A JSON Schema object as TypeBox produces it (draft 2019-09 keywords). A
 * string with a `pattern` also carries `patternInWords`: what the pattern
 * allows, as a phrase completing "must be ..." ("a string of 1 to 10
 * digits"), so no learner is ever shown a regular expression.
 */
export type JsonSchema = Record<string, unknown>;

/** An entry of GET /api/lessons. */
export interface LessonSummary {
  /** The folder name, e.g. '02-work-queues'. */
  id: string;
  title: string;
  /** Estimated minutes to work through it. */
  minutes: number;
  /** What it teaches, one line. */
  teaches: string;
  /** Its position in the course, from the folder's number. */
  order: number;
}

/** The languages a cell's programs can be written in. */
export type ProgramLanguage = 'javascript' | 'python';

/** Every language a program may be asked for, in the order a switch offers them. */
export const PROGRAM_LANGUAGES: readonly ProgramLanguage[] = ['javascript', 'python'];

/** A prose part of a lesson: markdown source. */
export interface ProseCell {
  kind: 'prose';
  markdown: string;
}

/** A runnable part of a lesson: one scenario with its parameters. */
export interface RunCell {
  kind: 'run';
  /** Unique within the lesson, e.g. 'seven-tasks'. */
  id: string;
  title: string;
  /** The scenario file it runs, relative to the lesson folder's scenarios/. */
  scenario: string;
  /** JSON Schema of the parameters (an object schema: properties with defaults, bounds, descriptions). */
  params: JsonSchema;
  /** Parameter values this cell starts with (overriding the scenario's defaults). */
  defaults: Record<string, unknown>;
  /** The actors the scenario starts with these defaults ("producer", "worker 1", ...). */
  actors: string[];
  /** The named moments a run with these defaults reaches, in order: what the prose's moment links point at before any run. */
  moments: NamedMoment[];
  /** The languages its programs exist in, the first the one it falls back to ('javascript', 'python'). */
  languages: ProgramLanguage[];
  /** A run with these defaults restarts the broker (on RabbitMQ: rabbitmqctl stop_app and start_app). */
  restartsBroker: boolean;
  /**
   * The settings a run with these defaults gives the broker (consumer_timeout, ...); empty when it needs none.
   * Such a run has an embedded broker of its own, or changes a RabbitMQ on this machine for its duration.
   */
  brokerSettings: BrokerSettings;
}

/** GET /api/lessons/:id. */
export interface LessonDocument extends LessonSummary {
  cells: (ProseCell | RunCell)[];
}

/** One actor's program: a standalone amqplib script that does what the actor does in a cell's run. */
export interface ActorCode {
  /** The actor it plays, as the cell names it ("producer", "worker 1"). */
  actor: string;
  /** The whole program: an ES module for Node, or a Python script, run against the broker at AMQP_URL (default amqp://localhost). */
  code: string;
  /** What a person can start more of during a run, as its button says it ("start another", "send one more"). */
  another?: string;
  /** The file name to save it as and run it from: "worker-1.mjs", "worker_1.py" ("rabbitmq.config" for a broker's configuration file). */
  file?: string;
}

/** What a person asks of one actor of a running cell. */
export interface ActorRequest {
  actor: string;
  /** kill: SIGKILL, a crash; stop: Ctrl-C, the program's own clean exit; another: start one more copy (or send one more). */
  action: 'kill' | 'stop' | 'another';
}

/** POST /api/lessons/:lesson/cells/:cell/code: every actor's program for the parameters sent. */
export interface CellCode {
  actors: ActorCode[];
  /** The named moments a run with these parameters reaches, in order. */
  moments: NamedMoment[];
}
