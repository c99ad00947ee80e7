import { LitElement, css, html, nothing, svg, type PropertyValues, type SVGTemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { REPLY_CODE_NAMES } from '../../../server/amqp/reply-codes.js';
import { DIRECT_REPLY_TO } from '../../../server/model/routing.js';
import { offeredActions, type OfferedAction, type ProgramActions } from './actor-actions.js';
import './actor-menu.js';
import { BusyThrottle } from './busy-throttle.js';
import { EDGE_LABEL_HEIGHT, areasToKeepClear, edgeLabelWidth, placeDotLabel, type Area } from './dot-labels.js';
import { EMPTY_KEY, keyText } from './event-labels.js';
import { MoveAnimator, type FlightPosition, type OverflowCount } from './move-animator.js';
import { MovePaths } from './move-paths.js';
import type { MessageMove } from './message-moves.js';
import type { RunModel } from './run-model.js';
import { formatCount } from './number-format.js';
import { runTheme } from './run-styles.js';
import {
  LINE_HEIGHT,
  layoutTopology,
  nameCharsFitting,
  pathOf,
  type LaidEdge,
  type LaidNode,
  type TopologyLayout,
} from './topology-layout.js';
import type { ActorInfo, ConsumerInfo, ExchangeInfo, QueueInfo, Topology } from './topology-types.js';

declare global {
  interface HTMLElementTagNameMap {
    'topology-view': TopologyViewElement;
  }
}

/** How much larger presenter mode writes a dot's name: 16 px over 13 px. */
const PRESENTER_DOT_LABEL_SCALE = 16 / 13;
/** How much larger presenter mode draws an arrow's label (the styles' scale(1.2)). */
const PRESENTER_EDGE_LABEL_SCALE = 1.2;

/**
 * What an arrow says: a binding's key (with how many messages it matched), or that dead letters go that way. One
 * label for the dead letters into one exchange, on the first of their arrows. `key` is the key in full.
 */
function edgeLabelOf(
  edge: LaidEdge,
  exchanges: Map<string, ExchangeInfo>,
  edges: readonly LaidEdge[],
): { text: string; key: string } | undefined {
  if (edge.kind === 'dead-letter') {
    // Dead letters into one exchange share the way along the bottom: one label says it.
    const first = edges.find((other) => other.kind === 'dead-letter' && other.to === edge.to);
    return first === edge ? { text: '☠ dead letters', key: 'dead letters' } : undefined;
  }
  const binding = edge.binding;
  if (binding === undefined) return undefined;
  const type = exchanges.get(binding.source)?.type;
  let key = binding.routingKey;
  if (type === 'fanout') key = 'any key';
  else if (type === 'headers')
    key =
      Object.entries(binding.arguments)
        .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(', ') || 'any';
  else if (key === '') key = EMPTY_KEY;
  else if (binding.destination === DIRECT_REPLY_TO) key = 'replies';
  // Labels fit the gap between the columns: long keys (a reply queue's name) are cut, in full in the title.
  const text = binding.matched > 0 ? `${shorten(key, 12)} · ${formatCount(binding.matched)}` : shorten(key, 20);
  return { text, key };
}

/** A menu that closed this long before a click on its own box was closed by that click (its press took the focus). */
const CLOSED_BY_THIS_CLICK_MS = 1000;

/** The picture is never drawn smaller than this (its text would be unreadable): a narrow page scrolls it sideways instead. */
const MIN_SCALE = 0.75;

/** A consumer's status line longer than this (in characters) would spill past the picture's edge if centred under its box. */
const STATUS_CENTRED_CHARS = 20;

/** At most this many dots carry their message's name at once, so names stay readable. */
const NAMED_DOTS = 8;
/** Room a dot's name takes beside it (up to 22 characters, small type). */
const DOT_LABEL_WIDTH = 160;

/** How each kind of move looks besides its colour: a mark and the words for it. */
const MOVE_LOOK: Record<MessageMove['kind'], { mark: string; words: string; tone: 'ok' | 'warn' | 'bad' }> = {
  publish: { mark: '', words: '', tone: 'ok' },
  route: { mark: '', words: '', tone: 'ok' },
  deliver: { mark: '', words: '', tone: 'ok' },
  return: { mark: '↩', words: 'returned', tone: 'warn' },
  unroutable: { mark: '✕', words: 'unroutable', tone: 'bad' },
  requeue: { mark: '↺', words: 'requeued', tone: 'warn' },
  'dead-letter': { mark: '☠', words: 'dead-lettered', tone: 'bad' },
  expire: { mark: '◷', words: 'expired', tone: 'bad' },
  drop: { mark: '✕', words: 'dropped', tone: 'bad' },
  lost: { mark: '✕', words: 'lost', tone: 'bad' },
};

/**
 * The run's topology, left to right: producers, exchanges, queues,
 * consumers; bindings labelled with their keys and how many messages each
 * matched; queues with their ready and unacked counts. Every message moves
 * along its path as a dot; unroutable, dropped and expired messages fall off
 * with their reason written beside them, requeued ones go back to their queue
 * (↺), dead-lettered ones go to the dead-letter exchange (☠).
 *
 * Stable hooks: queues are `[data-queue]` with `data-received`, `data-ready`,
 * `data-unacked`; exchanges `[data-exchange]` with `data-unroutable`; actors
 * `[data-actor]` with `data-role` (producer or consumer).
 *
 * @csspart picture - the SVG.
 */
@customElement('topology-view')
export class TopologyViewElement extends LitElement {
  /** The run to draw. */
  @property({ attribute: false }) model?: RunModel;
  /** Animation speed: 1 is normal, 2 twice as fast, 0 no travel. */
  @property({ type: Number }) speed = 1;
  /** What a person can do to the run's programs, while it goes: each actor's box opens a menu of it. Unset, none. */
  @property({ attribute: false }) actions?: ProgramActions;

  /** The actor whose menu is open, and where the menu stands in the frame. */
  @state() private _menu: { actor: string; top: number; left?: number; right?: number } | undefined;
  /** The menu just opened: its first item takes the focus once drawn. */
  private focusMenu = false;
  /** The menu last closed by a click elsewhere, and when: a click on its own box closes it rather than opening it again. */
  private lastClosed: { actor: string; at: number } | undefined;

  private readonly animator = new MoveAnimator();
  private layout: TopologyLayout | undefined;
  private topology: Topology | undefined;
  private paths: MovePaths | undefined;
  /** Increases when the picture (all but the dots) must be drawn again. */
  private pictureVersion = 0;
  /** What the dots' names must leave readable, for one picture in or out of presenter mode. */
  private _keepClear: { layout: TopologyLayout; presenter: boolean; areas: readonly Area[] } | undefined;
  private readonly throttle = new BusyThrottle(
    () => this.redrawPicture(),
    () => this.model?.lastSeq ?? 0,
  );
  private nextMoveId = 1;
  private unsubscribe: (() => void) | undefined;
  private frameRequest = 0;
  private readonly reducedMotion = globalThis.matchMedia('(prefers-reduced-motion: reduce)');
  /** Whether the picture is wider than the view and part of it is out of sight until scrolled to. */
  @state() private _cutOff = false;
  private readonly sizeObserver = new ResizeObserver(() => this.checkCutOff());
  private observed: Element | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.reducedMotion.addEventListener('change', this.handleMotionPreference);
    this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.reducedMotion.removeEventListener('change', this.handleMotionPreference);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.throttle.cancel();
    cancelAnimationFrame(this.frameRequest);
    this.frameRequest = 0;
    this.sizeObserver.disconnect();
    this.observed = undefined;
  }

  /** Watches the scroller and the picture in it, once they are drawn, for a picture wider than its view. */
  protected override updated(): void {
    if (this.focusMenu) {
      this.focusMenu = false;
      const menu = this.renderRoot.querySelector('actor-menu');
      void menu?.updateComplete.then(() => menu.focusFirst());
    }
    const stage = this.renderRoot.querySelector('.stage');
    if (stage === null || stage === this.observed) return;
    this.sizeObserver.disconnect();
    this.observed = stage;
    this.sizeObserver.observe(stage);
    const scroller = stage.parentElement;
    if (scroller !== null) this.sizeObserver.observe(scroller);
  }

  private checkCutOff(): void {
    const scroller = this.observed?.parentElement;
    const cutOff = scroller !== null && scroller !== undefined && scroller.scrollWidth > scroller.clientWidth + 1;
    if (cutOff !== this._cutOff) this._cutOff = cutOff;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('model')) this.follow();
    if (changed.has('actions') && this.actions === undefined) this._menu = undefined;
    this.animator.speed = this.speed;
    this.animator.reducedMotion = this.reducedMotion.matches;
  }

  /** Listens to the current model, starting from its present: earlier moves are not replayed. */
  private follow(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.animator.clear();
    this.throttle.cancel();
    if (this.model === undefined || !this.isConnected) return;
    this.nextMoveId = this.model.nextMoveId;
    this.unsubscribe = this.model.subscribe(this.handleModelChange);
    this.redrawPicture();
  }

  private readonly handleModelChange = (): void => {
    const model = this.model;
    if (model === undefined) return;
    if (model.nextMoveId < this.nextMoveId) {
      // The model started its moves over (a new run, or the cursor jumped): the dots on their way go, the new moves play.
      this.animator.clear();
      this.nextMoveId = 1;
    }
    // Redraws the picture (now, or soon in a flood) before placing dots on it.
    this.throttle.changed();
    const { moves, missed } = model.movesSince(this.nextMoveId);
    this.nextMoveId = model.nextMoveId;
    this.animator.notDrawn += missed;
    const now = performance.now();
    for (const move of moves) {
      const path = this.paths?.pathOf(move);
      if (path !== undefined) this.animator.add(move, path.curve, path.lane, now);
    }
    this.requestUpdate();
    this.keepAnimating();
  };

  private readonly handleMotionPreference = (): void => {
    this.requestUpdate();
  };

  /** Redraws every frame while dots are moving. */
  private keepAnimating(): void {
    if (this.frameRequest !== 0 || !this.animator.busy) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.requestUpdate();
      this.keepAnimating();
    });
  }

  /** Takes the model's topology as it is now, for the next picture. */
  private redrawPicture(): void {
    if (this.model === undefined) return;
    this.topology = this.model.topology();
    this.layout = layoutTopology(this.topology);
    this.paths = new MovePaths(this.layout);
    this.pictureVersion += 1;
    this.requestUpdate();
  }

  protected override render() {
    const layout = this.layout;
    const topology = this.topology;
    if (layout === undefined || topology === undefined || layout.nodes.length === 0) {
      return html`<p class="empty">Producers, exchanges, queues and consumers appear here as the run declares them.</p>`;
    }
    const paths = this.paths;
    const { dots, overflow } = this.animator.frame(performance.now(), (move) => paths?.pathOf(move)?.curve);
    // In a flood, names would flicker past unread: dots go unnamed while edges count.
    const named = overflow.length > 0 ? new Set<FlightPosition>() : namedDots(dots);
    const viewBox = `0 0 ${layout.width} ${layout.height}`;
    // Presenter mode writes the dots' names and the arrows' labels larger (see the styles): the names' places make room.
    const presenter = this.ownerDocument.documentElement.hasAttribute('data-presenter');
    const textScale = presenter ? PRESENTER_DOT_LABEL_SCALE : 1;
    const keepClear = this.keepClear(layout, topology, presenter);
    const offered = this.offeredOnActors(topology);
    const menu = this._menu;
    const menuOffered = menu === undefined ? undefined : offered.get(menu.actor);
    // The picture is drawn again when what its actors offer changes, or their menu opens or closes.
    const actionsKey = [...offered].map(([actor, choices]) => `${actor}:${choices.map((choice) => choice.action).join(',')}`).join(';');
    // The picture redraws when the run changes (a few times a second in a flood); the dots every frame, on a layer of their own.
    // A picture wider than its view says so, and can be scrolled from the keyboard.
    return html`
      ${
        this._cutOff
          ? html`<p class="cut-off" id="cut-off">
              <span aria-hidden="true">⇆</span> Part of the picture is out of sight: scroll it sideways, or widen the window, to see all of
              it.
            </p>`
          : nothing
      }
      <div class="frame">
        <div
          class="scroller ${this._cutOff ? 'cut-off' : ''}"
          tabindex=${this._cutOff ? '0' : nothing}
          aria-describedby=${this._cutOff ? 'cut-off' : nothing}
        >
          <div
            class="stage"
            style="aspect-ratio: ${layout.width} / ${layout.height}; max-width: calc(var(--topology-max-scale, 1.25) * ${layout.width}px);
          min-width: ${Math.round(layout.width * MIN_SCALE)}px"
          >
            ${guard([this.pictureVersion, actionsKey, menu?.actor], () => this.renderPicture(layout, topology, offered))}
            <svg class="dots-layer" viewBox=${viewBox} aria-hidden="true">
              <g class="dots">${dots.map((dot) => renderDot(dot, named.has(dot), keepClear, textScale))}</g>
              <g class="overflow">${overflow.map(renderOverflow)}</g>
            </svg>
          </div>
        </div>
        ${
          menu !== undefined && menuOffered !== undefined
            ? html`<actor-menu
                .actor=${menu.actor}
                .offered=${menuOffered}
                style=${`top: ${menu.top}px; ${menu.left !== undefined ? `left: ${menu.left}px` : `right: ${menu.right ?? 0}px`}`}
                @menu-close=${this.handleMenuClose}
              ></actor-menu>`
            : nothing
        }
      </div>
      ${
        this.animator.notDrawn > 0
          ? html`<p class="note">
              ${formatCount(this.animator.notDrawn)} messages moved faster than they can be drawn: counted on their edges instead.
            </p>`
          : nothing
      }
    `;
  }

  private renderPicture(layout: TopologyLayout, topology: Topology, offered: ReadonlyMap<string, OfferedAction[]>) {
    const byName = {
      actors: new Map(topology.actors.map((actor) => [actor.name, actor])),
      exchanges: new Map(topology.exchanges.map((exchange) => [exchange.name, exchange])),
      queues: new Map(topology.queues.map((queue) => [queue.name, queue])),
    };
    return html`<svg
      part="picture"
      viewBox="0 0 ${layout.width} ${layout.height}"
      role="group"
      aria-label="Topology: ${describeTopology(topology)}"
      @click=${this.handlePictureClick}
      @keydown=${this.handlePictureKey}
    >
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0 0L10 5L0 10z" class="arrowhead"></path>
        </marker>
      </defs>
      <g class="edges">${layout.edges.map((edge) => this.renderEdge(edge))}</g>
      <g class="nodes">${layout.nodes.map((node) => this.renderNode(node, topology, byName, offered))}</g>
      <g class="edge-labels">${layout.edges.map((edge) => this.renderEdgeLabel(edge, byName.exchanges, layout.edges))}</g>
    </svg>`;
  }

  private renderEdge(edge: LaidEdge): SVGTemplateResult {
    return svg`<path class="edge ${edge.kind}" d=${pathOf(edge.curve)} marker-end="url(#arrow)"></path>`;
  }

  private renderEdgeLabel(edge: LaidEdge, exchanges: Map<string, ExchangeInfo>, edges: LaidEdge[]): SVGTemplateResult | typeof nothing {
    const written = edgeLabelOf(edge, exchanges, edges);
    if (written === undefined) return nothing;
    const binding = edge.binding;
    if (binding === undefined) return label(edge.labelAt.x, edge.labelAt.y, written.text, 'edge-label bad');
    return svg`<g data-binding=${binding.routingKey} data-source=${binding.source} data-destination=${binding.destination}
      data-matched=${binding.matched}><title>${written.key}: ${binding.matched} matched</title>${label(edge.labelAt.x, edge.labelAt.y, written.text, 'edge-label binding-label')}</g>`;
  }

  /** What each actor in the picture offers now: only actors with something to offer are in the map. */
  private offeredOnActors(topology: Topology): Map<string, OfferedAction[]> {
    const offered = new Map<string, OfferedAction[]>();
    const actions = this.actions;
    if (actions === undefined) return offered;
    for (const actor of topology.actors) {
      const choices = offeredActions(actor.name, actions, actions.isRunning(actor.name));
      if (choices.length > 0) offered.set(actor.name, choices);
    }
    return offered;
  }

  /** How an actor's box acts as the button that opens its menu, if it offers anything. */
  private actorControl(actor: string, offered: ReadonlyMap<string, OfferedAction[]>): ActorControl | undefined {
    const choices = offered.get(actor);
    if (choices === undefined) return undefined;
    return { expanded: this._menu?.actor === actor, choices: choices.map((choice) => choice.label.toLowerCase()).join(', ') };
  }

  private readonly handlePictureClick = (event: MouseEvent): void => {
    const box = actorBoxOf(event.target);
    if (box === undefined) return;
    const closed = this.lastClosed;
    this.lastClosed = undefined;
    if (closed !== undefined && closed.actor === box.dataset.actionsOf && performance.now() - closed.at < CLOSED_BY_THIS_CLICK_MS) return;
    this.toggleMenu(box);
  };

  private readonly handlePictureKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter' && event.key !== ' ' && event.key !== 'ArrowDown') return;
    const box = actorBoxOf(event.target);
    if (box === undefined) return;
    event.preventDefault();
    if (this._menu?.actor !== box.dataset.actionsOf) this.toggleMenu(box);
    else this.focusMenu = true;
    this.requestUpdate();
  };

  /** Opens the menu of the actor whose box this is, under the box, or closes it if it is open. */
  private toggleMenu(box: SVGGElement): void {
    const actor = box.dataset.actionsOf ?? '';
    if (this._menu?.actor === actor) {
      this._menu = undefined;
      return;
    }
    const frame = this.renderRoot.querySelector('.frame');
    if (frame === null) return;
    const at = box.getBoundingClientRect();
    const within = frame.getBoundingClientRect();
    const top = Math.round(at.bottom - within.top + 4);
    // Under the box, reaching inwards: a box in the right half has its menu end at its right side.
    const rightHalf = at.left + at.width / 2 > within.left + within.width / 2;
    this._menu = rightHalf
      ? { actor, top, right: Math.round(within.right - at.right) }
      : { actor, top, left: Math.round(at.left - within.left) };
    this.focusMenu = true;
  }

  private readonly handleMenuClose = (event: CustomEvent<{ returnFocus: boolean }>): void => {
    const actor = this._menu?.actor;
    this._menu = undefined;
    if (actor !== undefined && !event.detail.returnFocus) this.lastClosed = { actor, at: performance.now() };
    if (!event.detail.returnFocus || actor === undefined) return;
    void this.updateComplete.then(() => {
      const box = [...this.renderRoot.querySelectorAll<SVGGElement>('g.actions-button')].find(
        (candidate) => candidate.dataset.actionsOf === actor,
      );
      box?.focus();
    });
  };

  /** What the dots' names must leave readable in this picture, remembered until the picture or presenter mode changes. */
  private keepClear(layout: TopologyLayout, topology: Topology, presenter: boolean): readonly Area[] {
    const known = this._keepClear;
    if (known?.layout === layout && known.presenter === presenter) return known.areas;
    const exchanges = new Map(topology.exchanges.map((exchange) => [exchange.name, exchange]));
    const labels = layout.edges.flatMap((edge) => {
      const written = edgeLabelOf(edge, exchanges, layout.edges);
      return written === undefined ? [] : [{ at: edge.labelAt, characters: written.text.length }];
    });
    const areas = areasToKeepClear(layout.nodes, labels, presenter ? PRESENTER_EDGE_LABEL_SCALE : 1);
    this._keepClear = { layout, presenter, areas };
    return areas;
  }

  private renderNode(
    node: LaidNode,
    topology: Topology,
    byName: { actors: Map<string, ActorInfo>; exchanges: Map<string, ExchangeInfo>; queues: Map<string, QueueInfo> },
    offered: ReadonlyMap<string, OfferedAction[]>,
  ): SVGTemplateResult | typeof nothing {
    switch (node.role) {
      case 'producer': {
        const actor = byName.actors.get(node.name);
        return actor === undefined ? nothing : renderProducer(node, actor, topology, this.actorControl(node.name, offered));
      }
      case 'consumer': {
        const actor = byName.actors.get(node.name);
        return actor === undefined
          ? nothing
          : renderConsumer(
              node,
              actor,
              topology.consumers.filter((consumer) => consumer.actor === node.name),
              this.actorControl(node.name, offered),
            );
      }
      case 'exchange': {
        const exchange = byName.exchanges.get(node.name);
        return exchange === undefined ? nothing : renderExchange(node, exchange);
      }
      case 'queue': {
        const queue = byName.queues.get(node.name);
        return queue === undefined ? nothing : renderQueue(node, queue, topology);
      }
    }
  }

  static override styles = [
    runTheme,
    css`
      :host {
        display: block;
        min-width: 0;
      }
      /* The frame holds the picture and, over it, an actor's menu. */
      .frame {
        position: relative;
      }
      .scroller {
        overflow-x: auto;
      }
      /*
       * A picture cut off at the side: shadows at the edges that hide more
       * (a background that scrolls with the picture covers each shadow once
       * its edge is reached), and a bold scrollbar.
       */
      .scroller.cut-off {
        background:
          linear-gradient(to right, var(--_bg) 40%, transparent) left / 2.5rem 100% no-repeat local,
          linear-gradient(to left, var(--_bg) 40%, transparent) right / 2.5rem 100% no-repeat local,
          linear-gradient(to right, color-mix(in srgb, var(--_fg) 30%, transparent), transparent) left / 1rem 100% no-repeat scroll,
          linear-gradient(to left, color-mix(in srgb, var(--_fg) 30%, transparent), transparent) right / 1rem 100% no-repeat scroll;
        scrollbar-color: var(--_muted) var(--_sunken);
        padding-bottom: 0.25rem;
      }
      p.cut-off {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        margin: 0.25rem 0.5rem 0.5rem;
        font-size: 0.875rem;
        font-weight: 600;
      }
      /* A small topology is not blown up past --topology-max-scale times its size. */
      .stage {
        position: relative;
        margin-inline: auto;
      }
      /* Both layers fill the stage and share a viewBox, so dots land on the picture at any size. */
      svg {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        font-family: inherit;
        font-size: 15px;
      }
      .dots-layer {
        pointer-events: none;
      }
      .empty,
      .note {
        margin: 0.5rem 0;
        color: var(--_muted);
        font-size: 0.875rem;
      }
      .edge {
        fill: none;
        stroke: var(--_muted);
        stroke-width: 2;
      }
      .edge.binding {
        stroke: var(--_fg);
        stroke-opacity: 0.55;
      }
      .edge.dead-letter {
        stroke: var(--_bad);
        stroke-dasharray: 7 5;
      }
      .arrowhead {
        fill: var(--_muted);
      }
      .box {
        fill: var(--_bg);
        stroke: var(--_fg);
        stroke-width: 2;
      }
      .exchange .box {
        fill: color-mix(in srgb, var(--_accent) 12%, var(--_bg));
        stroke: var(--_accent);
      }
      .queue .box {
        fill: var(--_sunken);
      }
      .gone .box {
        stroke-dasharray: 6 5;
        opacity: 0.7;
      }
      /* Direct reply-to is no queue: a dashed outline, nothing inside. */
      .pseudo .box {
        fill: var(--_bg);
        stroke-dasharray: 10 5;
      }
      .divider {
        stroke: var(--_faint-line);
        stroke-width: 1;
      }
      .kind {
        font-size: 13px;
        font-weight: 700;
      }
      .stopped .box {
        stroke-dasharray: 4 4;
      }
      /* The button over a box that opens its actor's menu: pressable, showing the focus on the box's outline. */
      .actions-button {
        cursor: pointer;
      }
      .actions-button .hit {
        fill: transparent;
        stroke: none;
      }
      .actions-button:hover .hit {
        stroke: var(--_fg);
        stroke-width: 3;
      }
      .actions-button:focus {
        outline: none;
      }
      .actions-button:focus-visible .hit,
      .actions-button[aria-expanded='true'] .hit {
        stroke: var(--_focus);
        stroke-width: 4;
      }
      text {
        fill: var(--_fg);
      }
      .name {
        font-weight: 700;
        font-size: 16px;
      }
      .mono {
        font-family: var(--_mono);
      }
      .small {
        font-size: 13px;
        fill: var(--_muted);
      }
      .count {
        font-size: 22px;
        font-weight: 800;
        font-variant-numeric: tabular-nums;
      }
      .count-label {
        font-size: 12px;
        fill: var(--_muted);
      }
      .bad-text {
        fill: var(--_bad);
        font-weight: 700;
        font-size: 13px;
      }
      .warn-text {
        fill: var(--_warn);
        font-weight: 700;
        font-size: 13px;
      }
      .label-bg {
        fill: var(--_bg);
        stroke: var(--_faint-line);
        stroke-width: 1;
      }
      .edge-label text {
        font-family: var(--_mono);
        font-size: 13px;
        font-weight: 600;
      }
      .edge-label.bad text {
        fill: var(--_bad);
      }
      .dot circle {
        stroke: var(--_bg);
        stroke-width: 2;
      }
      .dot.ok circle {
        fill: var(--_ok);
      }
      .dot.warn circle {
        fill: var(--_warn);
      }
      .dot.bad circle {
        fill: var(--_bad);
      }
      .dot .ring {
        fill: none;
        stroke: var(--_ok);
        stroke-width: 2;
      }
      .dot .mark {
        fill: var(--_bg);
        font-size: 12px;
        font-weight: 800;
      }
      .dot .dot-label {
        font-family: var(--_mono);
        font-size: 13px;
        font-weight: 600;
        paint-order: stroke;
        stroke: var(--_bg);
        stroke-width: 4px;
        stroke-linejoin: round;
      }
      .dot.bad .dot-label {
        fill: var(--_bad);
      }
      .dot.warn .dot-label {
        fill: var(--_warn);
      }
      /*
       * Presenter mode: the small print a projector would lose grows to the
       * size of the names (the boxes keep room for it). A binding's label
       * grows with its background, about its own centre.
       */
      :host-context(html[data-presenter]) .small,
      :host-context(html[data-presenter]) .count-label {
        font-size: 16px;
      }
      /* A deleted queue's reason is a whole sentence: it keeps the normal size, to fit its box. */
      :host-context(html[data-presenter]) .gone .count-label {
        font-size: 12px;
      }
      :host-context(html[data-presenter]) .kind,
      :host-context(html[data-presenter]) .warn-text,
      :host-context(html[data-presenter]) .bad-text {
        font-size: 15.5px;
      }
      :host-context(html[data-presenter]) .dot .dot-label,
      :host-context(html[data-presenter]) .overflow text {
        font-size: 16px;
      }
      :host-context(html[data-presenter]) .edge-label {
        transform-box: fill-box;
        transform-origin: center;
        transform: scale(1.2);
      }
      .overflow text {
        font-weight: 800;
        font-size: 14px;
        fill: var(--_accent);
        paint-order: stroke;
        stroke: var(--_bg);
        stroke-width: 4px;
      }
    `,
  ];
}

/** The button over an actor's box that opens the menu of its actions: whether the menu is open, and the actions in words. */
interface ActorControl {
  expanded: boolean;
  choices: string;
}

/** The button over an actor's box an event happened in, if there is one. */
function actorBoxOf(target: EventTarget | null): SVGGElement | undefined {
  if (!(target instanceof Element)) return undefined;
  const box = target.closest('g.actions-button');
  return box instanceof SVGGElement ? box : undefined;
}

function renderProducer(node: LaidNode, actor: ActorInfo, topology: Topology, control: ActorControl | undefined): SVGTemplateResult {
  const returned = topology.publishes
    .filter((publish) => publish.actor === actor.name)
    .reduce((total, publish) => total + publish.returned, 0);
  const cx = node.x + node.width / 2;
  const lines: LineBelow[] = [
    ...(returned > 0 ? [{ text: `↩ ${formatCount(returned)} returned`, tone: 'warn-text' as const }] : []),
    ...errorLines(actor),
  ];
  return svg`<g class="actor producer ${actor.connection !== 'open' ? 'stopped' : ''} " data-actor=${actor.name} data-role="producer"
      data-published=${actor.published} role="img" aria-label="producer ${actor.name}: sent ${formatCount(actor.published)}${returned > 0 ? `, ${returned} returned` : ''}${errorLines(
        actor,
      )
        .map((line) => `; ${line.text}`)
        .join('')}">
    <title>${actor.name}</title>
    <rect class="box" x=${node.x} y=${node.y} width=${node.width} height=${node.height} rx="30"></rect>
    <text class="name" x=${cx} y=${node.y + 27} text-anchor="middle">${shorten(actor.name, nameCharsFitting(node.width))}</text>
    <text class="small" x=${cx} y=${node.y + 47} text-anchor="middle">sent ${formatCount(actor.published)}</text>
    ${renderLinesBelow(node, lines, 'first')}
  </g>${renderActionsButton(node, actor.name, control)}`;
}

function renderConsumer(node: LaidNode, actor: ActorInfo, consumers: ConsumerInfo[], control: ActorControl | undefined): SVGTemplateResult {
  const cx = node.x + node.width / 2;
  const autoAck = consumers.length > 0 && consumers.every((consumer) => consumer.noAck);
  const counts = autoAck
    ? `got ${formatCount(actor.delivered)} · auto-ack`
    : `got ${formatCount(actor.delivered)} · acked ${formatCount(actor.acked)}`;
  const lines = [...consumerStatus(actor, autoAck), ...lostLines(actor), ...errorLines(actor)];
  return svg`<g class="actor consumer ${actor.connection !== 'open' ? 'stopped' : ''} " data-actor=${actor.name} data-role="consumer"
      data-delivered=${actor.delivered} data-connection=${actor.connection} role="img"
      aria-label="consumer ${actor.name}: got ${actor.delivered}, acked ${actor.acked}${actor.connection === 'open' ? '' : ', connection ' + actor.connection}${lines.length > 0 ? '; ' + lines.map((line) => line.text).join('; ') : ''}">
    <title>${actor.name}</title>
    <rect class="box" x=${node.x} y=${node.y} width=${node.width} height=${node.height} rx="30"></rect>
    <text class="name" x=${cx} y=${node.y + 27} text-anchor="middle">${shorten(actor.name, nameCharsFitting(node.width))}</text>
    <text class="small" x=${cx} y=${node.y + 47} text-anchor="middle">${counts}</text>
    ${renderLinesBelow(node, lines, 'last')}
  </g>${renderActionsButton(node, actor.name, control)}`;
}

/**
 * Over an actor's box, while its program can be acted on: a button as large as the box that opens the menu of its
 * actions. The box stays a picture with its own description; the button is named for what it does.
 */
function renderActionsButton(node: LaidNode, actor: string, control: ActorControl | undefined): SVGTemplateResult | typeof nothing {
  if (control === undefined) return nothing;
  return svg`<g class="actions-button" role="button" tabindex="0" aria-haspopup="menu" aria-expanded=${String(control.expanded)}
      aria-label=${`Actions on ${actor}: ${control.choices}`} data-actions-of=${actor}>
    <rect class="hit" x=${node.x} y=${node.y} width=${node.width} height=${node.height} rx="30"></rect>
  </g>`;
}

/** A line of text under a box, in a tone. */
interface LineBelow {
  text: string;
  tone: 'small' | 'warn-text' | 'bad-text' | 'struck';
}

/**
 * The lines under a box. In the picture's first or last column (producers, consumers), a line wider than the box
 * starts or ends at the box's outer side rather than past the picture's edge, where it would be cut off.
 */
function renderLinesBelow(node: LaidNode, lines: LineBelow[], column: 'first' | 'last'): SVGTemplateResult[] {
  const cx = node.x + node.width / 2;
  const below = node.y + node.height + LINE_HEIGHT;
  return lines.map((line, index) => {
    const wide = line.text.length > STATUS_CENTRED_CHARS;
    const x = !wide ? cx : column === 'last' ? node.x + node.width + 12 : node.x - 12;
    return svg`<text class=${line.tone === 'struck' ? 'small mono' : line.tone} x=${x}
      y=${below + LINE_HEIGHT * index} text-anchor=${!wide ? 'middle' : column === 'last' ? 'end' : 'start'}
      text-decoration=${line.tone === 'struck' ? 'line-through' : 'none'}>${line.text}</text>`;
  });
}

/**
 * How a consumer stands: its connection, what it gave back, and how it acknowledges, as far as the run shows.
 * Holding tasks with none acknowledged yet is what every worker does while it works on its first ones, so it is
 * said plainly, not as a warning: a forgotten ack shows as the tasks it gives back when it stops.
 */
function consumerStatus(actor: ActorInfo, autoAck: boolean): LineBelow[] {
  const back = actor.gaveBack > 0 ? ` · ↺ ${formatCount(actor.gaveBack)} back to queue` : '';
  if (actor.connection === 'lost') return [{ text: `✕ connection lost${back}`, tone: 'bad-text' }];
  // A program that left holding nothing simply closed its connection; one that gave work back was stopped.
  if (actor.connection === 'closed')
    return [back === '' ? { text: 'connection closed', tone: 'small' } : { text: `■ stopped${back}`, tone: 'warn-text' }];
  const acking: LineBelow = autoAck
    ? { text: 'no acks', tone: 'small' }
    : actor.acked > 0
      ? { text: `acks by hand · holds ${formatCount(actor.holding)}`, tone: 'small' }
      : actor.holding > 0
        ? { text: `holds ${formatCount(actor.holding)}, none acked yet`, tone: 'small' }
        : { text: 'manual acks', tone: 'small' };
  const more = [
    actor.prefetch ? `prefetch ${formatCount(actor.prefetch)}` : '',
    actor.gaveBack > 0 ? `↺ ${formatCount(actor.gaveBack)} given back` : '',
  ]
    .filter((part) => part !== '')
    .join(' · ');
  return more === '' ? [acking] : [acking, { text: more, tone: actor.gaveBack > 0 ? 'warn-text' : 'small' }];
}

/** What a consumer lost: the count and the last few by name. */
function lostLines(actor: ActorInfo): LineBelow[] {
  if (actor.lost === 0) return [];
  return [
    { text: `✕ ${formatCount(actor.lost)} lost (auto-ack)`, tone: 'bad-text' },
    ...actor.recentLost.map((body): LineBelow => ({ text: shorten(body, 22), tone: 'struck' })),
  ];
}

/** The error the broker closed the actor's connection or channel with. */
function errorLines(actor: ActorInfo): LineBelow[] {
  const error = actor.error;
  if (error === undefined) return [];
  return [
    { text: `✕ ${error.where} closed: ${error.code} ${replyCodeName(error.code)}`, tone: 'bad-text' },
    ...(error.method === undefined ? [] : [{ text: `refused ${error.method}`, tone: 'bad-text' as const }]),
  ];
}

function renderExchange(node: LaidNode, exchange: ExchangeInfo): SVGTemplateResult {
  const { x, y, width, height } = node;
  const cx = x + width / 2;
  const inset = 16;
  const points = [
    [x + inset, y],
    [x + width - inset, y],
    [x + width, y + height / 2],
    [x + width - inset, y + height],
    [x + inset, y + height],
    [x, y + height / 2],
  ]
    .map(([px, py]) => `${px},${py}`)
    .join(' ');
  const name = exchange.name === '' ? '(AMQP default)' : exchange.name;
  const type = `${exchange.type || '?'} exchange${exchange.exists ? '' : ' (deleted)'}`;
  const below = y + height + LINE_HEIGHT;
  return svg`<g class="exchange ${exchange.exists ? '' : 'gone'}" data-exchange=${exchange.name} data-type=${exchange.type}
      data-unroutable=${exchange.unroutable} role="img"
      aria-label="${type} ${name}${exchange.unroutable > 0 ? `: ${exchange.unroutable} unroutable (${exchange.recentUnroutable.map((key) => keyText(key)).join(', ')})` : ''}">
    <title>${name}</title>
    <polygon class="box" points=${points}></polygon>
    <text class="name" x=${cx} y=${y + 28} text-anchor="middle">${shorten(name, 17)}</text>
    <text class="small" x=${cx} y=${y + 47} text-anchor="middle">${type}</text>
    ${
      exchange.unroutable > 0
        ? svg`<text class="bad-text" x=${cx} y=${below} text-anchor="middle">✕ ${formatCount(exchange.unroutable)} unroutable, dropped</text>
        ${exchange.recentUnroutable.map(
          (key, index) => svg`<text class="small mono" x=${cx} y=${below + LINE_HEIGHT * (index + 1)} text-anchor="middle"
          text-decoration="line-through">${shorten(keyText(key), 24)}</text>`,
        )}`
        : nothing
    }
  </g>`;
}

function renderQueue(node: LaidNode, queue: QueueInfo, topology: Topology): SVGTemplateResult {
  if (queue.pseudo) return renderReplyTo(node, queue, topology);
  const { x, y, width, height } = node;
  const cx = x + width / 2;
  const badges = [
    queue.requeued > 0 ? `↺ ${formatCount(queue.requeued)} requeued` : '',
    queue.deadLettered > 0 ? `☠ ${formatCount(queue.deadLettered)} dead-lettered` : '',
    queue.expired > 0 ? `◷ ${formatCount(queue.expired)} expired` : '',
    queue.dropped > 0 ? `✕ ${formatCount(queue.dropped)} dropped` : '',
    queue.lost > 0 ? `✕ ${formatCount(queue.lost)} lost` : '',
  ].filter((badge) => badge !== '');
  const hasBadges = badges.length > 0;
  const below = y + height + LINE_HEIGHT;
  const quarter = width / 4;
  const kind = queueKind(queue);
  return svg`<g class="queue ${queue.exists ? '' : 'gone'}" data-queue=${queue.name} data-received=${queue.received}
      data-ready=${queue.ready} data-unacked=${queue.unacked} data-consumers=${queue.consumers} role="img"
      aria-label="queue ${queue.name} (${kind.words}): ${queue.ready} ready, ${queue.unacked} unacked, ${queue.consumers} consumers, ${queue.received} received${hasBadges ? ', ' + badges.join(', ') : ''}${queue.exists ? '' : ', deleted'}">
    <title>${queue.name}</title>
    <rect class="box" x=${x} y=${y} width=${width} height=${height} rx="6"></rect>
    <text class="name mono" x=${cx} y=${y + 22} text-anchor="middle">${shorten(queue.name, 20)}</text>
    ${
      queue.exists
        ? svg`<text class="count" x=${x + quarter} y=${y + 52} text-anchor="middle">${formatCount(queue.ready)}</text>
        <text class="count" x=${x + 3 * quarter} y=${y + 52} text-anchor="middle">${formatCount(queue.unacked)}</text>
        <text class="count-label" x=${x + quarter} y=${y + 67} text-anchor="middle">ready</text>
        <text class="count-label" x=${x + 3 * quarter} y=${y + 67} text-anchor="middle">unacked</text>`
        : svg`<text class="count" x=${cx} y=${y + 52} text-anchor="middle">deleted</text>
        <text class="count-label" x=${cx} y=${y + 67} text-anchor="middle">${deletedBecause(queue)}</text>`
    }
    <text class="small" x=${cx} y=${y + 84} text-anchor="middle">received ${formatCount(queue.received)}</text>
    <line class="divider" x1=${x + 10} x2=${x + width - 10} y1=${y + 91} y2=${y + 91}></line>
    <text class="kind" x=${cx} y=${y + 104} text-anchor="middle">${kind.marks}</text>
    ${hasBadges ? svg`<text class="warn-text" x=${cx} y=${below} text-anchor="middle">${badges.join('  ')}</text>` : nothing}
    ${
      queue.recent.length > 0
        ? svg`<text class="small" x=${cx} y=${below + LINE_HEIGHT * (hasBadges ? 1 : 0)} text-anchor="middle">latest arrivals</text>`
        : nothing
    }
    ${queue.recent.map(
      (name, index) => svg`<text class="small mono" x=${cx} y=${below + LINE_HEIGHT * (index + 1 + (hasBadges ? 1 : 0))}
      text-anchor="middle">→ ${shorten(name, 24)}</text>`,
    )}
  </g>`;
}

/**
 * What kind of queue it is, as the box writes it ("durable · exclusive") and in
 * words for a screen reader: durable survives a broker restart, exclusive
 * belongs to one connection, auto-delete goes with its last consumer.
 */
function queueKind(queue: QueueInfo): { marks: string; words: string } {
  const marks = [
    queue.durable ? 'durable' : 'not durable',
    queue.exclusive ? 'exclusive' : '',
    queue.autoDelete ? 'auto-delete' : '',
  ].filter((mark) => mark !== '');
  const words = [
    queue.durable ? 'durable: survives a broker restart' : 'not durable: gone if the broker restarts',
    queue.exclusive ? 'exclusive: only its connection may use it, and it goes with that connection' : '',
    queue.autoDelete ? 'auto-delete: it goes when its last consumer does' : '',
  ].filter((word) => word !== '');
  return { marks: marks.join(' · '), words: words.join('; ') };
}

/**
 * Direct reply-to (amq.rabbitmq.reply-to): not a queue. Nothing waits in it;
 * the broker hands each reply straight to the consumer that asked. Drawn as
 * a pass-through, with how many replies went through it and to whom.
 */
function renderReplyTo(node: LaidNode, queue: QueueInfo, topology: Topology): SVGTemplateResult {
  const { x, y, width, height } = node;
  const cx = x + width / 2;
  const askers = [...new Set(topology.consumers.filter((consumer) => consumer.queue === queue.name).map((consumer) => consumer.actor))];
  const to = askers.length > 0 ? askers.join(', ') : 'the client';
  const replies = `${formatCount(queue.received)} repl${queue.received === 1 ? 'y' : 'ies'}`;
  const state = queue.exists ? 'nothing waits here' : 'its consumer has gone';
  return svg`<g class="queue pseudo" data-queue=${queue.name} data-received=${queue.received} role="img"
      aria-label="queue ${queue.name}: direct reply-to, a pseudo-queue, not a queue: nothing waits in it, each reply goes straight to the consumer that asked; ${replies} passed straight to ${to}${queue.exists ? '' : '; its consumer has gone'}">
    <title>${queue.name}</title>
    <rect class="box" x=${x} y=${y} width=${width} height=${height} rx="6"></rect>
    <text class="name" x=${cx} y=${y + 24} text-anchor="middle">direct reply-to</text>
    <text class="small mono" x=${cx} y=${y + 44} text-anchor="middle">amq.rabbitmq.reply-to</text>
    <text class="count-label" x=${cx} y=${y + 63} text-anchor="middle">pseudo-queue</text>
    <text class="count-label" x=${cx} y=${y + 80} text-anchor="middle">${state}</text>
    <line class="divider" x1=${x + 10} x2=${x + width - 10} y1=${y + 91} y2=${y + 91}></line>
    <text class="kind" x=${cx} y=${y + 104} text-anchor="middle">${replies} → ${shorten(to, 14)}</text>
  </g>`;
}

/** A dot, and its message's name when it is `named`, written beside it where it leaves the boxes and keys (`keepClear`) readable. */
function renderDot(dot: FlightPosition, named: boolean, keepClear: readonly Area[], textScale: number): SVGTemplateResult {
  const { move } = dot.flight;
  const look = MOVE_LOOK[move.kind];
  const special = look.mark !== '';
  const words = special ? `${look.mark} ${look.words}` : move.redelivered ? '↻ redelivered' : '';
  const name = named ? [words, shorten(move.label, 22)].filter((part) => part !== '').join(': ') : '';
  const shown = name !== '' && (dot.still || dot.progress < 0.85 || move.to === undefined);
  let written = name;
  let place = shown ? placeDotLabel(dot.at, written.length, keepClear, textScale) : undefined;
  // Where the whole name has no room, what happens to the message ("✕ dropped") may still fit.
  if (shown && place === undefined && words !== '' && words !== name) {
    written = words;
    place = placeDotLabel(dot.at, written.length, keepClear, textScale);
  }
  // A falling message fades as it goes.
  const opacity = special && move.to === undefined ? Math.max(0.35, 1 - dot.progress * 0.6) : 1;
  return svg`<g class="dot ${look.tone}" data-move=${move.kind} transform="translate(${dot.at.x.toFixed(1)} ${dot.at.y.toFixed(1)})" opacity=${opacity}>
    ${move.redelivered ? svg`<circle class="ring" r="12"></circle>` : nothing}
    <circle r=${special ? 10 : 7}></circle>
    ${special ? svg`<text class="mark" y="4" text-anchor="middle">${look.mark}</text>` : nothing}
    ${place === undefined ? nothing : svg`<text class="dot-label" x=${place.x} y=${place.y} text-anchor=${place.anchor}>${written}</text>`}
  </g>`;
}

/** The dots that show their message's name: the leading dot of each edge, a few at most, so names do not pile up. */
function namedDots(dots: FlightPosition[]): Set<FlightPosition> {
  const leading = new Map<string, FlightPosition>();
  for (const dot of dots) {
    const lane = `${dot.flight.move.kind}:${dot.flight.move.from.name}>${dot.flight.move.to?.name ?? ''}`;
    const current = leading.get(lane);
    if (current === undefined || dot.progress > current.progress) leading.set(lane, dot);
  }
  // Dots leaving one box together would write their names over each other: the one further along is named first, the other stays unnamed until clear.
  const named: FlightPosition[] = [];
  for (const dot of [...leading.values()].sort((a, b) => b.progress - a.progress)) {
    if (named.length >= NAMED_DOTS) break;
    const clear = named.every(
      (other) => Math.abs(other.at.x - dot.at.x) >= DOT_LABEL_WIDTH || Math.abs(other.at.y - dot.at.y) >= LINE_HEIGHT,
    );
    if (clear) named.push(dot);
  }
  return new Set(named);
}

function renderOverflow(count: OverflowCount): SVGTemplateResult {
  const text = count.perSecond ? `${formatCount(count.count)}/s` : `+${formatCount(count.count)}`;
  return svg`<text x=${count.at.x} y=${count.at.y - 14} text-anchor="middle">${text}</text>`;
}

/** A text with a rounded box behind it; width estimated from the monospace font. */
function label(x: number, y: number, text: string, className: string): SVGTemplateResult {
  const width = edgeLabelWidth(text.length);
  const half = EDGE_LABEL_HEIGHT / 2;
  return svg`<g class=${className}>
    <rect class="label-bg" x=${x - width / 2} y=${y - half} width=${width} height=${EDGE_LABEL_HEIGHT} rx=${half}></rect>
    <text x=${x} y=${y + 4.5} text-anchor="middle">${text}</text>
  </g>`;
}

/** Why a queue is gone, as far as its flags tell: nothing waits in it any more. */
function deletedBecause(queue: QueueInfo): string {
  if (queue.exclusive) return 'exclusive: went with its connection';
  if (queue.autoDelete) return 'auto-delete: its last consumer left';
  return 'its messages went with it';
}

/** A reply code as the spec names it (406 -> PRECONDITION_FAILED). */
function replyCodeName(code: number): string {
  return REPLY_CODE_NAMES[code] ?? 'error';
}

/** Cuts long names (amq.gen-… queues) to fit their box; the full name is in the box's title. */
function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The picture in words, for screen readers. */
function describeTopology(topology: Topology): string {
  const producers = topology.actors.filter((actor) => actor.publishes).map((actor) => actor.name);
  const consumers = topology.actors.filter((actor) => actor.consumes).map((actor) => actor.name);
  const exchanges = topology.exchanges.filter((exchange) => exchange.used).map((exchange) => exchange.name || '(AMQP default)');
  return (
    `${producers.length} producers (${producers.join(', ')}), ${exchanges.length} exchanges (${exchanges.join(', ')}), ` +
    `${topology.queues.length} queues, ${consumers.length} consumers (${consumers.join(', ')})`
  );
}
