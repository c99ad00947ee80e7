import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { requestActorAction, type OfferedAction } from './actor-actions.js';
import { runTheme } from './run-styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'actor-menu': ActorMenuElement;
  }
  interface HTMLElementEventMap {
    'menu-close': CustomEvent<{ returnFocus: boolean }>;
  }
}

/**
 * The actions on one actor, as a menu opened from its box in the picture:
 * each item asks for its action (the `actor-action` event) and closes the
 * menu. From the keyboard: arrows and Home/End move between the items, Enter
 * or Space chooses, Escape closes it and gives focus back to the box, Tab
 * closes it and goes on; a click elsewhere closes it too.
 *
 * @fires actor-action - when an item is chosen.
 * @fires menu-close - when the menu should close; `returnFocus` when focus belongs back on the actor's box.
 */
@customElement('actor-menu')
export class ActorMenuElement extends LitElement {
  /** The actor the menu acts on. */
  @property() actor = '';
  /** Its actions, in order. */
  @property({ attribute: false }) offered: readonly OfferedAction[] = [];

  /** Puts focus on the first item, as a menu opened from the keyboard or the mouse does. */
  focusFirst(): void {
    this.items()[0]?.focus();
  }

  private items(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')];
  }

  protected override render() {
    return html`<div role="menu" aria-label=${`Actions on ${this.actor}`} @keydown=${this.handleKey} @focusout=${this.handleFocusOut}>
      <p class="heading" aria-hidden="true">${this.actor}</p>
      ${this.offered.map(
        (choice) =>
          html`<button
            type="button"
            role="menuitem"
            tabindex="-1"
            aria-label=${choice.name}
            title=${choice.hint}
            @click=${() => this.choose(choice)}
          >
            ${choice.label}
          </button>`,
      )}
    </div>`;
  }

  private choose(choice: OfferedAction): void {
    requestActorAction(this, this.actor, choice.action);
    this.close(true);
  }

  private close(returnFocus: boolean): void {
    this.dispatchEvent(new CustomEvent('menu-close', { detail: { returnFocus }, bubbles: true, composed: true }));
  }

  private readonly handleKey = (event: KeyboardEvent): void => {
    const items = this.items();
    const at = items.findIndex((item) => item === this.renderRoot.querySelector(':focus'));
    const moveTo = (index: number) => items[(index + items.length) % items.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        moveTo(at + 1);
        break;
      case 'ArrowUp':
        moveTo(at - 1);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(items.length - 1);
        break;
      case 'Escape':
        this.close(true);
        break;
      case 'Tab':
        // Focus goes on to what follows; the menu is done.
        this.close(false);
        return;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  private readonly handleFocusOut = (event: FocusEvent): void => {
    const next = event.relatedTarget;
    if (next instanceof Node && this.renderRoot.contains(next)) return;
    this.close(false);
  };

  static override styles = [
    runTheme,
    css`
      :host {
        position: absolute;
        z-index: 2;
        display: block;
      }
      [role='menu'] {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        min-width: 10rem;
        padding: 0.4rem;
        border: 1px solid var(--_line);
        border-radius: 8px;
        background: var(--_bg);
        color: var(--_fg);
        box-shadow: 0 6px 18px rgb(0 0 0 / 25%);
        font-size: max(1rem, 1em);
      }
      .heading {
        margin: 0 0.3rem 0.1rem;
        font-weight: 700;
        font-size: 0.9em;
      }
      button {
        min-height: 2.25rem;
        padding: 0.25rem 0.75rem;
        border: 1px solid transparent;
        border-radius: 6px;
        background: none;
        color: inherit;
        font: inherit;
        text-align: start;
        cursor: pointer;
      }
      button:hover,
      button:focus-visible {
        border-color: currentColor;
        background: var(--_sunken);
      }
      button:focus-visible {
        outline: 3px solid var(--_focus);
        outline-offset: 1px;
      }
    `,
  ];
}
