import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ModelWatcher } from './model-watcher.js';
import { ctlRowCount, ctlTable, LIST_NAMES, type CtlTable, type ListName } from './rabbitmqctl-tables.js';
import type { RunModel } from './run-model.js';
import { runTheme, tableStyles } from './run-styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'broker-panel': BrokerPanelElement;
  }
}

/**
 * What `rabbitmqctl` would have printed at the moment the run cell shows
 * (the timeline's cursor): list_queues, list_exchanges, list_bindings,
 * list_consumers and list_connections, one at a time behind tabs, each
 * titled with the command a learner would type and with rabbitmqctl's
 * column names. Notes under a table say what the list leaves out: queues
 * already gone, and direct reply-to, which is not a queue.
 */
@customElement('broker-panel')
export class BrokerPanelElement extends LitElement {
  /** The run whose broker to show. */
  @property({ attribute: false }) model?: RunModel;

  /** The list shown. */
  @state() private list: ListName = 'list_queues';

  constructor() {
    super();
    new ModelWatcher(this);
  }

  protected override render() {
    const model = this.model;
    if (model === undefined) return nothing;
    const runState = model.state;
    const atEnd = model.ended && model.cursor >= model.lastSeq;
    const table = ctlTable(this.list, runState, { atEnd });
    const snapshot = model.brokerState;
    return html`
      <p class="moment">
        ${momentWords(model, atEnd)}${snapshot === undefined ? '' : ` The broker's own snapshot before it: #${snapshot.seq}.`}
      </p>
      <div class="tabs" role="tablist" aria-label="rabbitmqctl lists" @keydown=${this.onTabKey}>
        ${LIST_NAMES.map((list) => {
          const selected = list === this.list;
          return html`<button
            type="button"
            role="tab"
            id="tab-${list}"
            aria-selected=${selected ? 'true' : 'false'}
            aria-controls="list"
            tabindex=${selected ? 0 : -1}
            @click=${() => {
              this.list = list;
            }}
          >
            ${list} <span class="count">${ctlRowCount(list, runState)}</span>
          </button>`;
        })}
      </div>
      <div id="list" role="tabpanel" tabindex="0" aria-labelledby="tab-${this.list}">${renderTable(table)}</div>
    `;
  }

  /** Left and right arrows move between the tabs, as in any tab list. */
  private onTabKey(event: KeyboardEvent): void {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    event.stopPropagation();
    const at = LIST_NAMES.indexOf(this.list);
    const next = LIST_NAMES[(at + step + LIST_NAMES.length) % LIST_NAMES.length];
    if (next === undefined) return;
    this.list = next;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${next}`)?.focus());
  }

  static override styles = [
    runTheme,
    tableStyles,
    css`
      :host {
        display: block;
        min-width: 0;
      }
      .moment {
        color: var(--_muted);
        margin: 0 0 0.5rem;
      }
      .tabs {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        border-bottom: 2px solid var(--_line);
      }
      [role='tab'] {
        font: inherit;
        font-family: var(--_mono);
        font-size: 0.95rem;
        padding: 0.35rem 0.7rem;
        border: 1px solid var(--_line);
        border-bottom: none;
        border-radius: 6px 6px 0 0;
        background: var(--_sunken);
        color: var(--_fg);
        cursor: pointer;
        margin-bottom: -2px;
      }
      [role='tab'][aria-selected='true'] {
        background: var(--_bg);
        border-color: var(--_fg);
        border-bottom: 2px solid var(--_bg);
        font-weight: 700;
      }
      [role='tab'] .count {
        display: inline-block;
        min-width: 1.4em;
        padding: 0 0.3em;
        border-radius: 0.7em;
        background: var(--_faint-line);
        text-align: center;
        font-weight: 600;
      }
      [role='tabpanel'] {
        padding-top: 0.5rem;
        overflow-x: auto;
      }
      .command {
        font-family: var(--_mono);
        font-size: 0.95rem;
        font-weight: 700;
        margin: 0 0 0.5rem;
        overflow-wrap: anywhere;
      }
      .command::before {
        content: '$ ';
        color: var(--_muted);
      }
      table {
        font-size: 1rem;
        font-family: var(--_mono);
      }
      th {
        font-size: 0.85rem;
        white-space: nowrap;
      }
      td.number {
        font-weight: 700;
      }
      .stand-in,
      .none {
        color: var(--_muted);
      }
      .notes {
        margin: 0.5rem 0 0;
        padding-left: 1.2rem;
      }
      .notes li {
        margin: 0.25rem 0;
      }
      :host-context(html[data-presenter]) table,
      :host-context(html[data-presenter]) .command,
      :host-context(html[data-presenter]) [role='tab'] {
        font-size: 1.15rem;
      }
      :host-context(html[data-presenter]) th {
        font-size: 1rem;
      }
    `,
  ];
}

/** Which moment the lists are of, in words. */
function momentWords(model: RunModel, atEnd: boolean): string {
  if (model.lastSeq === 0) return 'What rabbitmqctl would print, once the run starts.';
  if (atEnd) return `What rabbitmqctl would have printed at the end of the run (event #${model.cursor}).`;
  if (model.live) return `What rabbitmqctl would print now (event #${model.cursor}).`;
  return `What rabbitmqctl would have printed at event #${model.cursor}, where the timeline is.`;
}

function renderTable(table: CtlTable) {
  return html`
    <p class="command">${table.command}</p>
    <table>
      <caption class="sr-only">
        ${table.list}
      </caption>
      <thead>
        <tr>
          ${table.columns.map((column) => html`<th scope="col" class=${column.number ? 'number' : ''} title=${column.meaning}>${column.name}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${
          table.rows.length === 0
            ? html`<tr>
                <td colspan=${table.columns.length} class="none">${table.empty}</td>
              </tr>`
            : table.rows.map(
                (row) =>
                  html`<tr>
                    ${row.map(
                      (cell, index) =>
                        html`<td
                          class="${table.columns[index]?.number === true ? 'number' : ''} ${cell.standIn === true ? 'stand-in' : ''}"
                        >
                          ${cell.text}
                        </td>`,
                    )}
                  </tr>`,
              )
        }
      </tbody>
    </table>
    ${
      table.notes.length > 0
        ? html`<ul class="notes">
            ${table.notes.map((note) => html`<li>${note}</li>`)}
          </ul>`
        : nothing
    }
  `;
}
