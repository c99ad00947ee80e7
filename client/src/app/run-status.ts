/**
 * A run cell's status as the learner sees it: a word, an icon and a colour,
 * so the colour is never the only sign.
 */
import type { RunStatus } from '../../../server/protocol/messages.js';
import type { IconName } from './icons.js';

/** Where a cell's run is: the server's statuses, 'idle' before any run, and 'interrupted' when the connection dropped mid-run. */
export type CellStatus = RunStatus | 'idle' | 'interrupted';

/** Statuses of a run that is still going. */
export const ACTIVE_STATUSES: ReadonlySet<CellStatus> = new Set(['starting', 'running', 'paused']);

interface StatusLook {
  label: string;
  icon: IconName;
  /** The theme's colour family: --status-<tone> and --status-<tone>-soft. */
  tone: 'running' | 'paused' | 'finished' | 'stopped' | 'failed';
}

const LOOKS: Record<CellStatus, StatusLook> = {
  idle: { label: 'Not run yet', icon: 'idle', tone: 'stopped' },
  starting: { label: 'Starting', icon: 'spinner', tone: 'running' },
  running: { label: 'Running', icon: 'running', tone: 'running' },
  paused: { label: 'Paused', icon: 'paused', tone: 'paused' },
  finished: { label: 'Finished', icon: 'checkCircle', tone: 'finished' },
  stopped: { label: 'Stopped', icon: 'stopped', tone: 'stopped' },
  'ended-with-error': { label: 'Ended with an error', icon: 'failed', tone: 'failed' },
  failed: { label: 'Failed', icon: 'failed', tone: 'failed' },
  interrupted: { label: 'Interrupted', icon: 'unplugged', tone: 'failed' },
};

/** How a status looks. */
export function statusLook(status: CellStatus): StatusLook {
  return LOOKS[status];
}
