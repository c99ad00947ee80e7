import { LitElement, css, html } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { baseStyles, buttonStyles } from '../styles/controls.js';
import { icon } from './icons.js';
import { SHORTCUTS } from './shortcuts.js';

declare global {
  interface HTMLElementTagNameMap {
    'shortcut-help': ShortcutHelp;
  }
}

/**
 * The "?" overlay: a modal dialog listing the keyboard shortcuts. Escape or
 * the close button closes it and focus returns where it was.
 */
@customElement('shortcut-help')
export class ShortcutHelp extends LitElement {
  // Null until the first render.
  @query('dialog') private _dialog!: HTMLDialogElement | null;

  /** Whether the overlay is showing. */
  get open(): boolean {
    return this._dialog?.open ?? false;
  }

  /** Shows the overlay, or hides it when it is showing. */
  toggle(): void {
    if (this.open) this._dialog?.close();
    else this._dialog?.showModal();
  }

  protected override render() {
    return html`<dialog aria-labelledby="shortcuts-title" @click=${this.handleBackdrop}>
      <div class="head">
        <h2 id="shortcuts-title">${icon('keyboard')}Keyboard shortcuts</h2>
        <button type="button" class="button ghost" aria-label="Close" @click=${() => this._dialog?.close()}>${icon('close')}</button>
      </div>
      <p class="note">
        They act on the run cell you are at: the one you are working in, or else the one on the screen (its edge is coloured). Never while
        you type in a field.
      </p>
      <dl>
        ${SHORTCUTS.map(
          (shortcut) =>
            html`<div class="row">
              <dt><kbd>${shortcut.key}</kbd></dt>
              <dd>${shortcut.description}</dd>
            </div>`,
        )}
      </dl>
    </dialog>`;
  }

  /** A click on the backdrop (the dialog itself, outside its content) closes it. */
  private handleBackdrop(event: MouseEvent): void {
    if (event.target === this._dialog) this._dialog?.close();
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      dialog {
        width: min(34rem, calc(100vw - 2rem));
        padding: var(--space-5);
        border: 1px solid var(--border-strong);
        border-radius: var(--radius-lg);
        background: var(--surface-raised);
        color: var(--text);
        box-shadow: 0 20px 60px rgb(0 0 0 / 0.3);
      }
      dialog::backdrop {
        background: rgb(10 12 16 / 0.55);
      }
      .head {
        display: flex;
        align-items: center;
        justify-content: space-between;
      }
      h2 {
        display: inline-flex;
        align-items: center;
        gap: var(--space-2);
        margin: 0;
        font-size: var(--text-lg);
      }
      h2 svg {
        width: 1.3rem;
        height: 1.3rem;
      }
      .note {
        margin: var(--space-2) 0 var(--space-4);
        color: var(--text-muted);
        font-size: var(--text-sm);
      }
      dl {
        margin: 0;
        display: flex;
        flex-direction: column;
        gap: var(--space-2);
      }
      .row {
        display: grid;
        grid-template-columns: 3rem 1fr;
        align-items: baseline;
        gap: var(--space-3);
      }
      dt {
        text-align: center;
      }
      dd {
        margin: 0;
      }
      kbd {
        display: inline-block;
        min-width: 2rem;
        padding: 0.15rem 0.5rem;
        border: 1px solid var(--border-strong);
        border-bottom-width: 3px;
        border-radius: var(--radius-sm);
        background: var(--surface-sunken);
        font-family: var(--font-mono);
        font-weight: 700;
        text-align: center;
      }
    `,
  ];
}
