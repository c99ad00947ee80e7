/**
 * What a person can do to a running program, wherever the page offers it (its
 * terminal, its box in the picture): kill it, stop it with Ctrl-C, start
 * another copy of it or send once more. One list, so every place offers the
 * same actions under the same names.
 */

/** What a person asks of one actor's program. */
export interface ActorActionRequest {
  actor: string;
  /** kill: SIGKILL, a crash; stop: Ctrl-C; another: start one more copy (or send one more). */
  action: 'kill' | 'stop' | 'another';
}

/** The actions a run offers besides kill and stop, while it goes. */
export interface RunActions {
  /** What each actor can start more of, as its button says it ("start another", "send again"). */
  another: Readonly<Record<string, string>>;
}

/** One action offered on one actor, with the words for it. */
export interface OfferedAction {
  action: ActorActionRequest['action'];
  /** What the control says: "Kill", "Stop (Ctrl-C)", "Start another". */
  label: string;
  /** Its accessible name, naming the actor: "Kill worker 1". */
  name: string;
  /** What it does, for a tooltip. */
  hint: string;
}

declare global {
  interface HTMLElementEventMap {
    'actor-action': CustomEvent<ActorActionRequest>;
  }
}

/**
 * The actions on `actor`: kill and stop while its program runs, and starting more of it where the run offers that
 * (an ended program offers only that).
 */
export function offeredActions(actor: string, actions: RunActions, running: boolean): OfferedAction[] {
  const offered: OfferedAction[] = [];
  if (running) {
    offered.push(
      { action: 'kill', label: 'Kill', name: `Kill ${actor}`, hint: 'Kill: SIGKILL, as if the program crashed' },
      { action: 'stop', label: 'Stop (Ctrl-C)', name: `Stop ${actor}`, hint: "Stop: Ctrl-C, the program's own way out" },
    );
  }
  const another = anotherOf(actor, actions.another);
  if (another !== undefined) {
    const label = capitalised(another);
    offered.push({ action: 'another', label, name: `${label} (${actor})`, hint: `${label}: one more of ${actor}'s program` });
  }
  return offered;
}

/** Asks for an action from `from`: the event bubbles out of shadow roots to the run cell. */
export function requestActorAction(from: Element, actor: string, action: ActorActionRequest['action']): void {
  from.dispatchEvent(new CustomEvent<ActorActionRequest>('actor-action', { detail: { actor, action }, bubbles: true, composed: true }));
}

/**
 * What `actor` can start more of: its own action, or for a copy started during the run ("worker 3"), the action of
 * the actors of its kind ("worker 1", "worker 2").
 */
function anotherOf(actor: string, another: Readonly<Record<string, string>>): string | undefined {
  const own = another[actor];
  if (own !== undefined) return own;
  const kind = /^(.*) \d+$/.exec(actor)?.[1];
  if (kind === undefined) return undefined;
  return Object.entries(another).find(([other]) => /^(.*) \d+$/.exec(other)?.[1] === kind)?.[1];
}

/** A label as a button starts it: "send again" reads "Send again". */
function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The actions a run offers on its programs, with whether each one runs now. */
export interface ProgramActions extends RunActions {
  isRunning(actor: string): boolean;
}
