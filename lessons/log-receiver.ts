/**
 * The log receiver of tutorials 3, 4 and 5, as the three lessons share it: a
 * temporary queue of its own, bound to the exchange (once, or once per key),
 * printing every message it gets until you press Ctrl-C. This file says what
 * differs between the lessons' receivers; log-receiver.javascript.ts and
 * log-receiver.python.ts write the program.
 */
import type { RunView } from '../server/programs/cell.js';

/** What differs between the receivers of the three tutorials. */
export interface LogReceiver {
  actor: string;
  /** The tutorial's program it follows, without its extension: 'receive_logs_direct'. */
  follows: string;
  does: string;
  exchange: string;
  type: 'fanout' | 'direct' | 'topic';
  /** The binding keys, one binding each; none for a fanout exchange, which binds once. */
  keys?: {
    /** What the program calls them: 'severities', 'patterns'. */
    name: string;
    /** What it calls one of them: 'severity', 'pattern'. */
    item: string;
    values: string[];
    /** The waiting line's words when the list is empty, e.g. 'no severity at all'. */
    none: string;
    /** Why one binding per key. */
    comment: string;
  };
}

/** The name of the `number`-th receiver. */
export function receiverName(number: number): string {
  return `receiver ${number}`;
}

/** The receivers' names, in the order they start: receiver 1, receiver 2, ... */
export function receiverNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => receiverName(index + 1));
}

/** The first receiver's name that `taken` does not hold yet, for one more started during a run. */
export function nextFreeReceiver(taken: readonly string[]): string {
  let number = 1;
  while (taken.includes(receiverName(number))) number += 1;
  return receiverName(number);
}

/** Which receiver an actor's name is (1 for 'receiver 1'), or undefined when it is none of them. */
export function receiverNumber(actor: string): number | undefined {
  const match = /^receiver ([1-9]\d*)$/.exec(actor);
  return match === null ? undefined : Number(match[1]);
}

/** A line a receiver prints once it is bound and consuming: the next program may start. */
export const RECEIVER_READY = /^ \[\*\] Waiting for .* To exit press CTRL\+C$/;

/** A line a receiver prints for each message it gets. */
export const RECEIVED = /^ \[x\] /;

/** Whether every one of `receivers` has printed its ready line: bound and consuming. */
export function receiversReady(run: RunView, receivers: readonly string[]): boolean {
  return receivers.every((actor) => run.lines(actor).some((line) => RECEIVER_READY.test(line)));
}
