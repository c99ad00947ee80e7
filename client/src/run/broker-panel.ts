import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ModelWatcher } from './model-watcher.js';
import type { RunModel } from './run-model.js';
import { runTheme, tableStyles } from './run-styles.js';
import type { BindingInfo, ExchangeInfo, QueueInfo } from './topology-types.js';

declare global {
  interface HTMLElementTagNameMap {
    'broker-panel': BrokerPanelElement;
  }
}

/**
 * What the broker holds now, as rabbitmqctl would list it: queues with ready,
 * unacked and consumer counts (`list_queues name messages_ready
 * messages_unacknowledged consumers`), exchanges (`list_exchanges name type`)
 * and bindings (`list_bindings`). Counts follow the trace live and are set
 * right by each snapshot the broker sends.
 *
 * Stable hooks: queue rows are `tr[data-queue]` with cells `.ready`,
 * `.unacked`, `.consumers`; binding rows `tr[data-binding]`.
 */
@customElement('broker-panel')
export class BrokerPanelElement extends LitElement {
  /** The run whose broker to show. */
  @property({ attribute: false }) model?: RunModel;

  constructor() {
    super();
    new ModelWatcher(this);
  }

  protected override render() {
    const model = this.model;
    if (model === undefined) return nothing;
    const topology = model.topology();
    const queues = topology.queues.filter((queue) => queue.exists);
    const exchanges = topology.exchanges.filter((exchange) => exchange.exists);
    const builtIn = exchanges.filter((exchange) => exchange.name.startsWith('amq.') && !exchange.used);
    const shown = exchanges.filter((exchange) => !builtIn.includes(exchange));
    const bindings = topology.bindings.filter((binding) => binding.exists);
    const snapshot = model.brokerState;
    return html`
      <p class="as-of">
        ${
          snapshot === undefined
            ? 'Counted from the trace; the broker has not sent a snapshot yet.'
            : html`Counted from the trace live, checked against the broker's snapshot at #${snapshot.seq}.`
        }
      </p>
      <div class="tables">
        <table class="queues">
          <caption>
            Queues
            <code>list_queues</code>
          </caption>
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col" class="number">ready</th>
              <th scope="col" class="number">unacked</th>
              <th scope="col" class="number">consumers</th>
            </tr>
          </thead>
          <tbody>
            ${
              queues.length === 0
                ? html`<tr>
                    <td colspan="4" class="none">No queues.</td>
                  </tr>`
                : queues.map(renderQueue)
            }
          </tbody>
        </table>
        <table class="exchanges">
          <caption>
            Exchanges
            <code>list_exchanges</code>
          </caption>
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">type</th>
            </tr>
          </thead>
          <tbody>
            ${shown.map(renderExchange)}
          </tbody>
        </table>
        <table class="bindings">
          <caption>
            Bindings
            <code>list_bindings</code>
          </caption>
          <thead>
            <tr>
              <th scope="col">source</th>
              <th scope="col">destination</th>
              <th scope="col">routing key</th>
            </tr>
          </thead>
          <tbody>
            ${
              bindings.length === 0
                ? html`<tr>
                    <td colspan="3" class="none">No bindings.</td>
                  </tr>`
                : bindings.map(renderBinding)
            }
          </tbody>
        </table>
      </div>
      ${builtIn.length > 0 ? html`<p class="as-of">Also there, unused: ${builtIn.map((exchange) => exchange.name).join(', ')}.</p>` : nothing}
    `;
  }

  static override styles = [
    runTheme,
    tableStyles,
    css`
      :host {
        display: block;
        container-type: inline-size;
        min-width: 0;
      }
      .tables {
        display: grid;
        grid-template-columns: minmax(0, 1.3fr) minmax(0, 0.8fr) minmax(0, 1.3fr);
        gap: 1rem;
        align-items: start;
      }
      @container (max-width: 900px) {
        .tables {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      caption code {
        font-weight: 400;
        color: var(--_muted);
        font-size: 0.75rem;
      }
      .as-of,
      .none {
        color: var(--_muted);
        font-size: 0.8rem;
        margin: 0 0 0.5rem;
      }
      td.number {
        font-size: 1rem;
        font-weight: 700;
      }
      tr.gone td {
        color: var(--_muted);
      }
    `,
  ];
}

function renderQueue(queue: QueueInfo) {
  return html`<tr data-queue=${queue.name}>
    <td class="mono" title=${queue.name}>${queue.name}${queue.exclusive ? html` <span class="tag">(exclusive)</span>` : nothing}</td>
    <td class="number ready">${queue.ready}</td>
    <td class="number unacked">${queue.unacked}</td>
    <td class="number consumers">${queue.consumers}</td>
  </tr>`;
}

function renderExchange(exchange: ExchangeInfo) {
  return html`<tr data-exchange=${exchange.name}>
    <td class="mono">${exchange.name === '' ? '(AMQP default)' : exchange.name}</td>
    <td>${exchange.type}</td>
  </tr>`;
}

function renderBinding(binding: BindingInfo) {
  const args = Object.keys(binding.arguments).length > 0 ? ` ${JSON.stringify(binding.arguments)}` : '';
  return html`<tr data-binding=${binding.routingKey} data-source=${binding.source} data-destination=${binding.destination}>
    <td class="mono">${binding.source === '' ? '(AMQP default)' : binding.source}</td>
    <td class="mono">${binding.destination}${binding.destinationType === 'exchange' ? ' (exchange)' : ''}</td>
    <td class="mono">${binding.routingKey}${args}</td>
  </tr>`;
}
