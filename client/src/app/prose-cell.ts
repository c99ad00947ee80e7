import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { baseStyles } from '../styles/controls.js';
import { codeStyles } from '../styles/code.js';
import { proseStyles } from '../styles/prose.js';
import { renderMarkdown } from './markdown.js';

/** What the prose asks for when its link to a named moment is clicked. */
export interface MomentRequest {
  /** The run cell whose moment it is. */
  cell: string;
  /** The moment's id. */
  moment: string;
  /** The link's text: how the prose calls the moment. */
  title: string;
}

declare global {
  interface HTMLElementEventMap {
    'moment-request': CustomEvent<MomentRequest>;
  }
  interface HTMLElementTagNameMap {
    'prose-cell': ProseCellElement;
  }
}

/**
 * A prose part of a lesson, rendered from its markdown. The HTML is safe to
 * place: the renderer escapes raw HTML and drops links that could run script.
 * A link to a named moment of a run ("while worker 1 is stopped") is a button.
 *
 * @fires moment-request - when a link to a named moment is clicked.
 */
@customElement('prose-cell')
export class ProseCellElement extends LitElement {
  /** The markdown source. */
  @property() markdown = '';
  /** The run cell just above this prose: the one a moment link that names no cell means. */
  @property() cellAbove: string | undefined;

  protected override render() {
    return html`<div class="prose" @click=${this.handleClick}>${unsafeHTML(renderMarkdown(this.markdown))}</div>`;
  }

  private handleClick(event: MouseEvent): void {
    const link = event.target instanceof Element ? event.target.closest<HTMLElement>('button.moment-link') : null;
    if (link === null) return;
    const moment = link.dataset.moment;
    const cell = link.dataset.cell ?? this.cellAbove;
    if (moment === undefined || cell === undefined) return;
    const title = link.textContent.replace(/\s+/g, ' ').trim();
    this.dispatchEvent(
      new CustomEvent<MomentRequest>('moment-request', { detail: { cell, moment, title }, bubbles: true, composed: true }),
    );
  }

  static override styles = [
    baseStyles,
    proseStyles,
    codeStyles,
    css`
      :host {
        display: block;
      }
      .moment-link {
        display: inline;
        padding: 0 0.15em;
        margin: 0;
        border: none;
        border-bottom: 2px dotted currentColor;
        border-radius: 0.2em;
        background: none;
        color: var(--link);
        font: inherit;
        line-height: inherit;
        text-align: inherit;
        cursor: pointer;
      }
      .moment-link:hover {
        background: color-mix(in srgb, var(--link) 12%, transparent);
      }
    `,
  ];
}
