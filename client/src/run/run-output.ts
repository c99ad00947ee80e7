import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ProgramActions } from './actor-actions.js';
import './broker-panel.js';
import './run-counters.js';
import type { RunModel } from './run-model.js';
import { runTheme } from './run-styles.js';
import './sequence-view.js';
import './topology-view.js';

declare global {
  interface HTMLElementTagNameMap {
    'run-output': RunOutputElement;
  }
}

/** How often the inherited --animation-speed is read when no speed is given. */
const SPEED_CHECK_MS = 1000;

/**
 * A run cell's live output: totals and rates, the topology picture with
 * every message moving, the sequence of protocol events with the frame
 * inspector, and the broker's queues, exchanges and bindings.
 *
 * Colours come from --warren-bg, --warren-fg, --warren-accent,
 * --warren-muted, --warren-ok, --warren-warn and --warren-bad when set, else
 * from the workbook theme. The animation speed is the `speed` property, or
 * else the inherited --animation-speed custom property, or 1.
 */
@customElement('run-output')
export class RunOutputElement extends LitElement {
  /** The run to show. */
  @property({ attribute: false }) model?: RunModel;
  /** Animation speed: 1 normal, 2 twice as fast, 0 no travel; unset follows --animation-speed. */
  @property({ type: Number }) speed?: number;
  /** What a person can do to the run's programs from the picture, while it goes; unset, nothing. */
  @property({ attribute: false }) actions?: ProgramActions;
  /** Large type and roomier views, for a projector. */
  @property({ type: Boolean, reflect: true }) presenter = false;

  @state() private _inheritedSpeed = 1;
  private speedTimer = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.readInheritedSpeed();
    this.speedTimer = window.setInterval(() => this.readInheritedSpeed(), SPEED_CHECK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.clearInterval(this.speedTimer);
  }

  private readInheritedSpeed(): void {
    if (this.speed !== undefined) return;
    const inherited = Number.parseFloat(getComputedStyle(this).getPropertyValue('--animation-speed'));
    this._inheritedSpeed = Number.isFinite(inherited) && inherited >= 0 ? inherited : 1;
  }

  protected override render() {
    const speed = this.speed ?? this._inheritedSpeed;
    return html`
      <run-counters .model=${this.model}></run-counters>
      <section class="picture" role="group" aria-label="Topology">
        <topology-view .model=${this.model} .speed=${speed} .actions=${this.actions}></topology-view>
      </section>
      <details class="panel" open>
        <summary>Sequence of protocol events</summary>
        <sequence-view .model=${this.model}></sequence-view>
      </details>
      <details class="panel" open>
        <summary>Broker at this moment (rabbitmqctl)</summary>
        <broker-panel .model=${this.model}></broker-panel>
      </details>
    `;
  }

  static override styles = [
    runTheme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
        min-width: 0;
        width: 100%;
        --sequence-height: 20rem;
      }
      :host([presenter]) {
        font-size: 1.2rem;
        --sequence-height: 26rem;
        --topology-max-scale: 2;
      }
      :host-context(html[data-presenter]) {
        --sequence-height: 26rem;
        --topology-max-scale: 2;
      }
      .picture {
        border: 1px solid var(--_line);
        border-radius: 10px;
        background: var(--_bg);
        padding: 0.25rem;
      }
      .panel > summary {
        cursor: pointer;
        font-weight: 700;
        padding: 0.25rem 0;
        margin-bottom: 0.25rem;
      }
    `,
  ];
}
