/**
 * The workbook's keyboard shortcuts: what each key does, and when a key press
 * is one. Keys typed into a field are the learner's text, never a shortcut.
 * Run shortcuts act on the cell the learner is at: the one holding the focus,
 * else the one in view (lesson-page.ts decides).
 */

/** What a shortcut does. */
export type ShortcutAction = 'run' | 'step' | 'pause' | 'stop' | 'help' | 'presenter' | 'theme';

/** A shortcut with the key shown for it and what it does, in words. */
export interface Shortcut {
  key: string;
  action: ShortcutAction;
  description: string;
}

/** Every shortcut, in the order the help lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'r', action: 'run', description: 'Run the cell you are at' },
  { key: 's', action: 'step', description: 'Step: let one protocol event through (starts a run paused if none is going)' },
  { key: 'p', action: 'pause', description: 'Pause or resume the run' },
  { key: 'x', action: 'stop', description: 'Stop the run' },
  { key: 'f', action: 'presenter', description: 'Presenter mode on or off' },
  { key: 't', action: 'theme', description: 'Switch between light and dark' },
  { key: '?', action: 'help', description: 'Show or hide these shortcuts' },
];

/** The action a key press asks for, or undefined when it is not a shortcut (typing, a modifier held). */
export function shortcutFor(event: KeyboardEvent): ShortcutAction | undefined {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return undefined;
  if (isTyping(event)) return undefined;
  return SHORTCUTS.find((shortcut) => shortcut.key === event.key.toLowerCase())?.action;
}

/** Whether the key press lands in something that takes text (looking inside shadow roots). */
function isTyping(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0];
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'range', 'button', 'submit', 'reset'].includes(target.type);
  }
  return false;
}
