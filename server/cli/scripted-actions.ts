/**
 * The --at actions of `npm run scenario`: each done once, when the trace
 * reaches its event number or marks its named moment (then the programs
 * still stand still for the snapshot, so the action lands exactly there).
 */
import type { TraceEvent } from '../protocol/index.js';
import type { RunHandle } from '../runs/index.js';
import type { ScriptedAction } from './scenario-args.js';

/** What follows the script: call `onEvent` with every trace event, and `unreached` once the run is over. */
export interface ScriptFollower {
  onEvent(event: TraceEvent): void;
  /** Says (through `tell`) which actions never came due. */
  unreached(): void;
}

/** Follows `script` on the run; `tell` gets a line for every action that could not be done. */
export function followScript(script: readonly ScriptedAction[], run: () => RunHandle, tell: (line: string) => void): ScriptFollower {
  const waiting = [...script];
  const whenOf = ({ when }: ScriptedAction): string => ('event' in when ? `#${when.event}` : when.moment);
  const onEvent = (event: TraceEvent): void => {
    for (const scripted of [...waiting]) {
      const { when } = scripted;
      const due = 'event' in when ? event.seq >= when.event : event.kind === 'state' && event.moment?.id === when.moment;
      if (!due) continue;
      waiting.splice(waiting.indexOf(scripted), 1);
      run()
        .act({ actor: scripted.actor, action: scripted.action })
        .catch((error: unknown) =>
          tell(
            `--at ${whenOf(scripted)}: could not ${scripted.action} ${scripted.actor}: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
    }
  };
  return {
    onEvent,
    unreached() {
      for (const scripted of waiting)
        tell(`--at ${whenOf(scripted)}: the run never got there, so ${scripted.actor} was not sent ${scripted.action}`);
    },
  };
}
