/**
 * How the sequence view writes an actor's printed lines as notes: whole, never
 * cut, and lines printed one after another (the topics lesson's table of
 * where each routing key went) as a block that keeps its columns: the same
 * indentation taken off each, and one width for all, so they line up.
 */
import type { ActorLogEvent } from '../../../server/protocol/index.js';
import type { RowEvent } from './sequence-rows.js';

/** How far a block is looked for either side of a note: a table longer than this is laid out in parts. */
const MAX_BLOCK_REACH = 50;

/** A note as the sequence view writes it. */
export interface LogNote {
  /** The line without the indentation its block shares and without trailing spaces; several lines stay several. */
  text: string;
  /** The widest line of its block, in characters. */
  width: number;
}

/**
 * The note for the log row at `index`, the rows' events read with `rowAt`:
 * `sameLane` tells whether another row was printed by the same actor, so that
 * consecutive lines of one actor form one block.
 */
export function logNote(
  rowAt: (index: number) => RowEvent | undefined,
  index: number,
  sameLane: (other: ActorLogEvent) => boolean,
): LogNote {
  const event = rowAt(index);
  if (event?.kind !== 'log') return { text: '', width: 0 };
  const block = [event];
  for (let at = index - 1; at >= Math.max(0, index - MAX_BLOCK_REACH); at -= 1) {
    const other = rowAt(at);
    if (other?.kind !== 'log' || !sameLane(other)) break;
    block.push(other);
  }
  for (let at = index + 1; at <= index + MAX_BLOCK_REACH; at += 1) {
    const other = rowAt(at);
    if (other?.kind !== 'log' || !sameLane(other)) break;
    block.push(other);
  }
  const blockLines = block.flatMap((line) => linesOf(line.text)).filter((line) => line !== '');
  const indent = blockLines.length === 0 ? 0 : Math.min(...blockLines.map((line) => line.length - line.trimStart().length));
  const width = Math.max(0, ...blockLines.map((line) => line.length - indent));
  return {
    text: linesOf(event.text)
      .map((line) => line.slice(indent))
      .join('\n'),
    width,
  };
}

/** A printed text's lines, trailing spaces and a final line break left out. */
function linesOf(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => line.trimEnd());
}
