import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ModelWatcher } from './model-watcher.js';
import type { RunModel } from './run-model.js';
import { formatCount } from './number-format.js';
import { runTheme } from './run-styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'run-counters': RunCountersElement;
  }
}

/**
 * The run's totals and rates: published, delivered, acked, requeued,
 * dropped, and messages per second; nacked, returned, dead-lettered,
 * confirmed and lost (with automatic acknowledgement, in a program that
 * stopped) appear once they happen.
 *
 * Stable hooks: each figure is `[data-counter]` (published, delivered, ...,
 * rate) with its number in `data-value`.
 */
@customElement('run-counters')
export class RunCountersElement extends LitElement {
  /** The run to count. */
  @property({ attribute: false }) model?: RunModel;

  constructor() {
    super();
    new ModelWatcher(this);
  }

  protected override render() {
    const model = this.model;
    if (model === undefined) return nothing;
    const counters = model.counters;
    const rates = model.rates;
    const optional: [string, string, number][] = [
      ['nacked', 'nacked', counters.nacked],
      ['returned', '↩ returned', counters.returned],
      ['deadLettered', '☠ dead-lettered', counters.deadLettered],
      ['confirmed', 'confirmed', counters.confirmed],
      ['lost', '✕ lost', counters.lost],
    ];
    return html`<dl>
      ${figure('published', 'published', counters.published)} ${figure('delivered', 'delivered', counters.delivered)}
      ${figure('acked', '✓ acked', counters.acked)}
      ${figure('requeued', '↺ requeued', counters.requeued, counters.requeued > 0 ? 'warn' : '')}
      ${figure('dropped', '✕ dropped', counters.dropped, counters.dropped > 0 ? 'bad' : '')}
      ${optional.filter(([, , count]) => count > 0).map(([name, label, count]) => figure(name, label, count, name === 'deadLettered' || name === 'lost' ? 'bad' : ''))}
      <div class="figure rate" data-counter="rate" data-value=${Math.round(rates.published)}>
        <dt>msgs/s</dt>
        <dd>${formatRate(rates.published)} <span class="unit">in</span> · ${formatRate(rates.delivered)} <span class="unit">out</span></dd>
      </div>
    </dl>`;
  }

  static override styles = [
    runTheme,
    css`
      :host {
        display: block;
      }
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin: 0;
      }
      .figure {
        display: flex;
        flex-direction: column-reverse;
        min-width: 6.5rem;
        padding: 0.35rem 0.75rem;
        border: 1px solid var(--_line);
        border-radius: 8px;
        background: var(--_bg);
      }
      dt {
        font-size: 0.8rem;
        color: var(--_muted);
      }
      dd {
        margin: 0;
        font-size: 1.5rem;
        font-weight: 800;
        font-variant-numeric: tabular-nums;
        line-height: 1.2;
      }
      .warn dd,
      .warn dt {
        color: var(--_warn);
      }
      .bad dd,
      .bad dt {
        color: var(--_bad);
      }
      .rate {
        margin-left: auto;
      }
      .unit {
        font-size: 0.8rem;
        font-weight: 400;
        color: var(--_muted);
      }
    `,
  ];
}

function figure(name: string, label: string, value: number, tone = '') {
  return html`<div class="figure ${tone}" data-counter=${name} data-value=${value}>
    <dt>${label}</dt>
    <dd>${formatCount(value)}</dd>
  </div>`;
}

function formatRate(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(1) : formatCount(perSecond);
}
