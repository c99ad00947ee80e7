/**
 * What each actor printed, as its terminal keeps it: one line per printed
 * line, up to a moment, within bounds however long the run.
 */
import { describe, expect, it } from 'vitest';
import { ActorOutput } from '../../client/src/run/actor-output.js';
import type { TraceEvent } from '../../server/protocol/index.js';

function printed(seq: number, actor: string, text: string): TraceEvent {
  return { kind: 'log', seq, time: seq, actor, text };
}

function outputOf(events: TraceEvent[], options = {}): ActorOutput {
  const output = new ActorOutput(options);
  output.apply({ type: 'trace', runId: 'run', events });
  return output;
}

describe('ActorOutput', () => {
  it('gives each line of a multi-line print its own line, and ignores everything but printed lines', () => {
    const output = outputOf([
      { kind: 'gap', seq: 1, time: 1, dropped: 3, counts: { 'basic.deliver': 3 } },
      printed(2, 'producer', ' Where each routing key went:\r\n   a.b  -> receiver 1\n   c.d  -> receiver 2\n'),
    ]);
    expect(output.upTo(undefined)).toEqual([
      {
        actor: 'producer',
        lines: [
          { seq: 2, time: 2, text: ' Where each routing key went:' },
          { seq: 2, time: 2, text: '   a.b  -> receiver 1' },
          { seq: 2, time: 2, text: '   c.d  -> receiver 2' },
        ],
        letGo: 0,
        momentLetGo: false,
      },
    ]);
  });

  it('keeps the beginning of an overlong line and says how much of it was let go', () => {
    const output = outputOf([printed(1, 'producer', 'x'.repeat(25))], { maxLineLength: 10 });
    expect(output.upTo(undefined)[0]?.lines[0]?.text).toBe('xxxxxxxxxx … (15 more characters of this line were let go)');
  });

  it('knows how many lines before a moment were let go only when they all came before it', () => {
    const output = outputOf(
      Array.from({ length: 10 }, (_, index) => printed(index + 1, 'worker 1', `line ${index + 1}`)),
      { maxLinesPerActor: 4 },
    );
    const atEnd = output.upTo(undefined)[0];
    expect(atEnd?.lines.map((line) => line.text)).toEqual(['line 7', 'line 8', 'line 9', 'line 10']);
    expect(atEnd?.letGo).toBe(6);
    expect(output.upTo(8)[0]).toMatchObject({ letGo: 6, momentLetGo: false });
    expect(output.upTo(8)[0]?.lines.map((line) => line.text)).toEqual(['line 7', 'line 8']);
    expect(output.upTo(5)[0]).toMatchObject({ lines: [], momentLetGo: true });
  });

  it('refuses bounds that are not whole positive numbers, naming what is allowed', () => {
    expect(() => new ActorOutput({ maxLinesPerActor: 0 })).toThrow('maxLinesPerActor must be a whole number of at least 1, not 0');
    expect(() => new ActorOutput({ maxLineLength: 2.5 })).toThrow('maxLineLength must be a whole number of at least 1, not 2.5');
  });

  it('forgets every line when reset, and tells its listeners', () => {
    const output = outputOf([printed(1, 'producer', " [x] Sent 'Hello World!'")]);
    let told = 0;
    output.subscribe(() => {
      told += 1;
    });
    output.reset();
    expect(output.actors()).toEqual([]);
    expect(told).toBe(1);
  });
});
