/**
 * A cell as the runner runs it: its parameters (a TypeBox schema: JSON Schema
 * with defaults, bounds and descriptions), its programs, and how to run them,
 * given what the runner offers a run (ScenarioContext). A lesson's scenario
 * file makes one with programScenario(defineProgramCell({...})).
 */
import type { AnotherMachineSettings } from '../runs/another-machine-broker.js';
import type { Static, TObject } from '@sinclair/typebox';
import type { RunState } from '../model/state.js';
import type { ProgramLanguage } from '../programs/actor-process.js';
import type { ActorAction, ActorProgram, PlannedAction } from '../programs/cell.js';
import type { BrokerSettings } from '../protocol/broker-settings.js';
import type { ActorCode, ActorRequest } from '../protocol/lesson.js';
import type { NamedMoment, TraceEvent } from '../protocol/trace.js';
import type { ActorStart, RunningActor } from '../runs/run-actors.js';

export type { ActorCode } from '../protocol/lesson.js';
export type { NamedMoment } from '../protocol/trace.js';

/** What a scenario's run function gets from the runner; its functions are bound, so a scenario may destructure them. */
export interface ScenarioContext<Params> {
  /** The validated parameters, defaults filled in. */
  params: Params;
  /**
   * Waits on the run's clock, counting only while the run is not paused;
   * rejects when the run is stopped. Called after the run has ended, it never
   * returns: code still running then stays where it is.
   */
  sleep: (ms: number) => Promise<void>;
  /**
   * Adds a snapshot of broker state to the trace (the `rabbitmqctl list_queues` view). Given a moment, the
   * snapshot marks it: one of those moments() declares, each at most once a run, so the prose can link to it.
   */
  snapshot: (moment?: NamedMoment) => Promise<void>;
  /** The language the run's programs are in. */
  language: ProgramLanguage;
  /** The workbook's broker as the programs name it by default (programs are written for it: writtenFor). */
  programsUrl: string;
  /**
   * Starts an actor's program as a process of its own, connected through the
   * tap to the run's vhost; what it prints becomes its output in the trace.
   * Killed at the end of the run if it is still running then.
   */
  startProgram: (program: ActorStart) => Promise<RunningActor>;
  /** Kills or interrupts (Ctrl-C) the newest running program of an actor; false when none runs. */
  act: (actor: string, action: ActorAction, by: 'you' | 'plan') => boolean;
  /** Interrupts every program still running, then kills those that do not leave within a few seconds. */
  stopPrograms: () => Promise<void>;
  /**
   * Restarts the broker: it closes every connection and comes back with what a broker keeps across a restart;
   * the trace says so, and a snapshot shows what it kept. Rejects saying why when the broker cannot be restarted.
   */
  restartBroker: (by: 'you' | 'plan') => Promise<void>;
  /** Calls `listener` with every trace event from now on; returns what stops it. */
  onEvent: (listener: (event: TraceEvent) => void) => () => void;
  /** The run model's state now. */
  state: () => RunState;
  /** Takes the learner's requests on the run's actors; the handler says what it did, or throws saying why it cannot. */
  onRequest: (handler: (request: ActorRequest) => Promise<string>) => void;
}

/** A cell's scenario: its parameters, its programs, and how to run them. */
export interface Scenario<Schema extends TObject = TObject> {
  title: string;
  /** The parameters: every property needs a default and a description. */
  params: Schema;
  /** The actors this scenario starts for these parameters, in the order they appear. */
  actors(params: Static<Schema>): string[];
  /** Runs the cell's programs to their natural end; the runner bounds the run in time and messages. */
  run(context: ScenarioContext<Static<Schema>>): Promise<void>;
  /**
   * Each actor's program for these parameters, in the order of actors(): a
   * standalone amqplib script a learner can copy and run against RabbitMQ,
   * declaring, publishing and consuming exactly as the run does. A scenario
   * without it shows no code.
   */
  code?(params: Static<Schema>, language?: ProgramLanguage): ActorCode[];
  /** The languages its programs exist in (JavaScript only, unless it says otherwise). */
  languages?: ProgramLanguage[];
  /** A program cell's programs with what starting them needs (the order, when the next may start), as it runs them. */
  programs?(params: Static<Schema>, language: ProgramLanguage): ActorProgram[];
  /** The actions a program cell takes on its programs at planned moments (a worker stopped halfway through a task). */
  plan?(params: Static<Schema>): PlannedAction[];
  /**
   * The named moments a run with these parameters marks, in the order it reaches them: the snapshots the
   * lesson's prose links to (`[while worker 1 is stopped](#moment:seven-tasks/worker-stopped)`). Ids are
   * letters, digits and dashes; the lesson loader checks every link against this list.
   */
  moments?(params: Static<Schema>): NamedMoment[];
  /**
   * The settings the broker must have for a run with these parameters (a short consumer_timeout, say): the run gets
   * an embedded broker of its own started with them, or sets them on a RabbitMQ on this machine for its duration.
   */
  brokerSettings?(params: Static<Schema>): BrokerSettings;
  /** Bounds of one run: wall-clock seconds and messages published (defaults 60 s, 10,000). */
  limits?: { seconds?: number; messages?: number };
  /**
   * Runs the programs on another machine (a network namespace of this host), against a broker of the run's own
   * configured so; a cell about what a broker does to clients that are not local.
   */
  anotherMachine?(params: Static<Schema>): AnotherMachineSettings;
}
