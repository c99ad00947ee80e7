/**
 * What a person does to a run's programs and sees of it, in Chromium: the
 * terminals' buttons to kill a program, stop it with Ctrl-C or start another,
 * what happened to each process written apart from what it printed, a line on
 * stderr marked, the server's reply to an action (a failure as an alert), and
 * the switch between the programs' languages.
 */
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../client/src/app/language-switch.js';
import type { LanguageSwitch } from '../../client/src/app/language-switch.js';
import { programLanguage } from '../../client/src/app/program-language.js';
import '../../client/src/app/run-cell.js';
import type { RunCellElement } from '../../client/src/app/run-cell.js';
import { WorkbookSocket, type RunListener } from '../../client/src/app/workbook-socket.js';
import { ActorOutput } from '../../client/src/run/actor-output.js';
import '../../client/src/run/actor-terminals.js';
import type { ActorActionRequest } from '../../client/src/run/actor-actions.js';
import type { ActorTerminalsElement } from '../../client/src/run/actor-terminals.js';
import type { ActorLogEvent, ClientMessage, ServerMessage } from '../../server/protocol/index.js';
import { allInShadow, inShadow, mount, settled, textOf, unmountAll } from './mount.js';

let seq = 0;

/** A log event as the runner records it. */
function log(actor: string, text: string, more: Partial<ActorLogEvent> = {}): ActorLogEvent {
  seq += 1;
  return { kind: 'log', seq, time: seq * 10, actor, text, ...more };
}

/** A worker that waited, received a task, and was killed by hand holding it; a producer that sent and left. */
function killedWorkerRun(): ActorLogEvent[] {
  return [
    log('worker 1', ' [*] Waiting for messages in task_queue. To exit press CTRL+C'),
    log('worker 2', ' [*] Waiting for messages in task_queue. To exit press CTRL+C'),
    log('producer', " [x] Sent 'Task 1.'"),
    log('producer', '(exited with code 0)', { process: { what: 'ended', code: 0, signal: null } }),
    log('worker 1', " [x] Received 'Task 1.'"),
    log('worker 1', '(kill: SIGKILL sent)', { process: { what: 'kill', by: 'you' } }),
    log('worker 1', '(killed (SIGKILL) by you)', {
      process: { what: 'ended', code: null, signal: 'SIGKILL', action: 'kill', by: 'you' },
    }),
    log('worker 2', 'Traceback (most recent call last):', { stream: 'stderr' }),
    log('worker 3', '(started by you)', { process: { what: 'start', by: 'you' } }),
  ];
}

/** Each terminal's lines as a person reads them. */
function linesOf(terminals: ActorTerminalsElement, actor: string): string[] {
  const pane = allInShadow(terminals, '.pane').find((candidate) => candidate.dataset.actor === actor);
  return (pane?.querySelector<HTMLElement>('.screen')?.innerText ?? '').split('\n');
}

/** The names of the buttons a terminal offers. */
function buttonsOf(terminals: ActorTerminalsElement, actor: string): string[] {
  const pane = allInShadow(terminals, '.pane').find((candidate) => candidate.dataset.actor === actor);
  return [...(pane?.querySelectorAll('button') ?? [])].map((button) => button.getAttribute('aria-label') ?? textOf(button));
}

describe('the terminals during a run', () => {
  afterEach(unmountAll);

  it("write what happened to a program's process apart from what it printed, and mark stderr", async () => {
    const output = new ActorOutput();
    output.apply({ type: 'trace', runId: 'r', events: killedWorkerRun() });
    const terminals = await mount<ActorTerminalsElement>(html`<actor-terminals .output=${output}></actor-terminals>`);

    expect(linesOf(terminals, 'worker 1')).toEqual([
      ' [*] Waiting for messages in task_queue. To exit press CTRL+C',
      " [x] Received 'Task 1.'",
      '— kill: SIGKILL sent by you —',
      '— killed (SIGKILL) by you —',
    ]);
    expect(linesOf(terminals, 'producer')).toEqual([" [x] Sent 'Task 1.'", '— exited with code 0 —']);
    expect(linesOf(terminals, 'worker 2').at(-1)).toBe('stderr Traceback (most recent call last):');
    const pane = allInShadow(terminals, '.pane').find((candidate) => candidate.dataset.actor === 'worker 2');
    expect(pane?.querySelector('.stderr .stream')?.textContent).toBe('stderr');
  });

  it('offer kill and stop on a running program, only "start another" on an ended one, and nothing once the run is over', async () => {
    const output = new ActorOutput();
    output.apply({ type: 'trace', runId: 'r', events: killedWorkerRun() });
    const another = { 'worker 1': 'start another', 'worker 2': 'start another', producer: 'send one more' };
    const requests: ActorActionRequest[] = [];
    const terminals = await mount<ActorTerminalsElement>(
      html`<actor-terminals
        .output=${output}
        .actions=${{ another }}
        @actor-action=${(event: CustomEvent<ActorActionRequest>) => requests.push(event.detail)}
      ></actor-terminals>`,
    );

    expect(buttonsOf(terminals, 'worker 2')).toEqual(['Kill worker 2', 'Stop worker 2', 'Start another (worker 2)']);
    expect(buttonsOf(terminals, 'worker 1')).toEqual(['Start another (worker 1)']);
    expect(buttonsOf(terminals, 'producer')).toEqual(['Send one more (producer)']);
    // A worker started during the run offers what the other workers do.
    expect(buttonsOf(terminals, 'worker 3')).toEqual(['Kill worker 3', 'Stop worker 3', 'Start another (worker 3)']);

    // Real buttons: reached and pressed from the keyboard.
    await page.getByRole('button', { name: 'Kill worker 2' }).click();
    inShadow(terminals, 'button[aria-label="Stop worker 2"]').focus();
    await userEvent.keyboard('{Enter}');
    await page.getByRole('button', { name: 'Send one more (producer)' }).click();
    expect(requests).toEqual([
      { actor: 'worker 2', action: 'kill' },
      { actor: 'worker 2', action: 'stop' },
      { actor: 'producer', action: 'another' },
    ]);

    terminals.actions = undefined;
    await settled(terminals);
    expect(allInShadow(terminals, 'button')).toEqual([]);
  });
});

/** A socket that records what a cell sends and lets the test answer as the server would. */
class ScriptedSocket extends WorkbookSocket {
  readonly sent: ClientMessage[] = [];
  private listener: RunListener | undefined;

  constructor() {
    super('ws://127.0.0.1:9/unused');
    this.state = 'open';
  }

  override send(message: ClientMessage): boolean {
    this.sent.push(message);
    return true;
  }

  override listen(_runId: string, listener: RunListener): () => void {
    this.listener = listener;
    return () => {
      this.listener = undefined;
    };
  }

  /** The server says this about the cell's run. */
  answer(message: ServerMessage): void {
    this.listener?.message(message);
  }
}

describe('a run cell acting on its programs', () => {
  afterEach(() => {
    unmountAll();
    programLanguage().choose('javascript');
  });

  it('runs in the chosen language, sends the act message, and shows the reply, a failure as an alert', async () => {
    programLanguage().choose('python');
    const socket = new ScriptedSocket();
    const cell = await mount<RunCellElement>(
      html`<run-cell lesson="02-work-queues" cell="seven-tasks" .socket=${socket} .another=${{ 'worker 1': 'start another' }}></run-cell>`,
    );
    cell.run();
    const run = socket.sent[0];
    if (run?.type !== 'run') throw new Error(`the cell sent ${JSON.stringify(run)} first, not a run`);
    expect(run.language).toBe('python');
    socket.answer({ type: 'status', runId: run.runId, status: 'running' });
    socket.answer({ type: 'trace', runId: run.runId, events: killedWorkerRun().slice(0, 2) });
    await settled(cell);

    const terminals = inShadow(cell, 'actor-terminals');
    await settled(terminals);
    await page.getByRole('button', { name: 'Kill worker 1' }).click();
    expect(socket.sent.at(-1)).toEqual({ type: 'act', runId: run.runId, actor: 'worker 1', action: 'kill' });

    socket.answer({ type: 'acted', runId: run.runId, actor: 'worker 1', action: 'kill', ok: true, text: 'worker 1 killed' });
    await settled(cell);
    expect(textOf(inShadow(cell, '.acted[role="status"]'))).toBe('Worker 1 killed');

    socket.answer({ type: 'acted', runId: run.runId, actor: 'worker 1', action: 'stop', ok: false, text: 'worker 1 is not running' });
    await settled(cell);
    expect(textOf(inShadow(cell, '.acted[role="alert"]'))).toBe('Could not stop worker 1: worker 1 is not running');
  });

  it('offers no Python run where the server cannot run Python, saying what to install', async () => {
    programLanguage().choose('python');
    const socket = new ScriptedSocket();
    socket.pythonProblem = 'Python programs need pika: install it (apt-get install -y python3-pika).';
    const cell = await mount<RunCellElement>(html`<run-cell lesson="01-hello-world" cell="hello" .socket=${socket}></run-cell>`);

    expect(inShadow(cell, 'button[title="Run (r)"]').hasAttribute('disabled')).toBe(true);
    expect(textOf(inShadow(cell, '#blocked'))).toContain('Python programs cannot run on this server: choose JavaScript, or');
    const languageSwitch = inShadow(cell, 'language-switch');
    expect(textOf(inShadow(languageSwitch, '#python-problem'))).toContain('apt-get install -y python3-pika');
    cell.run();
    expect(socket.sent).toEqual([]);

    await page.getByRole('button', { name: 'JavaScript' }).click();
    await settled(cell);
    expect(inShadow(cell, 'button[title="Run (r)"]').hasAttribute('disabled')).toBe(false);
  });
});

describe('<language-switch>', () => {
  afterEach(() => {
    unmountAll();
    programLanguage().choose('javascript');
  });

  it('chooses the language for the whole page, and says when a cell has its programs in one language only', async () => {
    const both = await mount<LanguageSwitch>(html`<language-switch></language-switch>`);
    const javascriptOnly = await mount<LanguageSwitch>(html`<language-switch .languages=${['javascript']}></language-switch>`);
    const pressed = (element: LanguageSwitch): string[] =>
      allInShadow(element, 'button[aria-pressed="true"]').map((button) => textOf(button));
    expect(pressed(both)).toEqual(['JavaScript']);

    await page.getByRole('button', { name: 'Python' }).first().click();
    await settled(both);
    await settled(javascriptOnly);
    expect(programLanguage().value).toBe('python');
    expect(localStorage.getItem('warren.language')).toBe('python');
    expect(pressed(both)).toEqual(['Python']);
    expect(pressed(javascriptOnly)).toEqual(['JavaScript']);
    expect(textOf(inShadow(javascriptOnly, '.note'))).toBe("This cell's programs exist in JavaScript only.");
    expect(inShadow(javascriptOnly, 'button[aria-pressed="false"]').hasAttribute('disabled')).toBe(true);
  });
});
