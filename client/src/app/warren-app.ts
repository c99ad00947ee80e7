import { LitElement, css, html, nothing, render } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { baseStyles } from '../styles/controls.js';
import { icon } from './icons.js';
import type { LessonRouteChange } from './lesson-page.js';
import { programLanguage } from './program-language.js';
import { changedParams, readRoute, routeUrl, type Route } from './route.js';
import { settings } from './settings.js';
import type { ShortcutHelp } from './shortcut-help.js';
import { shortcutFor } from './shortcuts.js';
import { workbookSocket, type BrokerInfo } from './workbook-socket.js';
import './connection-banner.js';
import './lesson-list.js';
import './lesson-page.js';
import '../lab/lab-page.js';
import './settings-bar.js';
import './shortcut-help.js';
import './trace-page.js';

/** Edits of one parameter closer together than this share one history entry: typing "100" is one step back, not three. */
const EDIT_BURST_MS = 1000;

declare global {
  interface HTMLElementTagNameMap {
    'warren-app': WarrenApp;
  }
}

/**
 * The workbook: header, connection banner, and the page the address names
 * (the lesson list at `/`, a lesson at `/lessons/<id>`, a saved trace at `/trace`). The address holds
 * the active cell, the programs' language and changed parameters; links
 * inside the app, back and forward move between pages without reloading. A
 * lesson's address always names the language: one it names is chosen for the
 * whole page (and remembered), one it lacks is filled in with the page's.
 * Keyboard shortcuts are handled here and passed to the lesson page.
 */
@customElement('warren-app')
export class WarrenApp extends LitElement {
  @state() private _route: Route = adoptLanguage(readRoute(location.pathname, location.search));
  @state() private _broker: BrokerInfo | undefined;
  // Null until the first render.
  @query('shortcut-help') private _help!: ShortcutHelp | null;

  /**
   * The skip link and the page's content live in the document itself rather
   * than the shadow root, so #main is an address the browser (and assistive
   * technology) can follow, and the link comes first in the document.
   */
  private readonly _skipLink = skipLink();
  private readonly _main = mainLandmark();
  private readonly _socket = workbookSocket();
  /** When the last parameter edit happened, and which parameters it changed. */
  private _lastEdit = { at: 0, params: '' };

  override connectedCallback(): void {
    super.connectedCallback();
    if (this._skipLink.parentNode !== this) this.prepend(this._skipLink);
    if (this._main.parentNode !== this) this.append(this._main);
    this._skipLink.addEventListener('click', this.handleSkip);
    addEventListener('popstate', this.handlePopState);
    addEventListener('keydown', this.handleKey);
    this.addEventListener('click', this.handleLinkClick);
    this._socket.addEventListener('broker', this.handleBroker);
    programLanguage().addEventListener('change', this.handleLanguage);
    this._broker = this._socket.broker;
    this.writeLanguage();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._skipLink.removeEventListener('click', this.handleSkip);
    removeEventListener('popstate', this.handlePopState);
    removeEventListener('keydown', this.handleKey);
    this.removeEventListener('click', this.handleLinkClick);
    this._socket.removeEventListener('broker', this.handleBroker);
    programLanguage().removeEventListener('change', this.handleLanguage);
  }

  /** The page's language changed: the address says so, in place (a language is no step to go back through). */
  private readonly handleLanguage = (): void => {
    if (this._route.page !== 'lesson') return;
    this._route = { ...this._route, language: programLanguage().value };
    this.writeLanguage();
  };

  /** Writes the language into a lesson's address when it does not say it yet. */
  private writeLanguage(): void {
    if (this._route.page !== 'lesson') return;
    const url = routeUrl(this._route);
    if (url !== location.pathname + location.search) history.replaceState(history.state, '', url + location.hash);
  }

  private readonly handleBroker = (): void => {
    this._broker = this._socket.broker;
  };

  private readonly handlePopState = (): void => {
    this._route = adoptLanguage(readRoute(location.pathname, location.search));
    this.writeLanguage();
  };

  /** Links to the app's own pages change the page in place. */
  private readonly handleLinkClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.composedPath().find((target): target is HTMLAnchorElement => target instanceof HTMLAnchorElement);
    if (anchor?.target !== '' || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash !== '') return;
    event.preventDefault();
    this._route = adoptLanguage(readRoute(url.pathname, url.search));
    history.pushState(null, '', this._route.page === 'lesson' ? routeUrl(this._route) : url.pathname + url.search);
    scrollTo({ top: 0 });
    void this.updateComplete.then(() => this._main.focus({ preventScroll: true }));
  };

  private handleRouteChange(event: CustomEvent<LessonRouteChange>): void {
    const route = this._route;
    if (route.page !== 'lesson') return;
    const next: Route = { ...route, cell: event.detail.cell, params: event.detail.params };
    const url = routeUrl(next);
    this._route = next;
    if (url === location.pathname + location.search) return;
    if (!event.detail.edit) {
      history.replaceState(null, '', url);
      return;
    }
    // A new edit gets its own history entry; more typing into the same parameter replaces it.
    const edit = { at: Date.now(), params: changedParams(route.params, next.params).join(' ') };
    const sameBurst = edit.params === this._lastEdit.params && edit.at - this._lastEdit.at < EDIT_BURST_MS;
    if (sameBurst) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this._lastEdit = edit;
  }

  private readonly handleKey = (event: KeyboardEvent): void => {
    if (this._help?.open && event.key !== '?') return;
    const action = shortcutFor(event);
    if (action === undefined) return;
    event.preventDefault();
    if (action === 'help') this._help?.toggle();
    else if (action === 'presenter') settings().update({ presenter: !settings().value.presenter });
    else if (action === 'theme') settings().update({ theme: settings().effectiveTheme === 'dark' ? 'light' : 'dark' });
    else this._main.querySelector('lesson-page')?.shortcut(action);
  };

  protected override render() {
    return html`
      <header class="top">
        <slot name="skip"></slot>
        <a class="brand" href="/" aria-label="Warren, all lessons">
          <span class="logo" aria-hidden="true"
            ><svg viewBox="0 0 32 32" width="28" height="28">
              <rect width="32" height="32" rx="8" fill="currentColor" />
              <path d="M8 22V10h4v8h8v4z" fill="var(--on-accent)" /></svg
          ></span>
          <span class="name">Warren</span>
        </a>
        <span class="tagline">RabbitMQ workbook</span>
        <nav class="pages" aria-label="Pages">
          <a href="/" aria-current=${this._route.page === 'lessons' ? 'page' : nothing}>Lessons</a>
          <a href="/lab" aria-current=${this._route.page === 'lab' ? 'page' : nothing}>Lab</a>
          <a href="/trace" aria-current=${this._route.page === 'trace' ? 'page' : nothing}>Saved traces</a>
        </nav>
        <span class="spacer"></span>
        ${
          this._broker === undefined
            ? nothing
            : html`<span class="broker" title=${this._broker.url}>
                ${icon('plug')}${this._broker.kind === 'embedded' ? 'Embedded broker' : 'RabbitMQ'}</span
              >`
        }
        <settings-bar @show-shortcuts=${() => this._help?.toggle()}></settings-bar>
      </header>
      <connection-banner .socket=${this._socket}></connection-banner>
      <slot></slot>
      <shortcut-help></shortcut-help>
    `;
  }

  protected override updated(): void {
    render(this.renderPage(), this._main, { host: this });
  }

  /** The page the address names, drawn into the main landmark. */
  private renderPage() {
    const route = this._route;
    return html`
      ${route.page === 'lessons' ? html`<lesson-list .broker=${this._broker}></lesson-list>` : nothing}
      ${route.page === 'lab' ? html`<lab-page .topology=${route.topology}></lab-page>` : nothing}
      ${route.page === 'trace' ? html`<trace-page></trace-page>` : nothing}
      ${
        route.page === 'lesson'
          ? html`<lesson-page
              .lesson=${route.lesson}
              .activeCell=${route.cell}
              .params=${route.params}
              @lesson-route-change=${this.handleRouteChange}
            ></lesson-page>`
          : nothing
      }
      ${
        route.page === 'not-found'
          ? html`<div class="not-found">
              <h1>Nothing here</h1>
              <p>There is no page at <code>${route.path}</code>.</p>
              <p><a href="/">See all lessons</a></p>
            </div>`
          : nothing
      }
    `;
  }

  /** Moves focus to the content without writing #main into the address, which holds the lesson's setup. */
  private readonly handleSkip = (event: Event): void => {
    event.preventDefault();
    this._main.focus();
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      .top {
        position: sticky;
        top: 0;
        z-index: 5;
        display: flex;
        align-items: center;
        gap: var(--space-3);
        height: var(--header-height);
        padding: 0 var(--space-5);
        background: color-mix(in srgb, var(--bg) 97%, transparent);
        backdrop-filter: blur(8px);
        border-bottom: 1px solid var(--border);
      }
      .brand {
        display: inline-flex;
        align-items: center;
        gap: var(--space-2);
        color: var(--text);
        text-decoration: none;
        font-weight: 800;
        font-size: var(--text-lg);
        letter-spacing: -0.01em;
      }
      .logo {
        display: inline-flex;
        color: var(--accent);
      }
      .tagline {
        color: var(--text-muted);
        font-size: var(--text-sm);
        padding-left: var(--space-3);
        border-left: 1px solid var(--border);
      }
      .pages {
        display: flex;
        gap: var(--space-1);
      }
      .pages a {
        padding: var(--space-1) var(--space-2);
        border-radius: var(--radius-sm);
        color: var(--text);
        font-size: var(--text-sm);
        font-weight: 600;
        text-decoration: none;
      }
      .pages a:hover {
        background: var(--surface-sunken);
      }
      .pages a[aria-current='page'] {
        color: var(--accent-strong);
        text-decoration: underline;
        text-underline-offset: 0.3em;
      }
      .spacer {
        flex: 1;
      }
      .broker {
        display: inline-flex;
        align-items: center;
        gap: var(--space-1);
        font-size: var(--text-sm);
        color: var(--text-muted);
        padding: var(--space-1) var(--space-2);
        border-radius: var(--radius-sm);
      }
      a {
        color: var(--link);
      }
      :focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      @media (max-width: 720px) {
        .tagline,
        .broker {
          display: none;
        }
      }
    `,
  ];
}

/**
 * A lesson's route with its language: the one its address names becomes the page's choice (a shared link opens
 * the programs in its sender's language); an address without one takes the page's.
 */
function adoptLanguage(route: Route): Route {
  if (route.page !== 'lesson') return route;
  if (route.language !== undefined) {
    programLanguage().choose(route.language);
    return route;
  }
  return { ...route, language: programLanguage().value };
}

/** The document's main landmark, the skip link's target. */
function mainLandmark(): HTMLElement {
  const main = document.createElement('main');
  main.id = 'main';
  main.tabIndex = -1;
  return main;
}

/** The first thing a keyboard reaches: a link past the header to the content. */
function skipLink(): HTMLAnchorElement {
  const link = document.createElement('a');
  link.className = 'skip-link';
  link.slot = 'skip';
  link.href = '#main';
  link.textContent = 'Skip to content';
  return link;
}
