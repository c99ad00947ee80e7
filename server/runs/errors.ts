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

/** What sleep() and connect() reject with once a run is stopped, so a scenario unwinds. */
export class RunStoppedError extends Error {
  constructor() {
    super('the run was stopped');
    this.name = 'AbortError';
  }
}

/** A fault of a scenario's own code that nobody awaited or caught: the run fails with it instead of the workbook. */
export class ScenarioFaultError extends Error {
  constructor(scenarioTitle: string, fault: string, cause: unknown) {
    super(
      `The scenario "${scenarioTitle}" failed in code nobody was waiting for (${fault}), so the run was stopped. ` +
        'This is a fault in the lesson, not in your parameters.',
      { cause },
    );
    this.name = 'ScenarioFaultError';
  }
}
