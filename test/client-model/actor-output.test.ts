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
          { seq: 2, time: 2, text: ' Where each routing key went:', source: 'stdout' },
          { seq: 2, time: 2, text: '   a.b  -> receiver 1', source: 'stdout' },
          { seq: 2, time: 2, text: '   c.d  -> receiver 2', source: 'stdout' },
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

describe("a program's process in its terminal", () => {
  it('writes what happened to the process in words, apart from what it printed, and knows whether the program runs now', () => {
    const output = outputOf([
      printed(1, 'worker 1', ' [*] Waiting for messages in task_queue. To exit press CTRL+C'),
      { kind: 'log', seq: 2, time: 2, actor: 'worker 1', text: 'Traceback (most recent call last):', stream: 'stderr' },
      { kind: 'log', seq: 3, time: 3, actor: 'worker 1', text: '(stop: Ctrl-C sent)', process: { what: 'stop', by: 'plan' } },
    ]);
    expect(output.isRunning('worker 1')).toBe(true);
    output.apply({
      type: 'trace',
      runId: 'run',
      events: [
        {
          kind: 'log',
          seq: 4,
          time: 4,
          actor: 'worker 1',
          text: '(killed (SIGKILL) by the lesson; 2 messages in hand lost)',
          process: { what: 'ended', code: null, signal: 'SIGKILL', action: 'kill', by: 'plan' },
          lost: [
            { channel: 1, deliveryTag: 1 },
            { channel: 1, deliveryTag: 2 },
          ],
        },
      ],
    });
    const [terminal] = output.upTo(undefined);
    expect(terminal?.lines.map(({ text, source }) => [source, text])).toEqual([
      ['stdout', ' [*] Waiting for messages in task_queue. To exit press CTRL+C'],
      ['stderr', 'Traceback (most recent call last):'],
      ['process', 'stop: Ctrl-C (SIGINT) sent by the lesson'],
      ['process', 'killed (SIGKILL) by the lesson; 2 messages in hand lost'],
    ]);
    expect(output.isRunning('worker 1')).toBe(false);
    expect(output.isRunning('worker 2')).toBe(false);

    // Started again by you: it runs again.
    output.apply({
      type: 'trace',
      runId: 'run',
      events: [{ kind: 'log', seq: 5, time: 5, actor: 'worker 1', text: '(started by you)', process: { what: 'start', by: 'you' } }],
    });
    expect(output.isRunning('worker 1')).toBe(true);
    expect(output.upTo(undefined)[0]?.lines.at(-1)?.text).toBe('started by you');
  });
});
