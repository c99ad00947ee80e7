export { createRunner, type Runner, type RunnerOptions, type RunRequest } from './runner.js';
export { BROKER_SETTINGS_ACTOR, DEFAULT_LIMITS, type RunHandle, type RunListener } from './run.js';
export { BrokerSettingsRefusedError, RunRequestError, RunLimitError, RunStoppedError } from './errors.js';
export { explainFailure, type FailureContext } from './explain-failure.js';
export { keepServingThroughFaults } from './keep-serving.js';
export { describeSweep, type SweepResult } from './run-vhosts.js';
