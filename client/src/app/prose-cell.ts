import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { baseStyles } from '../styles/controls.js';
import { codeStyles } from '../styles/code.js';
import { proseStyles } from '../styles/prose.js';
import { renderMarkdown } from './markdown.js';

/**
 * A prose part of a lesson, rendered from its markdown. The HTML is safe to
 * place: the renderer escapes raw HTML and drops links that could run script.
 */
@customElement('prose-cell')
export class ProseCellElement extends LitElement {
  /** The markdown source. */
  @property() markdown = '';

  protected override render() {
    return html`<div class="prose">${unsafeHTML(renderMarkdown(this.markdown))}</div>`;
  }

  static override styles = [
    baseStyles,
    proseStyles,
    codeStyles,
    css`
      :host {
        display: block;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'prose-cell': ProseCellElement;
  }
}
