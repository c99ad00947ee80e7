import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { BusyThrottle } from './busy-throttle.js';
import { decisionDetail, frameDetail, gapDetail, isBrokerError } from './event-labels.js';
import './frame-inspector.js';
import { logNote } from './log-notes.js';
import { restartText } from '../../../server/model/restart-words.js';
import { logText } from './process-notes.js';
import { formatCount } from './number-format.js';
import type { RunModel } from './run-model.js';
import { runTheme } from './run-styles.js';
import { ROW_KINDS, SequenceRowIndex, type RowKind, type SequenceRow } from './sequence-rows.js';

declare global {
  interface HTMLElementTagNameMap {
    'sequence-view': SequenceViewElement;
  }
}

/**
 * Every row is this tall, in rem, so the list can draw only the rows in view;
 * in rem so that presenter mode's larger type gets taller rows, never rows
 * that overlap.
 */
const ROW_REMS = 1.875;
/** Rows drawn above and below the visible ones, so fast scrolling shows no blanks. */
const OVERSCAN = 8;
/** The broker's lane. */
const BROKER = 'broker';

/** How the lanes are ordered, in the words the lane names' tooltip uses. */
const LANE_RULE =
  'Programs that publish before they receive anything stand left of the broker, the others right of it, each in the order it first appeared in the run.';

/** What each kind is called in the filter. */
const KIND_NAMES: Record<RowKind, string> = {
  methods: 'Methods',
  messages: 'Messages',
  acks: 'Acks',
  decisions: 'Broker decisions',
  logs: 'Logs',
};

/** Marks for broker decisions, so they read without colour. */
const DECISION_MARKS: Record<string, string> = {
  routed: '→',
  unroutable: '✕',
  dropped: '✕',
  requeued: '↺',
  'dead-lettered': '☠',
  expired: '◷',
};

/**
 * The run as a sequence diagram: a lane per actor (programs that publish
 * before they receive anything left of the broker, the others right of it, each side in order of
 * first appearance, the same at every moment) and one for the broker, a row per
 * protocol event: frames as arrows between an actor and the broker, broker
 * decisions in the broker's lane, actors' printed lines as notes. Filter by
 * actor and by kind. Only the rows in view are drawn; the list follows the
 * newest row until the learner scrolls up. Select a row (click, or the arrow
 * keys) to see it whole in the frame inspector beside the list.
 *
 * Stable hooks: rows are `[data-method]` (the frame's method, `broker.<decision>`,
 * `log` or `gap`) with `data-seq`.
 */
@customElement('sequence-view')
export class SequenceViewElement extends LitElement {
  /** The run to list. */
  @property({ attribute: false }) model?: RunModel;

  @state() private _actor = '';
  @state() private _kinds: ReadonlySet<RowKind> = new Set(ROW_KINDS);
  @state() private _selected: SequenceRow | undefined;
  @state() private _following = true;
  @state() private _scrollTop = 0;
  /** A row's height in pixels: ROW_REMS at the page's type size. */
  @state() private _rowHeight = 30;
  @state() private _viewportHeight = 12 * 30;

  @query('.scroller') private scroller?: HTMLElement;

  /** The rows the filter lets through, read from the run's timeline; the list shows the first `shown`, those up to the cursor. */
  private readonly rows = new SequenceRowIndex();
  private shown = 0;
  private lanes: string[] = [BROKER];
  private rowsVersion = -1;
  private rowsFilter = '';
  /** Where the list last scrolled itself to; -1 when the reader scrolled since. */
  private ownScrollTop = -1;
  private unsubscribe: (() => void) | undefined;
  private readonly throttle = new BusyThrottle(
    () => this.requestUpdate(),
    () => this.model?.lastSeq ?? 0,
  );
  private resizeObserver: ResizeObserver | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.throttle.cancel();
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('model')) {
      this.listen();
      this._selected = undefined;
      this._following = true;
    }
    this.refreshRows();
    // Following the newest row: the list's bottom, computed from the row count rather than read from the page (a read would cost a reflow per frame).
    if (this._following) this._scrollTop = Math.max(0, this.shown * this._rowHeight - this._viewportHeight);
  }

  protected override firstUpdated(): void {
    // The list's height is in rem too: a change of type size (presenter mode) resizes it, and the rows with it.
    this.resizeObserver = new ResizeObserver(() => {
      if (this.scroller !== undefined) this._viewportHeight = this.scroller.clientHeight;
      this.measureRows();
    });
    this.measureRows();
    if (this.scroller !== undefined) this.resizeObserver.observe(this.scroller);
  }

  private measureRows(): void {
    const rem = Number.parseFloat(getComputedStyle(document.documentElement).fontSize);
    const height = Math.round(ROW_REMS * (Number.isFinite(rem) && rem > 0 ? rem : 16));
    if (height !== this._rowHeight) this._rowHeight = height;
  }

  protected override updated(): void {
    const scroller = this.scroller;
    if (scroller === undefined || !this._following || this.ownScrollTop === this._scrollTop) return;
    this.ownScrollTop = this._scrollTop;
    scroller.scrollTop = this._scrollTop;
  }

  private listen(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.isConnected ? this.model?.subscribe(() => this.throttle.changed()) : undefined;
    this.rowsVersion = -1;
  }

  /** Takes the model's new rows, or all of them again when the filter changed; keeps the rows in view where they were. */
  private refreshRows(): void {
    const model = this.model;
    const filter = `${this._actor}\u0000${[...this._kinds].join()}`;
    if (model === undefined) {
      this.shown = 0;
      this.lanes = [BROKER];
      return;
    }
    if (model.version === this.rowsVersion && filter === this.rowsFilter) return;
    const anchor = this._following ? undefined : this.rows.at(Math.floor(this._scrollTop / this._rowHeight))?.event.seq;
    this.rowsVersion = model.version;
    this.rowsFilter = filter;
    const restarted = this.rows.update(model, filter, (row) => this._kinds.has(row.kind) && this.matchesActor(row, model));
    this.shown = this.rows.countUpTo(model.cursor);
    const selected = this._selected?.event.seq;
    // The inspector shows only a row the list shows: one after the cursor, one the filter now hides, or one let go, is let go.
    if (
      selected !== undefined &&
      (selected > model.cursor || ((restarted || selected < model.firstSeq) && this.rows.indexOfSeq(selected) < 0))
    ) {
      this._selected = undefined;
    }
    this.lanes = this.laneOrder(model);
    if (anchor !== undefined && this.scroller !== undefined) {
      // Older rows are let go as new ones come: keep the same rows in view.
      const top = this.rows.firstAtOrAfter(anchor) * this._rowHeight + (this._scrollTop % this._rowHeight);
      if (top !== this._scrollTop) {
        this._scrollTop = top;
        this.ownScrollTop = top;
        this.scroller.scrollTop = top;
      }
    }
  }

  private matchesActor(row: SequenceRow, model: RunModel): boolean {
    if (this._actor === '') return true;
    const event = row.event;
    if (event.kind === 'frame' || event.kind === 'log') return model.laneOf(event.actor) === this._actor;
    // Decisions and gaps belong to no actor: they stay, unless their kind is hidden.
    return true;
  }

  /**
   * The lanes, the same at every cursor position: programs that publish
   * before they receive anything (producers, RPC clients) left of the broker,
   * the others right of it, each side in the order the programs first appeared
   * in the run.
   */
  private laneOrder(model: RunModel): string[] {
    const actors = model.actors();
    const senders = actors.filter((actor) => model.publishesFirst(actor));
    return [...senders, BROKER, ...actors.filter((actor) => !model.publishesFirst(actor))];
  }

  protected override render() {
    const model = this.model;
    const older = model?.forgottenEvents ?? 0;
    const first = Math.max(0, Math.floor(this._scrollTop / this._rowHeight) - OVERSCAN);
    const last = Math.min(this.shown, Math.ceil((this._scrollTop + this._viewportHeight) / this._rowHeight) + OVERSCAN);
    const visible: SequenceRow[] = [];
    for (let index = first; index < last; index += 1) {
      const row = this.rows.at(index);
      if (row !== undefined) visible.push(row);
    }
    const selectedRow = this.selectedIndex() >= 0 ? this._selected : undefined;
    return html`
      <div class="filters">
        <label
          >Actor
          <select @change=${this.handleActorChange} aria-label="Show the rows of one actor">
            <option value="" ?selected=${this._actor === ''}>All actors</option>
            ${(model?.actors() ?? []).map((actor) => html`<option value=${actor} ?selected=${this._actor === actor}>${actor}</option>`)}
          </select>
        </label>
        <fieldset class="kinds">
          <legend class="sr-only">Kinds of rows to show</legend>
          ${ROW_KINDS.map(
            (kind) =>
              html`<label class="chip">
                <input type="checkbox" .checked=${this._kinds.has(kind)} @change=${(event: Event) => this.handleKindChange(kind, event)} />
                ${KIND_NAMES[kind]}</label
              >`,
          )}
        </fieldset>
        <span class="count" aria-live="off">${formatCount(this.shown)} rows</span>
        ${this._following ? nothing : html`<button type="button" class="latest" @click=${this.handleJumpToLatest}>↓ Newest</button>`}
      </div>
      <div class="body">
        <div class="list">
          <div class="lane-names" aria-hidden="true" title=${LANE_RULE}>
            <span class="gutter">event, time</span>
            <span class="lanes"
              >${this.lanes.map(
                (lane, index) =>
                  html`<span class="lane-name ${lane === BROKER ? 'broker' : ''}" style="left:${this.laneCentre(index)}%">${lane}</span>`,
              )}</span
            >
          </div>
          ${older > 0 ? html`<p class="older">${formatCount(older)} older events not shown (only the newest ${formatCount(model?.eventCount ?? 0)} are kept)</p>` : nothing}
          <div
            class="scroller"
            tabindex="0"
            role=${this.shown > 0 ? 'listbox' : 'group'}
            aria-label="Protocol events, newest last"
            aria-activedescendant=${selectedRow === undefined ? nothing : `row-${selectedRow.event.seq}`}
            @scroll=${this.handleScroll}
            @keydown=${this.handleKeydown}
          >
            <div class="content" style="height:${this.shown * this._rowHeight}px;--row-height:${this._rowHeight}px">
              <div class="lane-lines" aria-hidden="true">
                ${this.lanes.map(
                  (lane, index) =>
                    html`<span class="lane-line ${lane === BROKER ? 'broker' : ''}" style="left:${this.laneCentre(index)}%"></span>`,
                )}
              </div>
              ${visible.map((row, offset) => this.renderRow(row, first + offset))}
            </div>
            ${this.shown === 0 ? html`<p class="empty">${model === undefined || model.eventIndexAt(model.cursor) < 0 ? 'No protocol events yet.' : 'No rows match the filter.'}</p>` : nothing}
          </div>
        </div>
        <frame-inspector .row=${this._selected} .model=${this.model}></frame-inspector>
      </div>
    `;
  }

  private renderRow(row: SequenceRow, index: number): TemplateResult {
    const event = row.event;
    const method = event.kind === 'frame' ? event.method : event.kind === 'broker' ? `broker.${event.decision}` : event.kind;
    const selected = row.event.seq === this._selected?.event.seq;
    // The rows run up to the cursor: the last one is the moment every view shows.
    const atCursor = index === this.shown - 1;
    return html`<div
      class="row kind-${row.kind} ${selected ? 'selected' : ''} ${atCursor ? 'at-cursor' : ''}"
      id="row-${event.seq}"
      role="option"
      aria-selected=${selected ? 'true' : 'false'}
      data-method=${method}
      data-seq=${event.seq}
      style="top:${index * this._rowHeight}px"
      @click=${() => this.select(row)}
    >
      <span class="gutter"><span class="seq">#${event.seq}</span><span class="time">${formatTime(event.time)}</span></span>
      <span class="lanes">${this.renderEvent(row, index)}</span>
    </div>`;
  }

  private renderEvent(row: SequenceRow, index: number): TemplateResult {
    const event = row.event;
    const brokerLane = this.lanes.indexOf(BROKER);
    switch (event.kind) {
      case 'frame': {
        const lane = this.lanes.indexOf(this.model?.laneOf(event.actor) ?? event.actor);
        const from = event.direction === 'to-broker' ? lane : brokerLane;
        const to = event.direction === 'to-broker' ? brokerLane : lane;
        const left = this.laneCentre(Math.min(from, to));
        const width = Math.abs(this.laneCentre(to) - this.laneCentre(from));
        const detail = frameDetail(event);
        const title = `${event.actor} ${event.direction === 'to-broker' ? '→ broker' : '← broker'}: ${event.method} ${detail}`;
        // The label starts at the arrow's start, or ends at its end when there is more room that way, and never leaves the view.
        const roomRight = 100 - left;
        const roomLeft = left + width;
        const place =
          roomRight >= roomLeft
            ? `left:${left}%;max-width:calc(${roomRight}% - 0.5rem)`
            : `right:${100 - roomLeft}%;max-width:calc(${roomLeft}% - 0.5rem);text-align:right;padding-right:6px`;
        return html`<span class="arrow ${to > from ? 'rightward' : 'leftward'}" style="left:${left}%;width:${width}%"></span>
          <span class="label ${isBrokerError(event) ? 'error' : ''}" style=${place} title=${title}
            >${isBrokerError(event) ? '✕ error: ' : ''}<b>${event.method}</b> ${detail}</span
          >`;
      }
      case 'broker': {
        const mark = DECISION_MARKS[event.decision] ?? '•';
        const tone = event.decision === 'routed' ? 'ok' : event.decision === 'requeued' ? 'warn' : 'bad';
        const detail = decisionDetail(event, this.model?.decidedBody(event.seq));
        // Centred on the broker's line, unless the broker's lane is first (everyone consumes): there it starts at the line, not over the gutter.
        const centre = this.laneCentre(brokerLane);
        const place =
          centre < 24 ? `left:calc(${centre}% - 0.75rem);max-width:calc(${100 - centre}% - 0.25rem);transform:none` : `left:${centre}%`;
        return html`<span class="decision ${tone}" style=${place} title="${event.decision}: ${detail}">
          <b>${mark} ${event.decision}</b> ${detail}</span
        >`;
      }
      case 'log': {
        const laneName = this.model?.laneOf(event.actor) ?? event.actor;
        const lost = event.lost?.length ?? 0;
        // What happened to the program's process is no line it printed: a note of its own, in words.
        const note =
          event.process === undefined
            ? logNote(
                (at) => (at < this.shown ? this.rows.at(at)?.event : undefined),
                index,
                (other) => other.process === undefined && (this.model?.laneOf(other.actor) ?? other.actor) === laneName,
              )
            : { text: logText(event), width: logText(event).length };
        const mark =
          event.process !== undefined
            ? lost > 0
              ? '✕'
              : '⚑'
            : lost > 0
              ? `✕ ${lost} lost:`
              : event.stream === 'stderr'
                ? '✎ stderr:'
                : '✎';
        // In its actor's lane, moved left as far as its block's widest line needs to be read whole; wrapped when even the whole width is too narrow.
        const room = `calc(100% - ${note.width + mark.length + 1}ch - 0.8rem - 2px)`;
        const kind = event.process !== undefined ? 'process' : event.stream === 'stderr' ? 'stderr' : '';
        return html`<span
          class="note ${lost > 0 ? 'lost' : ''} ${kind}"
          style="left:max(0px, min(calc(${this.laneCentre(this.lanes.indexOf(laneName))}% - 0.5rem), ${room}))"
          title="${event.actor}${event.process === undefined ? '' : "'s program"}: ${logText(event)}"
          >${mark} ${note.text}</span
        >`;
      }
      case 'restart': {
        const centre = this.laneCentre(brokerLane);
        const place =
          centre < 24 ? `left:calc(${centre}% - 0.75rem);max-width:calc(${100 - centre}% - 0.25rem);transform:none` : `left:${centre}%`;
        return html`<span class="decision warn" style=${place} title=${restartText(event)}><b>⟳ restart</b> ${restartText(event)}</span>`;
      }
      case 'gap':
        return html`<span class="gap">⋯ ${gapDetail(event)}</span>`;
    }
  }

  /** Where a lane's line runs, in percent of the lanes' width. */
  private laneCentre(index: number): number {
    return ((index + 0.5) / Math.max(1, this.lanes.length)) * 100;
  }

  /** Where the selected row is in the list, or -1 when the list does not show it. */
  private selectedIndex(): number {
    const seq = this._selected?.event.seq;
    const index = seq === undefined ? -1 : this.rows.indexOfSeq(seq);
    return index < this.shown ? index : -1;
  }

  /** Selects a row for the inspector, and asks for the cursor at its event: every view then shows that moment. */
  private select(row: SequenceRow | undefined): void {
    this._selected = row;
    if (row === undefined) return;
    this.dispatchEvent(new CustomEvent('cursor-request', { detail: { seq: row.event.seq }, bubbles: true, composed: true }));
  }

  private handleActorChange(event: Event): void {
    this._actor = (event.target as HTMLSelectElement).value;
  }

  private handleKindChange(kind: RowKind, event: Event): void {
    const kinds = new Set(this._kinds);
    if ((event.target as HTMLInputElement).checked) kinds.add(kind);
    else kinds.delete(kind);
    this._kinds = kinds;
  }

  private handleScroll(): void {
    const scroller = this.scroller;
    if (scroller === undefined) return;
    const top = scroller.scrollTop;
    // The list's own scrolling (following the newest row, keeping rows in place) is not the reader's.
    if (Math.abs(top - this.ownScrollTop) < 2) return;
    this.ownScrollTop = -1;
    this._scrollTop = top;
    this._following = top + this._viewportHeight >= this.shown * this._rowHeight - this._rowHeight;
  }

  private handleJumpToLatest(): void {
    this._following = true;
    this.scroller?.focus();
  }

  private handleKeydown(event: KeyboardEvent): void {
    const count = this.shown;
    if (count === 0) return;
    const page = Math.max(1, Math.floor(this._viewportHeight / this._rowHeight) - 1);
    const current = this.selectedIndex();
    const topRow = Math.floor(this._scrollTop / this._rowHeight);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = current < 0 ? topRow : current + 1;
        break;
      case 'ArrowUp':
        next = current < 0 ? topRow : current - 1;
        break;
      case 'PageDown':
        next = (current < 0 ? topRow : current) + page;
        break;
      case 'PageUp':
        next = (current < 0 ? topRow : current) - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case 'Enter':
      case ' ':
        if (current < 0) next = topRow;
        else {
          event.preventDefault();
          this.renderRoot.querySelector('frame-inspector')?.focus();
          return;
        }
        break;
      case 'Escape':
        this.select(undefined);
        return;
      default:
        return;
    }
    event.preventDefault();
    next = Math.max(0, Math.min(count - 1, next));
    this.select(this.rows.at(next));
    this.scrollToRow(next);
  }

  private scrollToRow(index: number): void {
    const scroller = this.scroller;
    if (scroller === undefined) return;
    const top = index * this._rowHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + this._rowHeight > scroller.scrollTop + scroller.clientHeight)
      scroller.scrollTop = top + this._rowHeight - scroller.clientHeight;
    this._following = index === this.shown - 1;
    this._scrollTop = scroller.scrollTop;
  }

  static override styles = [
    runTheme,
    css`
      :host {
        display: block;
        container-type: inline-size;
        min-width: 0;
        font-size: 0.875rem;
      }
      .filters {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        margin-bottom: 0.5rem;
      }
      select,
      button {
        font: inherit;
        color: var(--_fg);
        background: var(--_bg);
        border: 1px solid var(--_line);
        border-radius: 6px;
        padding: 0.2rem 0.4rem;
      }
      .kinds {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        border: 0;
        margin: 0;
        padding: 0;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 0.25rem;
        cursor: pointer;
      }
      .chip input {
        accent-color: var(--_accent);
        width: 1.05em;
        height: 1.05em;
      }
      .count {
        color: var(--_muted);
      }
      .latest {
        font-weight: 700;
        cursor: pointer;
      }
      .body {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(16rem, 34%);
        gap: 0.75rem;
        align-items: start;
      }
      @container (max-width: 760px) {
        .body {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      /* Presenter mode: the list takes the whole width, the inspector goes under it. */
      :host-context(html[data-presenter]) .body {
        grid-template-columns: minmax(0, 1fr);
      }
      /* Presenter mode: nothing in the list smaller than 16 px, readable from the back of a classroom. */
      :host-context(html[data-presenter]) .gutter,
      :host-context(html[data-presenter]) .older,
      :host-context(html[data-presenter]) .label,
      :host-context(html[data-presenter]) .decision,
      :host-context(html[data-presenter]) .note {
        font-size: 0.8rem;
      }
      .list {
        min-width: 0;
        border: 1px solid var(--_line);
        border-radius: 8px;
        overflow: hidden;
        background: var(--_bg);
      }
      .lane-names,
      .row {
        display: flex;
        align-items: stretch;
      }
      .lane-names {
        height: 2rem;
        border-bottom: 1px solid var(--_line);
        background: var(--_sunken);
        font-weight: 700;
      }
      .gutter {
        flex: none;
        width: 5.5rem;
        display: flex;
        flex-direction: column;
        justify-content: center;
        padding: 0 0.5rem;
        color: var(--_muted);
        font-variant-numeric: tabular-nums;
        font-size: 0.7rem;
        line-height: 1.15;
        white-space: nowrap;
        overflow: hidden;
      }
      .seq {
        color: var(--_fg);
      }
      .lanes {
        position: relative;
        flex: 1;
        min-width: 0;
      }
      .lane-name {
        position: absolute;
        top: 50%;
        transform: translate(-50%, -50%);
        white-space: nowrap;
        max-width: 10rem;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .lane-name.broker {
        color: var(--_accent);
      }
      .older {
        margin: 0;
        padding: 0.25rem 0.5rem;
        font-size: 0.75rem;
        color: var(--_muted);
        border-bottom: 1px dashed var(--_line);
      }
      .scroller {
        position: relative;
        contain: strict;
        height: var(--sequence-height, 22rem);
        overflow-y: auto;
        overflow-x: hidden;
        overscroll-behavior: contain;
      }
      .content {
        position: relative;
      }
      .lane-lines {
        position: absolute;
        inset: 0 0 0 5.5rem;
        pointer-events: none;
      }
      .lane-line {
        position: absolute;
        top: 0;
        bottom: 0;
        border-left: 1px dashed var(--_faint-line);
      }
      .lane-line.broker {
        border-left: 3px solid color-mix(in srgb, var(--_accent) 40%, transparent);
      }
      .row {
        contain: strict;
        position: absolute;
        left: 0;
        right: 0;
        height: var(--row-height, 30px);
        cursor: pointer;
      }
      .row:hover {
        background: color-mix(in srgb, var(--_fg) 5%, transparent);
      }
      .row.at-cursor {
        background: color-mix(in srgb, var(--_warn) 12%, transparent);
        box-shadow: inset 3px 0 0 var(--_warn);
      }
      .row.selected {
        background: color-mix(in srgb, var(--_accent) 16%, transparent);
        box-shadow: inset 3px 0 0 var(--_accent);
      }
      /* Inside a row, lengths are in rem like the row's height, so everything grows with presenter mode's type. */
      .arrow {
        position: absolute;
        top: 1.375rem;
        height: 0;
        border-top: 2px solid var(--_fg);
      }
      .kind-methods .arrow {
        border-top-color: var(--_muted);
      }
      .arrow::after {
        content: '';
        position: absolute;
        top: -6px;
        border: 5px solid transparent;
      }
      .arrow.rightward::after {
        right: -2px;
        border-left: 8px solid currentColor;
        border-right: 0;
      }
      .arrow.leftward::after {
        left: -2px;
        border-right: 8px solid currentColor;
        border-left: 0;
      }
      .kind-methods .arrow::after {
        color: var(--_muted);
      }
      .label {
        position: absolute;
        top: 0.125rem;
        padding-left: 6px;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        font-family: var(--_mono);
        font-size: 0.78rem;
        color: var(--_muted);
      }
      .label b {
        color: var(--_fg);
      }
      .kind-messages .label b {
        color: var(--_accent);
      }
      /* On a highlighted row the accent is drawn towards the text colour, to keep its contrast. */
      .row.at-cursor.kind-messages .label b,
      .row.selected.kind-messages .label b {
        color: color-mix(in srgb, var(--_accent) 75%, var(--_fg));
      }
      .decision {
        position: absolute;
        top: 0.25rem;
        height: 1.375rem;
        line-height: 1.25rem;
        padding: 0 0.4rem;
        border-radius: 4px;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        font-size: 0.78rem;
        max-width: 48%;
        transform: translateX(-50%);
        border: 1px solid currentColor;
        background: var(--_bg);
      }
      .decision.ok {
        color: var(--_ok);
      }
      .decision.warn {
        color: var(--_warn);
      }
      .decision.bad {
        color: var(--_bad);
      }
      .note {
        /* A line longer than the row is wide takes two lines of the row's height. */
        position: absolute;
        top: 50%;
        transform: translateY(-50%);
        max-width: 100%;
        max-height: calc(var(--row-height, 30px) - 2px);
        padding: 1px 0.4rem;
        border-radius: 4px;
        overflow: hidden;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-size: 0.75rem;
        line-height: 0.75rem;
        font-family: var(--_mono);
        background: color-mix(in srgb, var(--_warn) 12%, var(--_bg));
        border: 1px solid color-mix(in srgb, var(--_warn) 35%, transparent);
      }
      .note.process {
        font-style: italic;
        background: color-mix(in srgb, var(--_accent) 10%, var(--_bg));
        border-color: color-mix(in srgb, var(--_accent) 45%, transparent);
      }
      /* On the page's own background: the tint of other notes would take the red below 7:1 in presenter mode. */
      .note.stderr {
        color: var(--_bad);
        background: var(--_bg);
        border-color: color-mix(in srgb, var(--_bad) 45%, transparent);
      }
      .note.lost {
        color: var(--_bad);
        background: color-mix(in srgb, var(--_bad) 10%, var(--_bg));
        border-color: color-mix(in srgb, var(--_bad) 45%, transparent);
      }
      .label.error {
        color: var(--_bad);
      }
      .gap {
        position: absolute;
        inset: 0.25rem 0.5rem;
        font-style: italic;
        color: var(--_warn);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .empty {
        position: absolute;
        inset: 1rem;
        margin: 0;
        color: var(--_muted);
      }
    `,
  ];
}

/** Milliseconds since the run started, as the gutter shows them. */
function formatTime(ms: number): string {
  return ms < 10_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
