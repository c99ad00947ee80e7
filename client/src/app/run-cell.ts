import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RunFailure, ServerMessage } from '../../../server/protocol/messages.js';
import type { NamedMoment } from '../../../server/protocol/trace.js';
import { PROGRAM_LANGUAGES } from '../../../server/protocol/lesson.js';
import { ActorOutput } from '../run/actor-output.js';
import type { ActorActionRequest, ProgramActions } from '../run/actor-actions.js';
import '../run/actor-terminals.js';
import { CursorPacer } from '../run/cursor-pacer.js';
import { ModelWatcher } from '../run/model-watcher.js';
import { RunModel } from '../run/run-model.js';
import '../run/run-output.js';
import '../run/run-timeline.js';
import { baseStyles, buttonStyles, inputStyles, srOnlyStyles } from '../styles/controls.js';
import { icon } from './icons.js';
import { progress } from './progress.js';
import { ACTIVE_STATUSES, statusLook, type CellStatus } from './run-status.js';
import './language-switch.js';
import { LANGUAGE_NAMES, languageOfCell } from './languages.js';
import { programLanguage, type ProgramLanguage } from './program-language.js';
import { ANIMATION_SPEEDS, settings } from './settings.js';
import { STEP_GROUPS_HANDSHAKES, handshakeNote, handshakesEnded } from './step-handshakes.js';
import { ConnectionStateEvent, workbookSocket, type WorkbookSocket } from './workbook-socket.js';
import { downloadTraceFile } from '../trace/download-trace-file.js';

/** What a run cell reports when its status changes. */
export interface RunStatusChange {
  cell: string;
  status: CellStatus;
}

declare global {
  interface HTMLElementEventMap {
    'run-status-change': CustomEvent<RunStatusChange>;
    /** A view asks the cell to move its cursor to the event with this seq. */
    'cursor-request': CustomEvent<{ seq: number }>;
  }
  interface HTMLElementTagNameMap {
    'run-cell': RunCellElement;
  }
}

/** What a dropped connection does to a run, in the learner's words. */
const INTERRUPTED: RunFailure = {
  explanation:
    'The connection to the workbook server was lost while this run was going, so the server stopped it. ' +
    'The page reconnects by itself; run the cell again once it has.',
  raw: 'WebSocket closed during the run',
};

let runCount = 0;

/** A reply's text as a sentence starts: "worker 1 killed" reads "Worker 1 killed". */
function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An action in the words of "Could not … worker 1". */
function actionWords(action: 'kill' | 'stop' | 'another' | 'restart'): string {
  return action === 'another' ? 'start another copy of' : action;
}

/**
 * A run cell's controls and output: Run, Step, Pause/Resume, Stop and Reset
 * over the page's WebSocket, the run's status (a word and an icon, announced
 * to screen readers), a failure's explanation with the raw error beneath,
 * each program's output in `<actor-terminals>` and `<run-output>` showing the run.
 * Save trace downloads the run as a trace file (server/protocol/trace-file.ts),
 * which the /trace page opens again.
 *
 * Attribute `data-status` mirrors the status (idle, starting, running, paused,
 * finished, stopped, failed, interrupted).
 *
 * @fires run-status-change - when the status changes.
 */
@customElement('run-cell')
export class RunCellElement extends LitElement {
  /** The lesson's id. */
  @property() lesson = '';
  /** The lesson's and the cell's titles, as a saved trace names the run. */
  @property() runTitle = '';
  /** The run cell's id. */
  @property() cell = '';
  /** The parameters a run starts with. */
  @property({ attribute: false }) params: Record<string, unknown> = {};
  /** False while the parameters cannot be run. */
  @property({ type: Boolean }) valid = true;
  /** The named moments a run with the lesson's values reaches, in order: listed before and during a run. */
  @property({ attribute: false }) moments: NamedMoment[] = [];
  /** True when the parameters differ from the lesson's, so the run may not reach every moment listed. */
  @property({ type: Boolean }) edited = false;
  /** Whether keyboard shortcuts act on this cell (it shows their keys). */
  @property({ type: Boolean, reflect: true }) active = false;
  /** The socket runs go over; the page's own unless a test gives another. */
  @property({ attribute: false }) socket: WorkbookSocket = workbookSocket();
  /** The languages the cell's programs exist in; a run uses the page's choice when it is one of them. */
  @property({ attribute: false }) languages: readonly ProgramLanguage[] = PROGRAM_LANGUAGES;
  /** What a person can start more of during a run, by actor, as the button says it ("start another", "send again"). */
  @property({ attribute: false }) another: Readonly<Record<string, string>> = {};

  @state() private _status: CellStatus = 'idle';
  @state() private _failure: RunFailure | undefined;
  @state() private _notice = '';
  /** Actors whose opening handshake went through while the run was held. */
  @state() private _heldHandshakes: string[] = [];
  @state() private _connected = false;
  @state() private _speed = settings().value.speed;
  @state() private _presenter = settings().value.presenter;
  @state() private _chosen: ProgramLanguage = programLanguage().value;
  /** Why Python programs cannot run on the server's machine, as its hello said; unset when they can. */
  @state() private _pythonProblem: string | undefined;
  /** What the last action on a program did ("worker 1 killed"), or why it could not. */
  @state() private _acted: { ok: boolean; text: string } | undefined;
  /** A restart of the broker was asked for and has not been answered yet. */
  @state() private _restarting = false;
  /** The parameters and language the current run started with, as its saved trace says. */
  private _runSetup: { params: Record<string, unknown>; language: ProgramLanguage; broker: 'embedded' | 'rabbitmq' } | undefined;
  /** What the last "Save trace" did. */
  @state() private _saved = '';
  /** The actions a run offers besides kill and stop, as they were when it started. */
  private _runAnother: Readonly<Record<string, string>> = {};
  /** The same, with whether each program runs: what the picture's actors offer. */
  private _programActions: ProgramActions = { another: {}, isRunning: () => false };

  /** The named moment the views show, while the cursor stays on it. */
  @state() private _momentShown: (NamedMoment & { seq: number }) | undefined;
  /** A moment the prose asked for that this run has not reached yet: shown once the run has ended. */
  private _momentAwaited: NamedMoment | undefined;

  /** The views' model: one per cell, emptied for each run. */
  readonly model = new RunModel();
  /** What each of the run's programs printed. */
  readonly output = new ActorOutput();
  /** Moves the model's cursor at the animation speed, so every view shows the moment the dots draw. */
  readonly pacer = new CursorPacer(this.model);

  constructor() {
    super();
    // The model lives as long as the cell, so this listener needs no unsubscribing.
    this.model.subscribe(() => {
      if (this._momentShown !== undefined && this.model.cursor !== this._momentShown.seq) this._momentShown = undefined;
    });
    // Redraws the cell when the model changes: its terminals show the output up to the cursor.
    new ModelWatcher(this);
  }

  private _runId: string | undefined;
  private _stopListening: (() => void) | undefined;

  /** Where the cell's run is. */
  get status(): CellStatus {
    return this._status;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._connected = this.socket.state === 'open';
    this._pythonProblem = this.socket.pythonProblem;
    this._chosen = programLanguage().value;
    this.socket.addEventListener('connection-state', this.handleConnection);
    this.socket.addEventListener('broker', this.handleHello);
    programLanguage().addEventListener('change', this.handleLanguage);
    settings().addEventListener('change', this.handleSettings);
    this.addEventListener('cursor-request', this.handleCursorRequest);
    this.addEventListener('actor-action', this.handleActorAction);
    this.pacer.speed = this._speed;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.socket.removeEventListener('connection-state', this.handleConnection);
    this.socket.removeEventListener('broker', this.handleHello);
    programLanguage().removeEventListener('change', this.handleLanguage);
    settings().removeEventListener('change', this.handleSettings);
    this.removeEventListener('cursor-request', this.handleCursorRequest);
    this.removeEventListener('actor-action', this.handleActorAction);
    // Leaving the page ends its runs: the server would otherwise run them for no one.
    if (this._runId !== undefined && ACTIVE_STATUSES.has(this._status)) this.socket.send({ type: 'reset', runId: this._runId });
    this._stopListening?.();
  }

  protected override willUpdate(): void {
    this.dataset.status = this._status;
  }

  /** Starts a run; in step mode it waits at the first frame for Step. */
  run(mode: 'continuous' | 'step' = 'continuous'): void {
    if (!this.canStart) return;
    runCount += 1;
    const runId = `${this.cell.slice(0, 40)}-${Date.now().toString(36)}-${runCount}`;
    this._stopListening?.();
    this.model.reset();
    this.output.reset();
    this.pacer.restart();
    this._runId = runId;
    this._stopListening = this.socket.listen(runId, {
      message: (message) => this.handleMessage(message),
      interrupted: () => this.handleInterrupted(),
    });
    const language = this.language;
    const sent = this.socket.send({ type: 'run', runId, lesson: this.lesson, cell: this.cell, params: this.params, mode, language });
    if (!sent) {
      this._stopListening();
      this.say('Not connected to the workbook server. Wait for it to reconnect, then run again.');
      return;
    }
    this._failure = undefined;
    this._notice = '';
    this._saved = '';
    this._acted = undefined;
    this._restarting = false;
    this._runSetup = { params: this.params, language, broker: this.socket.broker?.kind ?? 'embedded' };
    this._heldHandshakes = [];
    this._runAnother = this.another;
    this._programActions = { another: this._runAnother, isRunning: (actor) => this.output.isRunning(actor) };
    this.setStatus('starting');
  }

  /** The language a run uses: the page's choice when the cell's programs exist in it, else the cell's own. */
  get language(): ProgramLanguage {
    return languageOfCell(this._chosen, this.languages);
  }

  /** Asks the server to kill or stop one of the running programs, or to start another copy of it; the reply is shown. */
  act(actor: string, action: 'kill' | 'stop' | 'another'): void {
    if (this._runId === undefined || !ACTIVE_STATUSES.has(this._status)) return;
    this._acted = undefined;
    if (!this.socket.send({ type: 'act', runId: this._runId, actor, action })) this.say('Not connected to the workbook server.');
  }

  /** Advances a going run by one protocol event, or starts one in step mode. */
  step(): void {
    if (this._runId !== undefined && ACTIVE_STATUSES.has(this._status)) this.control('step');
    else this.run('step');
  }

  /**
   * Moves the views to a named moment of the run (the prose's "while worker 1 is stopped"). A cell that has not
   * run is run first, and one that is running gets there once it has ended; a run that never reached the moment
   * says so.
   */
  showMoment(id: string, title: string): void {
    const reached = this.model.moments().find((moment) => moment.id === id);
    if (reached !== undefined && !ACTIVE_STATUSES.has(this._status)) {
      this.moveToMoment(reached);
      return;
    }
    this._momentAwaited = { id, title };
    if (ACTIVE_STATUSES.has(this._status)) {
      this.say(`Showing “${title}” once this run has ended.`);
    } else if (this._status === 'idle' && this.canStart) {
      this.run();
      this.say(`Showing “${title}” once this run has ended.`);
    } else if (this._status === 'idle') {
      this._momentAwaited = undefined;
      this.say(
        `Run this cell first to reach “${title}”: ${this.valid ? 'it can run once the page is connected to the server again.' : 'fix its parameters, then press Run.'}`,
      );
    } else {
      this.showAwaitedMoment();
    }
  }

  private moveToMoment(moment: NamedMoment & { seq: number }): void {
    this._momentAwaited = undefined;
    if (['Showing “', 'This run did not reach', 'Run this cell first'].some((start) => this._notice.startsWith(start))) this._notice = '';
    this.pacer.hold(moment.seq);
    this._momentShown = moment;
  }

  /** At the end of a run: the moment the prose asked for, or why it cannot be shown. */
  private showAwaitedMoment(): void {
    const awaited = this._momentAwaited;
    if (awaited === undefined) return;
    const reached = this.model.moments().find((moment) => moment.id === awaited.id);
    if (reached !== undefined) {
      this.moveToMoment(reached);
      return;
    }
    this._momentAwaited = undefined;
    this.say(
      `This run did not reach the moment “${awaited.title}”: with these parameters it never happens. Restore the lesson's values and run the cell again to see it.`,
    );
  }

  /**
   * Downloads the run as a trace file (warren-<lesson>-<cell>-<date>.json), with every event the cell holds;
   * says so when the cell had let the oldest go.
   */
  saveTrace(): void {
    const setup = this._runSetup;
    if (setup === undefined || this._status === 'idle' || this.model.eventCount === 0) return;
    const saved = downloadTraceFile(this.model, {
      lesson: this.lesson,
      cell: this.cell,
      title: this.runTitle,
      language: setup.language,
      broker: { kind: setup.broker },
      params: setup.params,
      status: this._status,
      failure: this._failure,
    });
    const letGo =
      saved.letGo === undefined
        ? ''
        : ` The page had let go of the run's oldest ${saved.letGo.toLocaleString('en')} events to keep its memory bounded: the file says so, and keeps their counts.`;
    this._saved = `Saved ${saved.name} (${saved.events.toLocaleString('en')} events).${letGo}`;
  }

  /** Pauses a running run, resumes a paused one. */
  togglePause(): void {
    if (this._status === 'running') this.control('pause');
    else if (this._status === 'paused') this.control('resume');
  }

  /** Stops a going run. */
  stop(): void {
    if (ACTIVE_STATUSES.has(this._status)) this.control('stop');
  }

  /** Ends and forgets the cell's run, emptying its views. */
  reset(): void {
    if (this._runId !== undefined) this.socket.send({ type: 'reset', runId: this._runId });
    this._stopListening?.();
    this._runId = undefined;
    this.model.reset();
    this.output.reset();
    this.pacer.restart();
    this._failure = undefined;
    this._notice = '';
    this._saved = '';
    this._acted = undefined;
    this._heldHandshakes = [];
    this._runSetup = undefined;
    this.setStatus('idle');
  }

  private get canStart(): boolean {
    return this.valid && this._connected && !ACTIVE_STATUSES.has(this._status) && this.languageProblem === undefined;
  }

  /** Why the run's language cannot run on the server's machine, if it cannot. */
  private get languageProblem(): string | undefined {
    return this.language === 'python' ? this._pythonProblem : undefined;
  }

  private control(type: 'pause' | 'resume' | 'step' | 'stop'): void {
    if (this._runId === undefined) return;
    if (!this.socket.send({ type, runId: this._runId })) this.say('Not connected to the workbook server.');
  }

  private handleMessage(message: ServerMessage): void {
    this.model.apply(message);
    this.output.apply(message);
    if (message.type === 'trace' && this._status === 'paused') {
      const ended = handshakesEnded(message.events);
      if (ended.length > 0) this._heldHandshakes = [...this._heldHandshakes, ...ended];
    }
    if (message.type === 'acted') {
      if (message.action === 'restart') this._restarting = false;
      this._acted = {
        ok: message.ok,
        text: message.ok ? capitalised(message.text) : `Could not ${actionWords(message.action)} ${message.actor}: ${message.text}`,
      };
    } else if (message.type === 'status') {
      this._failure = message.failure;
      this.setStatus(message.status);
      if (message.status === 'finished') progress().markFinished(this.lesson, this.cell);
      if (!ACTIVE_STATUSES.has(message.status)) this.showAwaitedMoment();
    } else if (message.type === 'error') {
      // A refused start is the run's failure; a refused control (a race with the run's end) is only worth a word.
      if (this._status === 'starting') {
        this._failure = { explanation: `The server did not start this run: ${message.message}`, raw: message.message };
        this.setStatus('failed');
      } else {
        this.say(message.message);
      }
    }
  }

  private handleInterrupted(): void {
    if (!ACTIVE_STATUSES.has(this._status)) return;
    this._failure = INTERRUPTED;
    this.setStatus('interrupted');
  }

  private readonly handleConnection = (event: Event): void => {
    if (event instanceof ConnectionStateEvent) this._connected = event.state === 'open';
  };

  private readonly handleHello = (): void => {
    this._pythonProblem = this.socket.pythonProblem;
  };

  private readonly handleLanguage = (): void => {
    this._chosen = programLanguage().value;
  };

  /** A terminal's button: kill, stop, or start another. */
  private readonly handleActorAction = (event: CustomEvent<ActorActionRequest>): void => {
    this.act(event.detail.actor, event.detail.action);
  };

  private readonly handleSettings = (): void => {
    this._speed = settings().value.speed;
    this._presenter = settings().value.presenter;
    this.pacer.speed = this._speed;
  };

  /** A view (the sequence list) asks to show the moment of one event. */
  private readonly handleCursorRequest = (event: CustomEvent<{ seq: number }>): void => {
    this.pacer.hold(event.detail.seq);
  };

  private setStatus(status: CellStatus): void {
    if (status === this._status) return;
    this._status = status;
    this.dispatchEvent(
      new CustomEvent<RunStatusChange>('run-status-change', {
        detail: { cell: this.cell, status },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private say(notice: string): void {
    this._notice = notice;
  }

  protected override render() {
    const status = this._status;
    const look = statusLook(status);
    const going = ACTIVE_STATUSES.has(status);
    const stepping = going && status !== 'starting';
    const languageProblem = this.languageProblem;
    const blocked = !this.valid
      ? 'Fix the parameters first.'
      : !this._connected
        ? 'Waiting for the connection to the server.'
        : languageProblem !== undefined
          ? `${LANGUAGE_NAMES[this.language]} programs cannot run on this server: choose JavaScript, or ${languageProblem.charAt(0).toLowerCase()}${languageProblem.slice(1)}`
          : '';
    return html`
      <div class="toolbar" role="toolbar" aria-label="Run controls">
        <button
          type="button"
          class="button primary"
          aria-keyshortcuts="r"
          title="Run (r)"
          ?disabled=${!this.canStart}
          aria-describedby=${blocked ? 'blocked' : nothing}
          @click=${() => this.run()}
        >
          ${icon('play')}Run${this.renderKey('R')}
        </button>
        <button
          type="button"
          class="button"
          aria-keyshortcuts="s"
          title="Step: one protocol event (s)"
          ?disabled=${!(stepping || this.canStart)}
          @click=${() => this.step()}
        >
          ${icon('step')}Step${this.renderKey('S')}
        </button>
        ${
          status === 'paused'
            ? html`<button type="button" class="button" aria-keyshortcuts="p" title="Resume (p)" @click=${() => this.togglePause()}>
                ${icon('play')}Resume${this.renderKey('P')}
              </button>`
            : html`<button
                type="button"
                class="button"
                aria-keyshortcuts="p"
                title="Pause (p)"
                ?disabled=${status !== 'running'}
                @click=${() => this.togglePause()}
              >
                ${icon('pause')}Pause${this.renderKey('P')}
              </button>`
        }
        <button type="button" class="button" aria-keyshortcuts="x" title="Stop (x)" ?disabled=${!going} @click=${() => this.stop()}>
          ${icon('stop')}Stop${this.renderKey('X')}
        </button>
        <button
          type="button"
          class="button ghost"
          aria-label="Reset"
          title="Reset: forget this run"
          ?disabled=${status === 'idle'}
          @click=${() => this.reset()}
        >
          ${icon('reset')}Reset
        </button>
        <button
          type="button"
          class="button ghost"
          title="Save trace: download this run as a file to open again later, without a broker"
          ?disabled=${status === 'idle' || this.model.eventCount === 0}
          @click=${() => this.saveTrace()}
        >
          ${icon('download')}Save trace
        </button>
        <div class="status tone-${look.tone}" role="status" aria-live="polite">
          ${icon(look.icon, status === 'starting' ? 'icon spin' : 'icon')}<span>${look.label}</span>
        </div>
        <language-switch .languages=${this.languages} .pythonProblem=${this._pythonProblem}></language-switch>
        <label class="speed"
          >Animation speed
          <select
            .value=${String(this._speed)}
            @change=${(event: Event) => settings().update({ speed: Number((event.target as HTMLSelectElement).value) })}
          >
            ${ANIMATION_SPEEDS.map((speed) => html`<option value=${speed} ?selected=${speed === this._speed}>${speed}×</option>`)}
          </select>
        </label>
      </div>
      ${status === 'idle' ? nothing : html`<run-timeline .model=${this.model} .pacer=${this.pacer}></run-timeline>`}
      ${blocked && !going ? html`<p class="blocked" id="blocked">${blocked}</p>` : nothing}
      ${status === 'idle' || going ? this.renderMomentsAhead() : nothing}
      ${
        status === 'paused' && this._heldHandshakes.length > 0
          ? html`<p class="step-note">${icon('step')}<span>${handshakeNote(this._heldHandshakes)}</span></p>`
          : nothing
      }
      ${
        this._momentShown !== undefined
          ? html`<p class="moment-shown" role="status">
              <span>Showing the moment <strong>${this._momentShown.title}</strong>.</span>
              <button type="button" class="button" @click=${() => this.pacer.follow()}>Show the end of the run</button>
            </p>`
          : nothing
      }
      ${this._saved ? html`<p class="saved" role="status">${icon('download')}<span>${this._saved}</span></p>` : nothing}
      ${this._notice ? html`<p class="notice" role="alert">${icon('warning')}<span>${this._notice}</span></p>` : nothing}
      ${this._failure !== undefined && (status === 'failed' || status === 'ended-with-error' || status === 'interrupted') ? this.renderFailure(this._failure) : nothing}
      ${
        status === 'idle'
          ? html`<div class="empty">
              <p>
                <strong>Run</strong> starts the scenario against the broker and draws every message as it moves.
                <strong>Step</strong> starts it paused and lets one protocol event through at a time. ${STEP_GROUPS_HANDSHAKES}
              </p>
            </div>`
          : html`${going && status !== 'starting' ? this.renderBrokerActions() : nothing} ${this.renderActed()}
              <actor-terminals
                .output=${this.output}
                .cursor=${this.model.cursor}
                .actions=${going && status !== 'starting' ? { another: this._runAnother } : undefined}
              ></actor-terminals>
              <run-output
                .model=${this.model}
                .speed=${this._speed}
                .actions=${going && status !== 'starting' ? this._programActions : undefined}
                ?presenter=${this._presenter}
              ></run-output>`
      }
    `;
  }

  /** Before and during a run: the moments it will reach, greyed until it has; a reached one is a button to it. */
  private renderMomentsAhead() {
    if (this.moments.length === 0) return nothing;
    const reached = this.model.moments();
    return html`<div class="moments-ahead">
      <span id="moments-ahead-title"
        >${this.edited ? "With the lesson's values, this run reaches these moments:" : 'This run reaches these moments:'}</span
      >
      <ul aria-labelledby="moments-ahead-title">
        ${this.moments.map((moment) => {
          const mark = reached.find((candidate) => candidate.id === moment.id);
          return mark === undefined
            ? html`<li class="upcoming">${moment.title} <span class="when">(upcoming)</span></li>`
            : html`<li>
                <button type="button" class="link" @click=${() => this.pacer.hold(mark.seq)}>${moment.title}</button>
                <span class="when">(reached)</span>
              </li>`;
        })}
      </ul>
    </div>`;
  }

  /** While the run goes: what a person can do to the broker itself. */
  private renderBrokerActions() {
    return html`<div class="broker-actions" role="group" aria-label="Actions on the broker">
      <button
        type="button"
        class="button"
        ?disabled=${this._restarting}
        title="Stop the broker and start it again (rabbitmqctl stop_app, then start_app): every connection closes, and it comes back with what it keeps"
        @click=${() => this.restartBroker()}
      >
        ${icon('reset')}${this._restarting ? 'Restarting the broker…' : 'Restart the broker'}
      </button>
    </div>`;
  }

  /** Asks the server to restart the broker the run uses; the reply is shown as an action's is. */
  restartBroker(): void {
    if (this._runId === undefined || !ACTIVE_STATUSES.has(this._status) || this._restarting) return;
    this._acted = undefined;
    if (!this.socket.send({ type: 'restart-broker', runId: this._runId })) {
      this.say('Not connected to the workbook server.');
      return;
    }
    this._restarting = true;
  }

  /** What the last action on a program did, or why it could not: said aloud, a failure as an alert. */
  private renderActed() {
    const acted = this._acted;
    if (acted === undefined) return nothing;
    return acted.ok
      ? html`<p class="acted" role="status">${icon('check')}<span>${acted.text}</span></p>`
      : html`<p class="acted problem" role="alert">${icon('warning')}<span>${acted.text}</span></p>`;
  }

  private renderKey(key: string) {
    return this.active ? html`<kbd aria-hidden="true">${key}</kbd>` : nothing;
  }

  private renderFailure(failure: RunFailure) {
    const title =
      this._status === 'interrupted'
        ? 'The run was interrupted'
        : this._status === 'ended-with-error'
          ? 'The broker closed a channel or connection with an error'
          : 'The run failed';
    return html`<div class="failure" role="alert">
      <div class="failure-head">${icon(this._status === 'interrupted' ? 'unplugged' : 'warning')}<strong>${title}</strong></div>
      <p class="explanation">${failure.explanation}</p>
      <details>
        <summary>Raw error</summary>
        <pre>${failure.raw}</pre>
      </details>
    </div>`;
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    inputStyles,
    srOnlyStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--space-3);
        min-width: 0;
        scroll-margin-top: calc(var(--header-height) + var(--space-3));
      }
      .moment-shown {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-2);
        margin: 0;
        padding: var(--space-2) var(--space-3);
        border-left: 4px solid var(--accent);
        background: var(--surface-2, var(--surface));
        border-radius: var(--radius);
      }
      .moments-ahead {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: var(--space-1) var(--space-3);
        margin: 0;
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .moments-ahead ul {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-1) var(--space-3);
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .moments-ahead li::before {
        content: '◆ ';
        color: var(--accent);
      }
      .moments-ahead li.upcoming::before {
        content: '◇ ';
        color: inherit;
      }
      .moments-ahead .link {
        padding: 0;
        border: none;
        border-bottom: 2px dotted currentColor;
        background: none;
        color: var(--link);
        font: inherit;
        cursor: pointer;
      }
      .toolbar {
        /* The controls stay in reach while the learner scrolls through the run's views. */
        position: sticky;
        top: var(--header-height);
        z-index: 2;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-2);
        padding: var(--space-2) 0;
        margin: calc(-1 * var(--space-2)) 0;
        background: var(--surface);
      }
      .status {
        display: inline-flex;
        align-items: center;
        gap: var(--space-2);
        margin-left: var(--space-2);
        padding: 0 var(--space-3);
        min-height: 2.25rem;
        border-radius: 999px;
        font-size: var(--text-sm);
        font-weight: 700;
        color: var(--tone);
        background: var(--tone-soft);
        border: 1px solid color-mix(in srgb, var(--tone) 35%, transparent);
      }
      .status svg {
        width: 1.05rem;
        height: 1.05rem;
      }
      .tone-running {
        --tone: var(--status-running);
        --tone-soft: var(--status-running-soft);
      }
      .tone-paused {
        --tone: var(--status-paused);
        --tone-soft: var(--status-paused-soft);
      }
      .tone-finished {
        --tone: var(--status-finished);
        --tone-soft: var(--status-finished-soft);
      }
      .tone-stopped {
        --tone: var(--status-stopped);
        --tone-soft: var(--status-stopped-soft);
      }
      .tone-failed {
        --tone: var(--status-failed);
        --tone-soft: var(--status-failed-soft);
      }
      .spin {
        animation: spin 0.9s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      /* Right-aligned with the speed: the buttons before them widen with their keys once the cell is active, and these stay put. */
      language-switch {
        margin-left: auto;
      }
      .speed {
        display: inline-flex;
        align-items: center;
        gap: var(--space-2);
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .speed select {
        width: auto;
        min-width: 4.5rem;
      }
      .blocked {
        margin: 0;
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .step-note {
        display: flex;
        gap: var(--space-2);
        align-items: center;
        margin: 0;
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .acted {
        display: flex;
        gap: var(--space-2);
        align-items: center;
        margin: 0;
        font-size: var(--text-md);
        font-weight: 600;
        color: var(--status-running);
      }
      .acted.problem {
        color: var(--status-failed);
      }
      .broker-actions {
        display: flex;
        gap: var(--space-2);
      }
      .saved {
        display: flex;
        gap: var(--space-2);
        align-items: center;
        margin: 0;
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .notice {
        display: flex;
        gap: var(--space-2);
        align-items: center;
        margin: 0;
        font-size: var(--text-sm);
        color: var(--status-paused);
      }
      .failure {
        border: 1px solid var(--status-failed);
        border-left-width: 5px;
        border-radius: var(--radius-sm);
        background: var(--status-failed-soft);
        padding: var(--space-3) var(--space-4);
      }
      .failure-head {
        display: flex;
        align-items: center;
        gap: var(--space-2);
        color: var(--status-failed);
        font-size: var(--text-md);
      }
      .failure-head svg {
        width: 1.2rem;
        height: 1.2rem;
      }
      .explanation {
        margin: var(--space-2) 0;
        font-size: var(--text-lg);
        line-height: 1.45;
        color: var(--text);
      }
      .failure details summary {
        cursor: pointer;
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .failure pre {
        margin: var(--space-2) 0 0;
        padding: var(--space-2) var(--space-3);
        background: var(--surface);
        border-radius: var(--radius-sm);
        font-family: var(--font-mono);
        font-size: var(--text-xs);
        white-space: pre-wrap;
        word-break: break-word;
      }
      .empty {
        border: 1px dashed var(--border-strong);
        border-radius: var(--radius);
        padding: var(--space-5);
        color: var(--text-muted);
        text-align: center;
        font-size: var(--text-sm);
      }
      .empty p {
        margin: 0 auto;
        max-width: 60ch;
      }
    `,
  ];
}
