import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { baseStyles, buttonStyles } from '../styles/controls.js';
import { icon, type IconName } from './icons.js';
import { settings, type Settings, type ThemeChoice } from './settings.js';

declare global {
  interface HTMLElementEventMap {
    'show-shortcuts': CustomEvent<void>;
  }
  interface HTMLElementTagNameMap {
    'settings-bar': SettingsBar;
  }
}

const THEMES: { choice: ThemeChoice; label: string; icon: IconName }[] = [
  { choice: 'system', label: 'System theme', icon: 'system' },
  { choice: 'light', label: 'Light theme', icon: 'sun' },
  { choice: 'dark', label: 'Dark theme', icon: 'moon' },
];

/**
 * The header's display controls: theme (system, light, dark), presenter mode,
 * and the keyboard shortcuts overlay.
 *
 * @fires show-shortcuts - when the shortcuts button is pressed.
 */
@customElement('settings-bar')
export class SettingsBar extends LitElement {
  @state() private _settings: Settings = settings().value;

  override connectedCallback(): void {
    super.connectedCallback();
    settings().addEventListener('change', this.handleChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    settings().removeEventListener('change', this.handleChange);
  }

  private readonly handleChange = (): void => {
    this._settings = settings().value;
  };

  protected override render() {
    const { theme, presenter } = this._settings;
    return html`
      <div class="themes" role="group" aria-label="Theme">
        ${THEMES.map(
          (option) =>
            html`<button
              type="button"
              class="button ghost icon-only"
              aria-label=${option.label}
              title=${option.label}
              aria-pressed=${theme === option.choice ? 'true' : 'false'}
              @click=${() => settings().update({ theme: option.choice })}
            >
              ${icon(option.icon)}
            </button>`,
        )}
      </div>
      <button
        type="button"
        class="button ${presenter ? 'primary' : ''}"
        aria-pressed=${presenter ? 'true' : 'false'}
        title="Presenter mode: large type, high contrast, views full width (f)"
        @click=${() => settings().update({ presenter: !presenter })}
      >
        ${icon('presenter')}Presenter
      </button>
      <button
        type="button"
        class="button ghost icon-only"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        @click=${() => this.dispatchEvent(new CustomEvent('show-shortcuts', { bubbles: true, composed: true }))}
      >
        ${icon('keyboard')}
      </button>
    `;
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: var(--space-2);
      }
      .themes {
        display: inline-flex;
        padding: 2px;
        border: 1px solid var(--border);
        border-radius: var(--radius-sm);
        background: var(--surface-sunken);
      }
      .themes .button {
        min-height: 1.9rem;
      }
      .icon-only {
        width: 2.25rem;
        padding: 0;
        justify-content: center;
      }
      .themes .icon-only {
        width: 2rem;
      }
      .themes [aria-pressed='true'] {
        background: var(--surface-raised);
        border-color: var(--border-strong);
        color: var(--accent);
      }
    `,
  ];
}
