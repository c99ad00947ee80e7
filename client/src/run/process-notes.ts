/**
 * What happened to a program's process, in a learner's words, as the
 * terminals and the sequence list write it apart from what the program
 * printed: "SIGKILL sent by you", "killed (SIGKILL) by you", "stopped with
 * Ctrl-C by the lesson: exited with code 0". Plain TypeScript, no DOM.
 */
import type { ActorLogEvent, ActorProcessNote } from '../../../server/protocol/trace.js';

/** Who did it, as the note says it. */
function byWhom(by: 'you' | 'plan' | undefined): string {
  return by === 'you' ? 'you' : 'the lesson';
}

/** How a program's process ended, or what was done to it. */
export function processNoteText(note: ActorProcessNote, lost = 0): string {
  switch (note.what) {
    case 'start':
      return note.by === 'you' ? 'started by you' : 'started';
    case 'kill':
      return `kill: SIGKILL sent by ${byWhom(note.by)}`;
    case 'stop':
      return `stop: Ctrl-C (SIGINT) sent by ${byWhom(note.by)}`;
    case 'ended': {
      const end = note.signal !== null ? `ended by ${note.signal}` : `exited with code ${note.code ?? 0}`;
      const how =
        note.action === 'kill'
          ? `killed (SIGKILL) by ${byWhom(note.by)}`
          : note.action === 'stop'
            ? `stopped with Ctrl-C by ${byWhom(note.by)}: ${end}`
            : note.action === 'restart'
              ? `ended with the broker's restart, asked by ${byWhom(note.by)}: ${end}`
              : end;
      return lost === 0 ? how : `${how}; ${lost} message${lost === 1 ? '' : 's'} in hand lost`;
    }
  }
}

/** A log event's text as a view writes it: a process note in words, a printed line as printed. */
export function logText(event: ActorLogEvent): string {
  return event.process === undefined ? event.text : processNoteText(event.process, event.lost?.length ?? 0);
}
