/**
 * One trace event in a few words, for the scrubber's label and its screen
 * reader text: "basic.ack from worker 2", "broker routed a message to task_queue".
 */
import type { TraceEvent } from '../../../server/protocol/index.js';
import { restartText } from '../../../server/model/restart-words.js';
import { processNoteText } from './process-notes.js';

/** `laneOf` gives the name an actor goes by ("connection 2" until it named itself). */
export function eventSummary(event: TraceEvent, laneOf: (actor: string) => string = (actor) => actor): string {
  switch (event.kind) {
    case 'frame':
      return `${event.method} ${event.direction === 'to-broker' ? 'from' : 'to'} ${laneOf(event.actor)}`;
    case 'broker':
      return event.queues.length > 0
        ? `broker ${event.decision} a message to ${event.queues.join(', ')}`
        : `broker: message ${event.decision}`;
    case 'log':
      if (event.process !== undefined) return `${laneOf(event.actor)}: ${processNoteText(event.process, event.lost?.length ?? 0)}`;
      return `${laneOf(event.actor)} printed a line${event.stream === 'stderr' ? ' on stderr' : ''}`;
    case 'state':
      return event.moment === undefined ? 'broker snapshot' : `broker snapshot: ${event.moment.title}`;
    case 'restart':
      return restartText(event);
    case 'gap':
      return 'events not recorded';
  }
}
