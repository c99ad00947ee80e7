/**
 * The programs' terminals in Chromium, fed the seven-task run a real broker
 * recorded: a window per actor with what it printed, up to the moment the
 * cursor stands at, and a word when a long run's earliest lines were let go.
 */
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { ActorOutput } from '../../client/src/run/actor-output.js';
import type { ActorTerminalsElement } from '../../client/src/run/actor-terminals.js';
import '../../client/src/run/actor-terminals.js';
import type { TraceEvent } from '../../server/protocol/index.js';
import { allInShadow, inShadow, mount, settled, textOf, unmountAll } from './mount.js';
import { firstSeq, recording } from './recorded-runs.js';

/** Hands an output events the way the server sends them: a few per trace message. */
function feed(output: ActorOutput, events: TraceEvent[]): void {
  for (let start = 0; start < events.length; start += 8) {
    output.apply({ type: 'trace', runId: 'recorded', events: events.slice(start, start + 8) });
  }
}

/** Each window's title and the lines on its screen, as a learner reads them. */
function windows(terminals: ActorTerminalsElement): { title: string; lines: string[] }[] {
  return allInShadow(terminals, '.pane').map((pane) => ({
    title: textOf(pane.querySelector('.title') ?? pane),
    lines: (pane.querySelector<HTMLElement>('.screen')?.innerText ?? '').split('\n'),
  }));
}

/** The window of one actor. */
function windowOf(terminals: ActorTerminalsElement, actor: string): { title: string; lines: string[] } {
  const found = windows(terminals).find((window) => window.title === actor);
  if (found === undefined)
    throw new Error(
      `no terminal is titled ${actor}; the titles are ${windows(terminals)
        .map((window) => window.title)
        .join(', ')}`,
    );
  return found;
}

describe('<actor-terminals>', () => {
  afterEach(unmountAll);

  it('shows each actor its own terminal with every line it printed', async () => {
    const output = new ActorOutput();
    const terminals = await mount<ActorTerminalsElement>(html`<actor-terminals .output=${output}></actor-terminals>`);
    expect(textOf(terminals.shadowRoot?.firstElementChild ?? terminals)).toBe('No program has printed anything yet.');

    feed(output, recording('seven-tasks').events);
    await settled(terminals);

    expect(windows(terminals).map((window) => window.title)).toEqual(['worker 1', 'worker 2', 'producer']);
    expect(windowOf(terminals, 'producer').lines).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7].map((task) => ` [x] Sent 'Task ${task}......'`),
      '— exited with code 0 —',
    ]);
    // The lesson stops worker 1 halfway through its first task, as you would with Ctrl-C.
    expect(windowOf(terminals, 'worker 1').lines).toEqual([
      ' [*] Waiting for messages in task_queue. To exit press CTRL+C',
      " [x] Received 'Task 1......'",
      '— stop: Ctrl-C (SIGINT) sent by the lesson —',
      '— stopped with Ctrl-C by the lesson: exited with code 0 —',
    ]);
    const worker2 = windowOf(terminals, 'worker 2').lines;
    expect(worker2).toHaveLength(16);
    expect(worker2.at(-3)).toBe(" [x] Received 'Task 7......' (redelivered)");
    expect(worker2.at(-2)).toBe(' [x] Done');
  });

  it('shows only what was printed up to the cursor, and everything again when the cursor is unset', async () => {
    const output = new ActorOutput();
    feed(output, recording('seven-tasks').events);
    const received = firstSeq(
      'seven-tasks',
      (event) => event.kind === 'log' && event.actor === 'worker 1' && event.text.includes('Received'),
    );
    const terminals = await mount<ActorTerminalsElement>(html`<actor-terminals .output=${output} .cursor=${received}></actor-terminals>`);

    // Worker 1 has just received the first task; worker 2 is still waiting.
    expect(windowOf(terminals, 'worker 1').lines.at(-1)).toBe(" [x] Received 'Task 1......'");
    expect(windowOf(terminals, 'worker 2').lines).toEqual([' [*] Waiting for messages in task_queue. To exit press CTRL+C']);
    expect(windowOf(terminals, 'producer').lines).toHaveLength(7);

    terminals.cursor = firstSeq('seven-tasks', (event) => event.kind === 'log') - 1;
    await settled(terminals);
    expect(windowOf(terminals, 'worker 2').lines).toEqual(['(nothing printed yet)']);
    expect(windowOf(terminals, 'producer').lines).toEqual(['(nothing printed yet)']);

    terminals.cursor = undefined;
    await settled(terminals);
    expect(windowOf(terminals, 'worker 1').lines.at(-1)).toBe('— stopped with Ctrl-C by the lesson: exited with code 0 —');
    expect(windowOf(terminals, 'worker 2').lines).toHaveLength(16);
  });

  it('keeps the newest lines of a long run and says how many earlier ones were let go', async () => {
    const output = new ActorOutput({ maxLinesPerActor: 100 });
    const terminals = await mount<ActorTerminalsElement>(html`<actor-terminals .output=${output}></actor-terminals>`);
    const printed: TraceEvent[] = Array.from({ length: 1234 }, (_, index) => ({
      kind: 'log',
      seq: index + 1,
      time: index,
      actor: 'worker 1',
      text: ` [x] Received 'Task ${index + 1}'`,
    }));
    feed(output, printed);
    await settled(terminals);

    expect(textOf(inShadow(terminals, '.let-go'))).toBe('1,134 earlier lines let go to keep memory bounded');
    const lines = windowOf(terminals, 'worker 1').lines;
    expect(lines).toHaveLength(100);
    expect(lines[0]).toBe(" [x] Received 'Task 1135'");
    expect(lines.at(-1)).toBe(" [x] Received 'Task 1234'");

    // The screen follows the newest line: its bottom is in view.
    const screen = inShadow(terminals, '.screen');
    expect(screen.scrollTop + screen.clientHeight).toBeGreaterThanOrEqual(screen.scrollHeight - 4);

    // A moment among the lines let go: the pane says so rather than showing nothing as if nothing was printed.
    terminals.cursor = 500;
    await settled(terminals);
    expect(textOf(inShadow(terminals, '.let-go'))).toBe(
      'Lines up to this moment were let go to keep memory bounded; this pane keeps the newest lines only.',
    );
  });

  it('stays where the learner scrolled while new lines come, until asked to follow again', async () => {
    const output = new ActorOutput();
    const terminals = await mount<ActorTerminalsElement>(html`<actor-terminals .output=${output}></actor-terminals>`);
    const line = (seq: number): TraceEvent => ({ kind: 'log', seq, time: seq, actor: 'producer', text: ` [x] Sent 'Message ${seq}'` });
    feed(
      output,
      Array.from({ length: 60 }, (_, index) => line(index + 1)),
    );
    await settled(terminals);
    const screen = inShadow(terminals, '.screen');
    // The screen's own scrolling, heard after more lines came in, is not the learner scrolling up.
    screen.style.paddingBottom = '20rem';
    screen.dispatchEvent(new Event('scroll'));
    await settled(terminals);
    expect(allInShadow(terminals, 'button.newest')).toEqual([]);
    screen.style.paddingBottom = '';

    screen.scrollTop = 0;
    screen.dispatchEvent(new Event('scroll'));
    await settled(terminals);

    feed(output, [line(61), line(62)]);
    await settled(terminals);
    expect(screen.scrollTop).toBe(0);
    const follow = inShadow(terminals, 'button.newest');
    expect(textOf(follow)).toBe('↓ Newest line');

    follow.click();
    await settled(terminals);
    expect(screen.scrollTop + screen.clientHeight).toBeGreaterThanOrEqual(screen.scrollHeight - 4);
    expect(screen.innerText.split('\n').at(-1)).toBe(" [x] Sent 'Message 62'");
  });
});
