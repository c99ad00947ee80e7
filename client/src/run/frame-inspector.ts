import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { BrokerDecisionEvent, FrameEvent, JsonValue, MessageView, TraceGapEvent } from '../../../server/protocol/index.js';
import { exchangeName, keyText } from './event-labels.js';
import type { RunModel } from './run-model.js';
import { formatCount } from './number-format.js';
import { restartText } from '../../../server/model/restart-words.js';
import { logText } from './process-notes.js';
import { runTheme, tableStyles } from './run-styles.js';
import type { SequenceRow } from './sequence-rows.js';

declare global {
  interface HTMLElementTagNameMap {
    'frame-inspector': FrameInspectorElement;
  }
}

/**
 * One trace event in full: for a frame its method's fields, the message's
 * properties and body, and where and when it went (seq, time, channel,
 * direction); for a broker decision the bindings it matched and why; for a
 * log line, the line.
 */
@customElement('frame-inspector')
export class FrameInspectorElement extends LitElement {
  /** The row to show; nothing selected shows a hint. */
  @property({ attribute: false }) row?: SequenceRow;
  /** The run, to name connections and consumers' queues. */
  @property({ attribute: false }) model?: RunModel;

  override connectedCallback(): void {
    super.connectedCallback();
    // Focusable, so Enter in the sequence list can bring the reader here.
    if (!this.hasAttribute('tabindex')) this.tabIndex = -1;
  }

  protected override render() {
    const event = this.row?.event;
    if (event === undefined) {
      return html`<section role="group" aria-label="Frame inspector">
        <p class="hint">Select a row to see its fields, properties and body. Arrow keys move through the rows.</p>
      </section>`;
    }
    switch (event.kind) {
      case 'frame':
        return this.renderFrame(event);
      case 'broker':
        return renderDecision(event, this.model?.decidedBody(event.seq));
      case 'log':
        return html`<section role="group" aria-label="Frame inspector">
          <h3>
            ${event.process !== undefined ? "The program's process" : event.stream === 'stderr' ? 'Line on stderr' : 'Log line'}
            <span class="where">#${event.seq} · ${formatTime(event.time)} · ${event.actor}</span>
          </h3>
          <pre class="body">${logText(event)}</pre>
        </section>`;
      case 'restart':
        return html`<section role="group" aria-label="Frame inspector">
          <h3>The broker restarted <span class="where">#${event.seq} · ${formatTime(event.time)}</span></h3>
          <p>${restartText(event)}.</p>
        </section>`;
      case 'gap':
        return renderGap(event);
    }
  }

  private renderFrame(event: FrameEvent): TemplateResult {
    const actor = this.model?.laneOf(event.actor) ?? event.actor;
    const direction = event.direction === 'to-broker' ? `${actor} → broker` : `broker → ${actor}`;
    const consumerTag = event.method === 'basic.deliver' ? event.fields.consumerTag : undefined;
    const queue = consumerTag !== undefined ? this.model?.consumerQueue(event.actor, event.channel, consumerTag) : undefined;
    return html`<section role="group" aria-label="Frame inspector">
      <h3 class="mono">${event.method}</h3>
      <p class="where">
        #${event.seq} · ${formatTime(event.time)} · ${direction} · channel ${event.channel}
        ${actor !== event.actor ? html` · shown as ${event.actor} before it named itself` : nothing}
      </p>
      ${queue !== undefined ? html`<p class="where">from queue <span class="mono">${queue}</span></p>` : nothing}
      ${fieldTable('Fields', event.fields, fieldText)} ${event.message !== undefined ? renderMessage(event.message) : nothing}
    </section>`;
  }

  static override styles = [
    runTheme,
    tableStyles,
    css`
      :host {
        display: block;
        min-width: 0;
        border: 1px solid var(--_line);
        border-radius: 8px;
        padding: 0.5rem 0.75rem;
        background: var(--_bg);
        max-height: calc(var(--sequence-height, 22rem) + 2rem);
        overflow: auto;
        font-size: 0.875rem;
      }
      h3 {
        margin: 0 0 0.25rem;
        font-size: 1rem;
      }
      h3 .where {
        font-weight: 400;
      }
      .mono {
        font-family: var(--_mono);
      }
      .where,
      .hint {
        margin: 0 0 0.5rem;
        color: var(--_muted);
      }
      .body {
        margin: 0.25rem 0 0;
        padding: 0.5rem;
        background: var(--_sunken);
        border-radius: 6px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-family: var(--_mono);
        font-size: 0.8rem;
      }
      table {
        margin-bottom: 0.5rem;
      }
      ul {
        margin: 0.25rem 0 0.5rem;
        padding-left: 1.25rem;
        font-family: var(--_mono);
        font-size: 0.8rem;
      }
      .decision-ok {
        color: var(--_ok);
      }
      .decision-warn {
        color: var(--_warn);
      }
      .decision-bad {
        color: var(--_bad);
      }
    `,
  ];
}

function renderMessage(message: MessageView): TemplateResult {
  const properties =
    Object.keys(message.properties).length > 0
      ? fieldTable('Properties', message.properties)
      : html`<p class="where">No properties set.</p>`;
  return html`${properties}
    <h4 class="where">Body: ${formatCount(message.bodySize)} bytes</h4>
    <pre class="body">${message.bodyPreview}</pre>`;
}

/** A broker decision, with the body of the message it was about when the run knows it. */
function renderDecision(event: BrokerDecisionEvent, body: string | undefined): TemplateResult {
  const tone = event.decision === 'routed' ? 'ok' : event.decision === 'requeued' ? 'warn' : 'bad';
  return html`<section role="group" aria-label="Frame inspector">
    <h3 class="decision-${tone}">Broker: ${event.decision}</h3>
    <p class="where">#${event.seq} · ${formatTime(event.time)}</p>
    <table>
      <tbody>
        ${
          event.exchange !== '' || event.routingKey !== ''
            ? html` <tr>
                  <th scope="row">exchange</th>
                  <td class="mono">${exchangeName(event.exchange)}</td>
                </tr>
                <tr>
                  <th scope="row">routing key</th>
                  <td class="mono">${keyText(event.routingKey)}</td>
                </tr>`
            : nothing
        }
        ${
          body !== undefined
            ? html`<tr>
                <th scope="row">message</th>
                <td class="mono">${body}</td>
              </tr>`
            : nothing
        }
        ${
          event.reason !== undefined
            ? html`<tr>
                <th scope="row">why</th>
                <td>${event.reason}</td>
              </tr>`
            : nothing
        }
        ${
          event.to !== undefined
            ? html`<tr>
                <th scope="row">to</th>
                <td class="mono">${event.to}</td>
              </tr>`
            : nothing
        }
      </tbody>
    </table>
    ${
      event.matchedBindings.length > 0
        ? html`<h4 class="where">Bindings that matched</h4>
            <ul>
              ${event.matchedBindings.map((binding) => html`<li>${binding}</li>`)}
            </ul>`
        : nothing
    }
    ${
      event.queues.length > 0
        ? html`<h4 class="where">Queues</h4>
            <ul>
              ${event.queues.map((queue) => html`<li>${queue}</li>`)}
            </ul>`
        : nothing
    }
  </section>`;
}

function renderGap(event: TraceGapEvent): TemplateResult {
  return html`<section role="group" aria-label="Frame inspector">
    <h3>${formatCount(event.dropped)} events not shown</h3>
    <p class="where">The page could not keep up, so the server summarised them. They still count in the totals.</p>
    ${fieldTable('By method or decision', event.counts)}
  </section>`;
}

/** A name/value table; `show` may render a value its own way. */
function fieldTable(
  caption: string,
  fields: Record<string, JsonValue>,
  show: (name: string, value: JsonValue) => string | undefined = () => undefined,
): TemplateResult {
  const entries = Object.entries(fields);
  if (entries.length === 0) return html`<p class="where">${caption}: none.</p>`;
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <tbody>
      ${entries.map(
        ([name, value]) =>
          html`<tr>
            <th scope="row">${name}</th>
            <td class="mono">${show(name, value) ?? formatValue(value)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** A frame's field where an empty value has a name: the default exchange, and an empty routing key. */
function fieldText(name: string, value: JsonValue): string | undefined {
  if (value !== '') return undefined;
  if (name === 'exchange' || name === 'source') return exchangeName(value);
  if (name === 'routingKey') return keyText(value);
  return undefined;
}

function formatValue(value: JsonValue): string {
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

function formatTime(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(3)} s`;
}
