/**
 * A cell whose actors are real programs: the ones its code cell shows, in
 * JavaScript (amqplib) or Python (pika), each run as a process of its own.
 * What a lesson states besides the programs is data: the order they start
 * in, the moments the prose links to, the actions planned in advance (a
 * worker stopped halfway through a task), and how long the run may stay
 * quiet before the runner stops the programs still running, as a person
 * would press Ctrl-C.
 */
import type { Static, TObject } from '@sinclair/typebox';
import type { RunState } from '../model/state.js';
import type { BrokerSettings } from '../protocol/broker-settings.js';
import type { AnotherMachineSettings } from '../runs/another-machine-broker.js';
import type { NamedMoment } from '../protocol/trace.js';
import type { ProgramLanguage } from './actor-process.js';

export type { ProgramLanguage } from './actor-process.js';

/** The configuration files the broker actor can be started with: RabbitMQ's two formats. */
export type ConfigFileName = 'rabbitmq.conf' | 'rabbitmq.config';

/** What a person can do to a running program. */
export type ActorAction = 'kill' | 'stop';

/** One actor's program, as its code cell shows it. */
export interface ActorProgram {
  /** The actor it plays ("producer", "worker 1"). */
  actor: string;
  /** The whole program, in the cell's language. */
  code: string;
  /**
   * Set when the actor is the embedded broker itself, started by the learner's command
   * (`npm run broker -- --config <configFile>`): `code` is then that configuration file, data and not a program.
   */
  configFile?: ConfigFileName;
  /**
   * When the next actor may start: once this one printed a line matching
   * `ready` (a consumer's " [*] Waiting for messages"), or once it has ended (a
   * producer that sends and leaves). Default: a line starting " [*] ".
   */
  next?: { ready: RegExp } | 'ended';
  /**
   * A line the program prints each time it has finished a message, in the
   * order they arrived (a worker's " [x] Done"). With automatic
   * acknowledgement, the messages it received and had not finished when it
   * ended are lost: the broker forgot them as it sent them.
   */
  finished?: RegExp;
  /** What it does wrong on purpose, in a lesson about errors: such a run still ends as finished. */
  expects?: ExpectedTrouble;
  /**
   * Starts when this fires rather than in the start order (a worker that
   * starts once the broker is back from a restart).
   */
  startAt?: Exclude<Trigger, 'quiet' | 'end'>;
}

/**
 * What a program is meant to run into: the exit code it ends with by itself
 * once it has said why it could not do its job (1 for a program that found no
 * broker), and the reply codes the broker is meant to close its channels or
 * connection with (406 for a queue declared again with other settings). Any
 * other exit code, or close, is still an error of the run.
 */
export interface ExpectedTrouble {
  exitCode?: number;
  closes?: number[];
}

/** A copy of an actor that a person can start during a run. */
export interface AnotherCopy {
  /** The action as a button says it: "start another", "send one more". */
  label: string;
  program: ActorProgram;
}

/** What the runner knows of a run while it runs, for the conditions of moments and planned actions. */
export interface RunView {
  /** The run model's state now. */
  readonly state: RunState;
  /** The lines an actor printed so far. */
  lines(actor: string): readonly string[];
  /** Whether the actor's program has ended (by itself, stopped or killed). */
  ended(actor: string): boolean;
}

/** When something happens in a run. */
export type Trigger =
  /**
   * Once `actor` printed its `count`-th line matching `line` (default the
   * first), then `delayMs` of run time later; a function gives the delay from
   * that line (half the work of the task it names).
   */
  | { actor: string; line: RegExp; count?: number; delayMs?: number | ((line: string) => number) }
  /** As soon as `when` holds, checked after every event of the run. */
  | { when: (view: RunView) => boolean }
  /** Once the run has gone quiet, before the runner stops the programs still running. */
  | 'quiet'
  /** After the runner stopped the programs still running. */
  | 'end';

/** A named moment: a snapshot of the broker taken when its trigger fires, the programs standing still meanwhile. */
export interface PlannedMoment extends NamedMoment {
  at: Trigger;
}

/** An action planned in advance, like one a person can take by hand: on an actor, or restarting the broker. */
export type PlannedAction = { at: Trigger; action: ActorAction; actor: string } | { at: Trigger; action: 'restart-broker' };

/** A cell run from its programs. */
export interface ProgramCell<Schema extends TObject = TObject> {
  title: string;
  /** The parameters: every property needs a default and a description. */
  params: Schema;
  /** The languages its programs are written in; both unless it says otherwise. */
  languages?: ProgramLanguage[];
  /** The actors' programs for these parameters in `language`, in the order they start. Throws naming a combination that cannot run. */
  programs(params: Static<Schema>, language: ProgramLanguage): ActorProgram[];
  /**
   * One more copy of `actor` for a person to start while the run runs: another
   * worker ("worker 3", named apart from those in `taken`), or for a producer
   * one more message. Its label names the action ("start another", "send one
   * more"). Undefined when the actor has no copies.
   */
  another?(params: Static<Schema>, language: ProgramLanguage, actor: string, taken: readonly string[]): AnotherCopy | undefined;
  /** The moments the prose links to, in the order a run reaches them. */
  moments?(params: Static<Schema>): PlannedMoment[];
  /** Actions taken at planned moments (a worker stopped halfway through a task). */
  plan?(params: Static<Schema>): PlannedAction[];
  /** How long (ms of run time) nothing may happen before the run counts as over. Default 1000. */
  quietMs?(params: Static<Schema>): number;
  /**
   * The settings the broker must have while these programs run (consumer_timeout made short, say); see
   * BrokerSettings for each one's meaning. None unless it says so.
   */
  brokerSettings?(params: Static<Schema>): BrokerSettings;
  /** Bounds of one run: seconds of run time and messages published (defaults 60 s, 10,000). */
  limits?: { seconds?: number; messages?: number };
  /** Runs the programs on another machine, against a broker of the run's own with these settings (see Scenario.anotherMachine). */
  anotherMachine?: (params: Static<Schema>) => AnotherMachineSettings;
}

/** Declares a cell run from programs; the identity function that gives the file its types. */
export function defineProgramCell<Schema extends TObject>(cell: ProgramCell<Schema>): ProgramCell<Schema> {
  return cell;
}
