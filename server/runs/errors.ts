/** Errors the runner raises itself, each carrying what a learner should read. */
import type { ParamError } from '../lessons/index.js';

/** A run that cannot start: unknown lesson or cell, or parameters the scenario does not accept. */
export class RunRequestError extends Error {
  /** For bad parameters: each one, with what it allows. */
  readonly problems: ParamError[];

  constructor(message: string, problems: ParamError[] = []) {
    super(message);
    this.name = 'RunRequestError';
    this.problems = problems;
  }
}

/** A run that hit one of its bounds (time or messages); the message says which and what to do. */
export class RunLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunLimitError';
  }
}

/** What the run's waits reject with once it is stopped, so the cell's runner unwinds. */
export class RunStoppedError extends Error {
  constructor() {
    super('the run was stopped');
    this.name = 'AbortError';
  }
}

/** A cell's broker settings that cannot be made (RabbitMQ on another machine, no rabbitmqctl); the message says what to do. */
export class BrokerSettingsRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerSettingsRefusedError';
  }
}
