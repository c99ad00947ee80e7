/** What a cell's programs printed, read the way the lessons talk about it. */
import type { ProgramResult } from './run-programs.js';

/** The printed lines of every actor of one cell. */
export class CellOutput {
  constructor(readonly results: ProgramResult[]) {}

  /** Everything `actor` printed, in order. */
  of(actor: string): string[] {
    const result = this.results.find((candidate) => candidate.actor === actor);
    if (result === undefined) throw new Error(`no program for ${actor}; the actors are ${this.results.map((r) => r.actor).join(', ')}`);
    return result.lines;
  }

  /** How often `actor` printed exactly `line`; every actor together when `actor` is undefined. */
  count(actor: string | undefined, line: string): number {
    const lines = actor === undefined ? this.results.flatMap((result) => result.lines) : this.of(actor);
    return lines.filter((candidate) => candidate === line).length;
  }

  /** The lines of `actor` that start with `prefix`. */
  starting(actor: string, prefix: string): string[] {
    return this.of(actor).filter((line) => line.startsWith(prefix));
  }

  /** Every actor's output, for a failure message. */
  toString(): string {
    return this.results
      .map((result) =>
        [`--- ${result.actor} (exit ${String(result.exitCode)}${result.killed ? ', killed' : ''})`, ...result.lines, result.stderr].join(
          '\n',
        ),
      )
      .join('\n');
  }
}
