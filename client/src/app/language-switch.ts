import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { PROGRAM_LANGUAGES } from '../../../server/protocol/lesson.js';
import { baseStyles, buttonStyles } from '../styles/controls.js';
import { icon } from './icons.js';
import { LANGUAGE_NAMES, languageOfCell } from './languages.js';
import { programLanguage, type ProgramLanguage } from './program-language.js';

declare global {
  interface HTMLElementTagNameMap {
    'language-switch': LanguageSwitch;
  }
}

/**
 * The switch between the programs' languages, JavaScript and Python: a group
 * of two toggle buttons, the page's choice pressed. Choosing here chooses for
 * the whole page. It says when the cell's programs exist in one language only,
 * and, given `pythonProblem`, that Python programs cannot run on this machine
 * and what to install.
 */
@customElement('language-switch')
export class LanguageSwitch extends LitElement {
  /** The languages the cell's programs exist in. */
  @property({ attribute: false }) languages: readonly ProgramLanguage[] = PROGRAM_LANGUAGES;
  /** Why Python programs cannot run on the server's machine, with what to install; unset when they can. */
  @property({ attribute: false }) pythonProblem: string | undefined;

  @state() private _chosen: ProgramLanguage = programLanguage().value;

  override connectedCallback(): void {
    super.connectedCallback();
    programLanguage().addEventListener('change', this.handleChange);
    this._chosen = programLanguage().value;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    programLanguage().removeEventListener('change', this.handleChange);
  }

  private readonly handleChange = (): void => {
    this._chosen = programLanguage().value;
  };

  protected override render() {
    const shown = languageOfCell(this._chosen, this.languages);
    const only = shown !== this._chosen;
    return html`
      <div class="switch" role="group" aria-label="Program language">
        ${PROGRAM_LANGUAGES.map(
          (language) =>
            html`<button
              type="button"
              class="button"
              aria-pressed=${language === shown ? 'true' : 'false'}
              ?disabled=${!this.languages.includes(language)}
              aria-describedby=${language === 'python' && this.pythonProblem !== undefined ? 'python-problem' : nothing}
              @click=${() => programLanguage().choose(language)}
            >
              ${LANGUAGE_NAMES[language]}
            </button>`,
        )}
      </div>
      ${only ? html`<p class="note">This cell's programs exist in ${LANGUAGE_NAMES[shown]} only.</p>` : nothing}
      ${
        this.pythonProblem !== undefined && this.languages.includes('python')
          ? html`<p class="note problem" id="python-problem">
              ${icon('warning')}<span>Python programs cannot run here. ${this.pythonProblem}</span>
            </p>`
          : nothing
      }
    `;
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: inline-flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-2);
      }
      .switch {
        display: inline-flex;
        padding: 2px;
        border: 1px solid var(--border);
        border-radius: var(--radius-sm);
        background: var(--surface-sunken);
      }
      .switch .button {
        border-color: transparent;
        background: transparent;
        color: var(--text-muted);
      }
      .switch .button[aria-pressed='true'] {
        background: var(--surface-raised);
        border-color: var(--border-strong);
        color: var(--text);
      }
      .note {
        display: inline-flex;
        align-items: center;
        gap: var(--space-2);
        margin: 0;
        font-size: var(--text-sm);
        color: var(--text-muted);
      }
      .note svg {
        width: 1em;
        height: 1em;
        flex: none;
      }
      .problem {
        color: var(--status-failed);
      }
    `,
  ];
}
