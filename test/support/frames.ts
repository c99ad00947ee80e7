/**
 * Frame events written by hand for tests of the run model: only the fields a
 * case is about are given, the rest left out. Connections are numbered by
 * actor, as the tap numbers them by connection.
 */
import type { FrameDirection, FrameEvent, FrameMethod, FrameOf } from '../../server/protocol/trace.js';
import type { NewTraceEvent } from '../../server/trace/recorder.js';

const connectionNumbers = new Map<string, number>();

/** The tap's number for an actor's connection in these tests. */
export function connectionOf(actor: string): number {
  let number = connectionNumbers.get(actor);
  if (number === undefined) {
    number = connectionNumbers.size + 1;
    connectionNumbers.set(actor, number);
  }
  return number;
}

/** A frame event without seq and time (a recorder adds them), with some of its method's fields. */
export function frame<M extends FrameMethod>(
  actor: string,
  direction: FrameDirection,
  channel: number,
  method: M,
  fields: Partial<FrameOf<M>['fields']> = {},
  message?: FrameEvent['message'],
): NewTraceEvent {
  // A test names only the fields its case is about; the model reads only those.
  const event = { kind: 'frame', actor, connection: connectionOf(actor), direction, channel, method, fields } as NewTraceEvent;
  return message === undefined ? event : ({ ...event, message } as NewTraceEvent);
}
