import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LessonSummary } from '../../../server/protocol/index.js';
import { baseStyles, buttonStyles } from '../styles/controls.js';
import { flowIllustration, flowIllustrationStyles } from './flow-illustration.js';
import { icon } from './icons.js';
import { fetchLesson, fetchLessons } from './lessons-api.js';
import { progress } from './progress.js';
import { lessonUrl, routeUrl } from './route.js';
import type { BrokerInfo } from './workbook-socket.js';

declare global {
  interface HTMLElementTagNameMap {
    'lesson-list': LessonList;
  }
}

/**
 * The course: every lesson with its time, what it teaches and how much of it
 * this browser has run, and a way in at the first lesson not yet done.
 */
@customElement('lesson-list')
export class LessonList extends LitElement {
  /** The broker the server runs scenarios against, once known. */
  @property({ attribute: false }) broker: BrokerInfo | undefined;

  @state() private _lessons: LessonSummary[] | undefined;
  @state() private _runCells = new Map<string, string[]>();
  @state() private _finished = new Map<string, Set<string>>();
  @state() private _error = '';
  private readonly _loading = new AbortController();

  override connectedCallback(): void {
    super.connectedCallback();
    progress().addEventListener('change', this.handleProgress);
    document.title = 'Warren: a RabbitMQ workbook';
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    progress().removeEventListener('change', this.handleProgress);
    this._loading.abort();
  }

  private async load(): Promise<void> {
    const signal = this._loading.signal;
    try {
      const lessons = await fetchLessons(signal);
      this._lessons = lessons;
      this.handleProgress();
      // Each lesson's run cells, to say how many are left; a lesson that fails to load just shows no count.
      const documents = await Promise.allSettled(lessons.map((lesson) => fetchLesson(lesson.id, signal)));
      const runCells = new Map<string, string[]>();
      for (const result of documents) {
        if (result.status !== 'fulfilled') continue;
        runCells.set(
          result.value.id,
          result.value.cells.flatMap((cell) => (cell.kind === 'run' ? [cell.id] : [])),
        );
      }
      this._runCells = runCells;
    } catch (error) {
      if (!signal.aborted) this._error = (error as Error).message;
    }
  }

  private readonly handleProgress = (): void => {
    const store = progress();
    this._finished = new Map((this._lessons ?? []).map((lesson) => [lesson.id, store.finishedCells(lesson.id)]));
  };

  private handleForget(): void {
    progress().clear();
  }

  private done(lesson: LessonSummary): { finished: number; total: number | undefined } {
    const cells = this._runCells.get(lesson.id);
    const finished = this._finished.get(lesson.id) ?? new Set<string>();
    return {
      finished: cells === undefined ? finished.size : cells.filter((cell) => finished.has(cell)).length,
      total: cells?.length,
    };
  }

  /** Where to carry on in a lesson: its first run cell not yet finished, once a start has been made. */
  private continueUrl(lesson: LessonSummary): string {
    const finished = this._finished.get(lesson.id) ?? new Set<string>();
    const cell = finished.size === 0 ? undefined : this._runCells.get(lesson.id)?.find((id) => !finished.has(id));
    return routeUrl({ page: 'lesson', lesson: lesson.id, cell, params: {} });
  }

  protected override render() {
    const lessons = this._lessons;
    const minutes = (lessons ?? []).reduce((sum, lesson) => sum + lesson.minutes, 0);
    const next = lessons?.find((lesson) => {
      const { finished, total } = this.done(lesson);
      return total === undefined ? finished === 0 : finished < total;
    });
    const started = [...this._finished.values()].some((cells) => cells.size > 0);
    return html`
      <div class="page">
        <section class="intro" aria-labelledby="intro-title">
          <div class="intro-text">
            <p class="eyebrow">A RabbitMQ workbook</p>
            <h1 id="intro-title">The RabbitMQ tutorials, running in front of you</h1>
            <p class="lead">
              Each lesson is a notebook. Change a scenario's parameters, run it against a real broker, and watch every message move:
              published, routed by an exchange, queued, delivered, acknowledged, requeued or dropped. Step through a run one protocol frame
              at a time.
            </p>
            <div class="intro-actions">
              ${
                next === undefined
                  ? nothing
                  : html`<a class="button primary start" href=${this.continueUrl(next)}>
                      ${icon('play')}${started ? 'Continue' : 'Start'} with ${next.title}</a
                    >`
              }
              <a class="button open-trace" href="/trace">${icon('folder')}Open a saved trace</a>
              <p class="facts">
                ${lessons === undefined ? nothing : html`<span>${lessons.length} lessons, about ${Math.round(minutes / 5) * 5} minutes</span>`}
                ${this.broker === undefined ? nothing : html`<span>${icon('plug')}Scenarios run on ${this.broker.kind === 'embedded' ? 'the embedded broker' : html`RabbitMQ at <code>${this.broker.url}</code>`}</span>`}
              </p>
            </div>
          </div>
          <div class="picture">${flowIllustration()}</div>
        </section>
        ${this._error !== '' ? html`<p class="error" role="alert">${icon('warning')}The lessons could not be loaded: ${this._error}</p>` : nothing}
        ${lessons === undefined && this._error === '' ? html`<p class="loading" role="status">Loading the lessons…</p>` : nothing}
        ${
          lessons === undefined
            ? nothing
            : html` <h2 class="list-title">Lessons</h2>
                <ol class="lessons">
                  ${lessons.map((lesson) => this.renderLesson(lesson))}
                </ol>
                ${
                  started
                    ? html`<p class="forget">
                        <button type="button" class="button ghost" @click=${this.handleForget}>${icon('reset')}Forget my progress</button>
                        <span>Progress is kept in this browser only.</span>
                      </p>`
                    : nothing
                }`
        }
      </div>
    `;
  }

  private renderLesson(lesson: LessonSummary) {
    const { finished, total } = this.done(lesson);
    const complete = total !== undefined && total > 0 && finished === total;
    const state = complete ? 'Done' : finished > 0 ? `${finished} of ${total ?? '?'} runs finished` : 'Not started';
    const share = total === undefined || total === 0 ? 0 : finished / total;
    return html`<li class="lesson ${complete ? 'complete' : ''}">
      <a href=${lessonUrl(lesson.id)} aria-describedby="teaches-${lesson.id} state-${lesson.id}">
        <span class="number" aria-hidden="true">${String(lesson.order).padStart(2, '0')}</span>
        <span class="body">
          <span class="title">${lesson.title}</span>
          <span class="teaches" id="teaches-${lesson.id}">${lesson.teaches}</span>
          <span class="footer">
            <span class="minutes">${icon('clock')}${lesson.minutes} min</span>
            <span class="state" id="state-${lesson.id}">${complete ? icon('checkCircle') : nothing}${state}</span>
          </span>
          <span class="bar" aria-hidden="true"><span style="width: ${Math.round(share * 100)}%"></span></span>
        </span>
      </a>
    </li>`;
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    flowIllustrationStyles,
    css`
      :host {
        display: block;
      }
      .page {
        max-width: var(--content-width);
        margin: 0 auto;
        padding: var(--space-5) var(--space-6) var(--space-7);
      }
      .intro {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 24rem;
        align-items: center;
        gap: var(--space-6);
        padding: var(--space-3) 0 var(--space-6);
      }
      .picture {
        padding: var(--space-3) var(--space-4);
        border: 1px solid var(--border);
        border-radius: var(--radius-lg);
        background: var(--surface);
        box-shadow: var(--shadow);
      }
      @media (max-width: 900px) {
        .intro {
          grid-template-columns: minmax(0, 1fr);
        }
        .picture {
          display: none;
        }
      }
      .eyebrow {
        margin: 0 0 var(--space-2);
        color: var(--accent);
        font-weight: 700;
        font-size: var(--text-sm);
        text-transform: uppercase;
        letter-spacing: 0.08em;
      }
      h1 {
        margin: 0 0 var(--space-3);
        font-size: 2.1rem;
        line-height: 1.15;
        text-wrap: balance;
        letter-spacing: -0.025em;
      }
      .lead {
        margin: 0 0 var(--space-5);
        font-size: 1.1rem;
        line-height: 1.6;
        color: var(--text-muted);
        max-width: 46rem;
      }
      .intro-actions {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-4) var(--space-5);
      }
      .start {
        text-decoration: none;
        min-height: 2.75rem;
        padding: 0 var(--space-5);
        font-size: var(--text-md);
      }
      .open-trace {
        text-decoration: none;
        min-height: 2.75rem;
      }
      .facts {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-2) var(--space-5);
        margin: 0;
        color: var(--text-muted);
        font-size: var(--text-sm);
      }
      .facts span {
        display: inline-flex;
        align-items: center;
        gap: var(--space-2);
      }
      .list-title {
        margin: 0 0 var(--space-3);
        font-size: var(--text-sm);
        text-transform: uppercase;
        letter-spacing: 0.08em;
        color: var(--text-muted);
      }
      .lessons {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(21rem, 1fr));
        gap: var(--space-4);
      }
      .lesson a {
        display: flex;
        gap: var(--space-4);
        height: 100%;
        padding: var(--space-4) var(--space-5) var(--space-4) var(--space-4);
        border: 1px solid var(--border);
        border-radius: var(--radius-lg);
        background: var(--surface);
        box-shadow: var(--shadow);
        color: var(--text);
        text-decoration: none;
        transition:
          border-color var(--transition),
          transform var(--transition);
      }
      .lesson a:hover {
        border-color: var(--accent);
        transform: translateY(-1px);
      }
      .number {
        flex: none;
        display: grid;
        place-items: center;
        width: 2.75rem;
        height: 2.75rem;
        border-radius: var(--radius);
        background: var(--accent-soft);
        color: var(--accent);
        font-weight: 800;
        font-variant-numeric: tabular-nums;
        font-size: var(--text-md);
      }
      .complete .number {
        background: var(--status-finished-soft);
        color: var(--status-finished);
      }
      .body {
        display: flex;
        flex-direction: column;
        gap: var(--space-1);
        min-width: 0;
        flex: 1;
      }
      .title {
        font-size: var(--text-lg);
        font-weight: 700;
        line-height: 1.3;
      }
      .teaches {
        color: var(--text-muted);
        font-size: 0.95rem;
        line-height: 1.5;
        flex: 1;
      }
      .footer {
        display: flex;
        justify-content: space-between;
        gap: var(--space-3);
        margin-top: var(--space-2);
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .footer span {
        display: inline-flex;
        align-items: center;
        gap: var(--space-1);
      }
      .complete .state {
        color: var(--status-finished);
        font-weight: 600;
      }
      .bar {
        display: block;
        height: 4px;
        border-radius: 2px;
        background: var(--surface-sunken);
        overflow: hidden;
        margin-top: var(--space-2);
      }
      .bar span {
        display: block;
        height: 100%;
        background: var(--status-finished);
      }
      .forget {
        display: flex;
        align-items: center;
        gap: var(--space-2);
        margin-top: var(--space-5);
        font-size: var(--text-sm);
        color: var(--text-faint);
      }
      .error {
        display: flex;
        gap: var(--space-2);
        align-items: center;
        color: var(--status-failed);
      }
      code {
        font-family: var(--font-mono);
      }
      :focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
    `,
  ];
}
