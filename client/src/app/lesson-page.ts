import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { LessonDocument, LessonSummary, RunCell } from '../../../server/protocol/index.js';
import { baseStyles, buttonStyles } from '../styles/controls.js';
import { changedValues, currentValues, startingValues } from './cell-params.js';
import { icon } from './icons.js';
import { fetchLesson, fetchLessons } from './lessons-api.js';
import type { ParamsChange } from './param-form.js';
import { toTypeBox } from './param-schema.js';
import { progress } from './progress.js';
import { settings } from './settings.js';
import type { ParamOverrides } from './route.js';
import { lessonUrl } from './route.js';
import type { RunStatusChange } from './run-cell.js';
import type { CellStatus } from './run-status.js';
import type { CellCodeFacts } from './code-cell.js';
import './code-cell.js';
import './param-form.js';
import type { MomentRequest } from './prose-cell.js';
import './prose-cell.js';
import './run-cell.js';

/** A change the lesson page asks of the address: the active cell and every cell's changed parameters. */
export interface LessonRouteChange {
  cell: string | undefined;
  params: ParamOverrides;
  /** True for a parameter edit (worth a history entry), false for only moving between cells. */
  edit: boolean;
}

/** What a keyboard shortcut asks of the active run cell. */
export type RunShortcut = 'run' | 'step' | 'pause' | 'stop';

declare global {
  interface HTMLElementEventMap {
    'lesson-route-change': CustomEvent<LessonRouteChange>;
  }
  interface HTMLElementTagNameMap {
    'lesson-page': LessonPage;
  }
}

/**
 * A lesson as a notebook: its prose, and for each run cell a parameter form,
 * the code for those parameters, and the run's controls and views.
 *
 * @fires lesson-route-change - when parameters are edited or another cell becomes active.
 */
@customElement('lesson-page')
export class LessonPage extends LitElement {
  /** The lesson's id (folder name, number or slug). */
  @property() lesson = '';
  /** The active cell's id: keyboard shortcuts act on it. */
  @property() activeCell: string | undefined;
  /** The parameters changed from each cell's defaults. */
  @property({ attribute: false }) params: ParamOverrides = {};

  @state() private _document: LessonDocument | undefined;
  @state() private _lessons: LessonSummary[] = [];
  @state() private _error = '';
  @state() private _finished = new Set<string>();
  /** Cells whose form holds text that does not read as a value. */
  @state() private _unreadable = new Set<string>();
  /** What each cell's code last said of a run (the named moments it reaches, what can be started more of), with the parameters it is for. */
  @state() private _codeFacts = new Map<string, CellCodeFacts>();
  private _checkers = new Map<string, TSchema>();
  /** Each cell's values, kept while its changes stay the same so its form and code see the same object. */
  private _values = new Map<string, { changes: string; values: Record<string, unknown> }>();
  /** Each cell's values before any change: what "Restore defaults" goes back to. */
  private _startingValues = new Map<string, Record<string, unknown>>();
  /** Set when a lesson arrives: a shared link opens at its cell, once. */
  private _scrollPending = false;
  private _loading: AbortController | undefined;
  /** The cell in view and where in it the view was, while the display settings change. */
  private _anchor: { section: HTMLElement; through: number; offset: number } | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    progress().addEventListener('change', this.handleProgress);
    settings().addEventListener('willchange', this.handleSettingsWillChange);
    settings().addEventListener('change', this.handleSettingsChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    progress().removeEventListener('change', this.handleProgress);
    settings().removeEventListener('willchange', this.handleSettingsWillChange);
    settings().removeEventListener('change', this.handleSettingsChange);
    this._loading?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('lesson')) void this.load();
  }

  protected override updated(): void {
    if (!this._scrollPending || this._document === undefined) return;
    this._scrollPending = false;
    if (this.activeCell !== undefined) void this.scrollToCell(this.activeCell);
  }

  /** Scrolls a cell to the top once everything above it has rendered, so it lands where it will stay. */
  private async scrollToCell(cell: string): Promise<void> {
    const parts = [...this.renderRoot.querySelectorAll<LitElement>('prose-cell, param-form, code-cell, run-cell')];
    await Promise.all(parts.map((part) => part.updateComplete));
    this.renderRoot.querySelector(`#cell-${CSS.escape(cell)}`)?.scrollIntoView({ block: 'start' });
  }

  /** Carries out a keyboard shortcut on the run cell the learner is at (see shortcutTarget). */
  shortcut(action: RunShortcut): void {
    const target = this.shortcutTarget();
    if (target === undefined) return;
    const runCell = target.querySelector('run-cell');
    if (runCell === null) return;
    if (action === 'run') runCell.run();
    else if (action === 'step') runCell.step();
    else if (action === 'pause') runCell.togglePause();
    else runCell.stop();
    if (runCell.cell !== this.activeCell) this.activate(runCell.cell);
  }

  /**
   * The cell a shortcut acts on, as the learner sees the page: the cell that
   * holds the keyboard focus; otherwise the active cell while at least half
   * as much of it shows as of any other; otherwise the cell most in view. A
   * cell scrolled off the screen is never run from the keyboard.
   */
  private shortcutTarget(): HTMLElement | undefined {
    const sections = [...this.renderRoot.querySelectorAll<HTMLElement>('section[data-cell]')];
    // The page's own shadow root names the element of its tree that holds the focus (a run cell's part, say).
    const focused = this.shadowRoot?.activeElement?.closest<HTMLElement>('section[data-cell]');
    if (focused !== null && focused !== undefined) return focused;
    const shown = sections.map((section) => ({ section, height: heightInView(section) }));
    const most = shown.reduce<(typeof shown)[number] | undefined>(
      (best, next) => (next.height > (best?.height ?? 0) ? next : best),
      undefined,
    );
    if (most === undefined) return undefined;
    const active = shown.find(({ section }) => section.dataset.cell === this.activeCell);
    return active !== undefined && active.height > 0 && active.height >= most.height / 2 ? active.section : most.section;
  }

  /** Before the display settings change: where the learner is, in the cell they are at. */
  private readonly handleSettingsWillChange = (): void => {
    const section = this.shortcutTarget();
    if (section === undefined) return;
    const box = section.getBoundingClientRect();
    const top = viewTop(section);
    // How far through the cell the top of the view is (0 when the cell's top shows), kept across the change.
    this._anchor = { section, through: box.height > 0 ? Math.max(0, (top - box.top) / box.height) : 0, offset: Math.max(0, box.top - top) };
  };

  /** After they changed (presenter mode's larger type moves everything): that same place back in view. */
  private readonly handleSettingsChange = (): void => {
    const anchor = this._anchor;
    this._anchor = undefined;
    if (anchor === undefined) return;
    // Two frames: the cell's parts re-render for the new settings, then the page is laid out again.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (!anchor.section.isConnected) return;
        const box = anchor.section.getBoundingClientRect();
        const top = viewTop(anchor.section);
        scrollBy({ top: box.top + anchor.through * box.height - anchor.offset - top, behavior: 'instant' });
      }),
    );
  };

  private async load(): Promise<void> {
    this._loading?.abort();
    const loading = new AbortController();
    this._loading = loading;
    this._document = undefined;
    this._error = '';
    try {
      const [document, lessons] = await Promise.all([fetchLesson(this.lesson, loading.signal), fetchLessons(loading.signal)]);
      if (loading.signal.aborted) return;
      this._checkers = new Map(runCells(document).map((cell) => [cell.id, toTypeBox(cell.params)]));
      this._values = new Map();
      this._startingValues = new Map(runCells(document).map((cell) => [cell.id, startingValues(cell)]));
      this._lessons = lessons;
      this._finished = progress().finishedCells(document.id);
      this._document = document;
      this._scrollPending = true;
      globalThis.document.title = `${document.title} · Warren`;
    } catch (error) {
      if (loading.signal.aborted) return;
      this._error = (error as Error).message;
    }
  }

  private readonly handleProgress = (): void => {
    if (this._document !== undefined) this._finished = progress().finishedCells(this._document.id);
  };

  private handleParams(cell: RunCell, event: CustomEvent<ParamsChange>): void {
    const { values, valid } = event.detail;
    const unreadable = new Set(this._unreadable);
    if (!valid && this.isRunnable(cell, values)) unreadable.add(cell.id);
    else unreadable.delete(cell.id);
    this._unreadable = unreadable;
    const changes = changedValues(cell, values);
    const params =
      Object.keys(changes).length === 0
        ? Object.fromEntries(Object.entries(this.params).filter(([id]) => id !== cell.id))
        : { ...this.params, [cell.id]: changes };
    this.dispatchEvent(new CustomEvent<LessonRouteChange>('lesson-route-change', { detail: { cell: cell.id, params, edit: true } }));
  }

  private activate(cell: string): void {
    if (cell === this.activeCell) return;
    this.dispatchEvent(new CustomEvent<LessonRouteChange>('lesson-route-change', { detail: { cell, params: this.params, edit: false } }));
  }

  private isRunnable(cell: RunCell, values: Record<string, unknown>): boolean {
    const checker = this._checkers.get(cell.id);
    return checker !== undefined && Value.Check(checker, values);
  }

  /** A prose link to a named moment: that cell's views go to the moment, and the page to the cell. */
  private readonly handleMomentRequest = (event: CustomEvent<MomentRequest>): void => {
    const { cell, moment, title } = event.detail;
    const target = [...this.renderRoot.querySelectorAll('run-cell')].find((runCell) => runCell.cell === cell);
    if (target === undefined) return;
    this.activate(cell);
    target.showMoment(moment, title);
    void this.scrollToRun(cell);
  };

  /** Scrolls a cell's run (its controls and views) to the top of the window. */
  private async scrollToRun(cell: string): Promise<void> {
    const runCell = [...this.renderRoot.querySelectorAll('run-cell')].find((candidate) => candidate.cell === cell);
    await runCell?.updateComplete;
    runCell?.scrollIntoView({ block: 'start' });
  }

  private handleRunStatus(event: CustomEvent<RunStatusChange>): void {
    const status: CellStatus = event.detail.status;
    if (status === 'running' || status === 'paused') this.activate(event.detail.cell);
  }

  protected override render() {
    if (this._error !== '') {
      return html`<div class="page">
        <div class="load-error" role="alert">
          <h1>This lesson could not be opened</h1>
          <p>${this._error}</p>
          <p><a href="/">Back to all lessons</a></p>
        </div>
      </div>`;
    }
    const lesson = this._document;
    if (lesson === undefined) return html`<div class="page"><p class="loading" role="status">Opening the lesson…</p></div>`;
    const cells = runCells(lesson);
    const finished = cells.filter((cell) => this._finished.has(cell.id)).length;
    const position = this._lessons.findIndex((summary) => summary.id === lesson.id);
    return html`
      <div class="page">
        <div class="top-line">
          <nav class="crumbs" aria-label="Breadcrumb">
            <a href="/">${icon('back')}All lessons</a>
          </nav>
          <p class="meta">
            <span>Lesson ${lesson.order}${this._lessons.length > 0 ? html` of ${this._lessons.length}` : nothing}</span>
            <span aria-hidden="true">·</span>
            <span class="minutes">${icon('clock')}${lesson.minutes} min</span>
            <span aria-hidden="true">·</span>
            <span class="progress ${finished === cells.length && cells.length > 0 ? 'complete' : ''}">
              ${finished === cells.length && cells.length > 0 ? icon('checkCircle') : nothing}${finished} of ${cells.length} runs
              finished</span
            >
          </p>
        </div>
        ${lesson.cells.map((cell, index) =>
          cell.kind === 'prose'
            ? html`<prose-cell
                .markdown=${cell.markdown}
                .cellAbove=${runCellAbove(lesson, index)}
                @moment-request=${this.handleMomentRequest}
              ></prose-cell>`
            : this.renderRunCell(lesson, cell),
        )}
        ${this.renderPager(position)}
      </div>
    `;
  }

  private valuesOf(cell: RunCell): Record<string, unknown> {
    const changes = JSON.stringify(this.params[cell.id] ?? {});
    const known = this._values.get(cell.id);
    if (known?.changes === changes) return known.values;
    const values = currentValues(cell, this.params[cell.id]);
    this._values.set(cell.id, { changes, values });
    return values;
  }

  private renderRunCell(lesson: LessonDocument, cell: RunCell) {
    const values = this.valuesOf(cell);
    const valid = this.isRunnable(cell, values) && !this._unreadable.has(cell.id);
    const active = cell.id === this.activeCell;
    const done = this._finished.has(cell.id);
    // The code's moments once they are for these very values; until then the lesson's, said to be for its own values.
    const known = this._codeFacts.get(cell.id);
    const moments = known?.params === values ? known.moments : undefined;
    return html`
      <section
        class="cell ${active ? 'active' : ''}"
        id="cell-${cell.id}"
        data-cell=${cell.id}
        aria-labelledby="title-${cell.id}"
        @focusin=${() => this.activate(cell.id)}
        @pointerdown=${() => this.activate(cell.id)}
      >
        <header class="cell-head">
          <span class="cell-kind">${icon('sliders')}Run cell</span>
          <h3 id="title-${cell.id}">${cell.title}</h3>
          <span class="actors">${cell.actors.join(' · ')}</span>
          ${done ? html`<span class="done">${icon('check')}Finished before</span>` : nothing}
        </header>
        <div class="setup">
          <div class="pane">
            <h4 class="pane-title">${icon('sliders')}Parameters</h4>
            <param-form
              .schema=${cell.params}
              .values=${values}
              .defaults=${this._startingValues.get(cell.id) ?? {}}
              @params-change=${(event: CustomEvent<ParamsChange>) => this.handleParams(cell, event)}
            ></param-form>
          </div>
          <code-cell
            class="pane"
            .lesson=${lesson.id}
            .cell=${cell.id}
            .params=${values}
            .languages=${cell.languages}
            ?valid=${valid}
            @cell-code=${(event: CustomEvent<CellCodeFacts>) => {
              this._codeFacts = new Map(this._codeFacts).set(cell.id, event.detail);
            }}
          ></code-cell>
        </div>
        <run-cell
          .lesson=${lesson.id}
          .cell=${cell.id}
          .runTitle=${`${lesson.title}: ${cell.title}`}
          .params=${values}
          .languages=${cell.languages}
          .another=${known?.another ?? {}}
          ?valid=${valid}
          ?active=${active}
          .moments=${moments ?? cell.moments}
          ?edited=${moments === undefined && this.params[cell.id] !== undefined}
          @run-status-change=${this.handleRunStatus}
        ></run-cell>
      </section>
    `;
  }

  private renderPager(position: number) {
    if (position < 0) return nothing;
    const previous = this._lessons[position - 1];
    const next = this._lessons[position + 1];
    return html`<nav class="pager" aria-label="Lessons">
      ${
        previous === undefined
          ? html`<span></span>`
          : html`<a class="previous" href=${lessonUrl(previous.id)}>
              <span class="direction">${icon('back')}Previous</span><span class="name">${previous.title}</span></a
            >`
      }
      ${
        next === undefined
          ? html`<a class="next" href="/"
              ><span class="direction">All lessons${icon('forward')}</span><span class="name">You have reached the end</span></a
            >`
          : html`<a class="next" href=${lessonUrl(next.id)}
              ><span class="direction">Next${icon('forward')}</span><span class="name">${next.title}</span></a
            >`
      }
    </nav>`;
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: block;
      }
      .page {
        max-width: var(--content-width);
        margin: 0 auto;
        padding: var(--space-5) var(--space-6) var(--space-7);
        display: flex;
        flex-direction: column;
        gap: var(--space-5);
      }
      a {
        color: var(--link);
      }
      .crumbs a {
        display: inline-flex;
        align-items: center;
        gap: var(--space-1);
        font-size: var(--text-sm);
        font-weight: 600;
        text-decoration: none;
        color: var(--text-muted);
      }
      .crumbs a:hover {
        color: var(--text);
      }
      .top-line {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-2) var(--space-5);
        margin-bottom: calc(-1 * var(--space-2));
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-2);
        margin: 0;
        color: var(--text-muted);
        font-size: var(--text-sm);
        font-weight: 600;
        text-transform: uppercase;
        letter-spacing: 0.06em;
      }
      .meta span {
        display: inline-flex;
        align-items: center;
        gap: var(--space-1);
      }
      .meta .progress.complete {
        color: var(--status-finished);
      }
      .cell {
        position: relative;
        display: flex;
        flex-direction: column;
        gap: var(--space-4);
        padding: var(--space-4) var(--space-5) var(--space-5);
        background: var(--surface);
        border: 1px solid var(--border);
        border-radius: var(--radius-lg);
        box-shadow: var(--shadow);
        scroll-margin-top: calc(var(--header-height) + var(--space-3));
      }
      .cell.active {
        border-color: var(--accent);
        box-shadow:
          0 0 0 1px var(--accent),
          var(--shadow);
      }
      .cell-head {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: var(--space-1) var(--space-3);
        padding-bottom: var(--space-3);
        border-bottom: 1px solid var(--border);
      }
      .cell-kind {
        display: inline-flex;
        align-items: center;
        gap: var(--space-1);
        font-size: var(--text-xs);
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.08em;
        color: var(--accent);
      }
      .cell-head h3 {
        margin: 0;
        font-size: var(--text-lg);
        line-height: 1.3;
      }
      .actors {
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .done {
        margin-left: auto;
        display: inline-flex;
        align-items: center;
        gap: var(--space-1);
        font-size: var(--text-sm);
        font-weight: 600;
        color: var(--status-finished);
      }
      .setup {
        display: grid;
        grid-template-columns: minmax(0, 5fr) minmax(0, 6fr);
        gap: var(--space-5);
        align-items: start;
      }
      .pane-title {
        display: inline-flex;
        align-items: center;
        gap: var(--space-2);
        margin: 0 0 var(--space-3);
        font-size: var(--text-sm);
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--text-muted);
      }
      /* Beside a long form, the code stays in view while the learner edits further down. */
      code-cell.pane {
        position: sticky;
        top: calc(var(--header-height) + var(--space-3));
      }
      @media (max-width: 980px) {
        .setup {
          grid-template-columns: minmax(0, 1fr);
        }
        code-cell.pane {
          position: static;
        }
      }
      :host-context([data-presenter]) .setup {
        grid-template-columns: minmax(0, 1fr);
      }
      /* Presenter mode: the run's views take the whole width of the screen, with only a small margin. */
      :host-context([data-presenter]) .page {
        padding-inline: var(--space-2);
      }
      :host-context([data-presenter]) .cell {
        padding-inline: var(--space-2);
      }
      :host-context([data-presenter]) code-cell.pane {
        position: static;
      }
      .pager {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: var(--space-4);
        margin-top: var(--space-5);
      }
      .pager a {
        display: flex;
        flex-direction: column;
        gap: var(--space-1);
        padding: var(--space-4) var(--space-5);
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--surface);
        text-decoration: none;
        color: var(--text);
      }
      .pager a:hover {
        border-color: var(--accent);
      }
      .pager .next {
        text-align: right;
        align-items: flex-end;
      }
      .pager .direction {
        display: inline-flex;
        align-items: center;
        gap: var(--space-1);
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .pager .name {
        font-size: var(--text-lg);
        font-weight: 650;
      }
      .loading,
      .load-error {
        color: var(--text-muted);
      }
      .load-error h1 {
        color: var(--text);
      }
      :focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
    `,
  ];
}

/** Where the view starts for a cell: under the sticky header, as the cell's scroll margin says. */
function viewTop(section: HTMLElement): number {
  return Number.parseFloat(getComputedStyle(section).scrollMarginTop) || 0;
}

/** How many pixels of a cell show in the window, under the header. */
function heightInView(section: HTMLElement): number {
  const box = section.getBoundingClientRect();
  return Math.max(0, Math.min(box.bottom, innerHeight) - Math.max(box.top, viewTop(section)));
}

function runCells(lesson: LessonDocument): RunCell[] {
  return lesson.cells.filter((cell): cell is RunCell => cell.kind === 'run');
}

/** The id of the nearest run cell before the part at `index`: the cell a short moment link in that prose means. */
function runCellAbove(lesson: LessonDocument, index: number): string | undefined {
  return lesson.cells.slice(0, index).findLast((cell): cell is RunCell => cell.kind === 'run')?.id;
}
