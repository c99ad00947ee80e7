/**
 * Styles every component shares: buttons, form inputs, focus rings and the
 * visually hidden text that screen readers still read. Colours come from the
 * theme's custom properties (theme.css), so components never pick their own.
 */
import { css } from 'lit';

/** What theme.css gives the document but shadow roots do not inherit: border-box sizing. */
export const baseStyles = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
`;

/** Buttons: `.button` (secondary), `.button.primary`, `.button.ghost`, `.icon-button`. */
export const buttonStyles = css`
  .button {
    display: inline-flex;
    align-items: center;
    gap: var(--space-2);
    min-height: 2.25rem;
    padding: 0 var(--space-3);
    border: 1px solid var(--border-strong);
    border-radius: var(--radius-sm);
    background: var(--surface-raised);
    color: var(--text);
    font: inherit;
    font-size: var(--text-sm);
    font-weight: 600;
    line-height: 1;
    cursor: pointer;
    transition:
      background var(--transition),
      border-color var(--transition),
      color var(--transition);
    white-space: nowrap;
  }
  .button:hover:not(:disabled) {
    border-color: var(--text-muted);
    background: var(--surface-sunken);
  }
  .button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--on-accent);
  }
  .button.primary:hover:not(:disabled) {
    background: var(--accent-strong);
    border-color: var(--accent-strong);
  }
  .button.ghost {
    border-color: transparent;
    background: transparent;
  }
  .button.ghost:hover:not(:disabled) {
    background: var(--surface-sunken);
    border-color: var(--border);
  }
  .button:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }
  .button svg {
    width: 1em;
    height: 1em;
    flex: none;
  }
  .button kbd {
    font-family: var(--font-mono);
    font-size: var(--text-xs);
    font-weight: 500;
    padding: 0.1em 0.35em;
    border-radius: 4px;
    border: 1px solid currentColor;
    opacity: 0.6;
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
`;

/** Text inputs, selects, textareas, sliders and switches. */
export const inputStyles = css`
  input[type='text'],
  input[type='number'],
  select,
  textarea {
    width: 100%;
    min-height: 2.25rem;
    padding: var(--space-1) var(--space-2);
    border: 1px solid var(--border-strong);
    border-radius: var(--radius-sm);
    background: var(--surface);
    color: var(--text);
    font: inherit;
    font-size: var(--text-sm);
  }
  textarea {
    font-family: var(--font-mono);
    line-height: 1.5;
    resize: vertical;
  }
  input[type='text'].mono,
  input[type='number'] {
    font-family: var(--font-mono);
  }
  input[aria-invalid='true'],
  textarea[aria-invalid='true'],
  select[aria-invalid='true'] {
    border-color: var(--status-failed);
    box-shadow: inset 0 0 0 1px var(--status-failed);
  }
  input[type='range'] {
    width: 100%;
    accent-color: var(--accent);
  }
  input[type='checkbox'] {
    accent-color: var(--accent);
    width: 1.05rem;
    height: 1.05rem;
  }
  input[role='switch'] {
    appearance: none;
    position: relative;
    width: 2.5rem;
    height: 1.4rem;
    margin: 0;
    border-radius: 999px;
    border: 1px solid var(--border-strong);
    background: var(--surface-sunken);
    cursor: pointer;
    transition: background var(--transition);
    flex: none;
  }
  input[role='switch']::after {
    content: '';
    position: absolute;
    top: 2px;
    left: 2px;
    width: calc(1.4rem - 6px);
    height: calc(1.4rem - 6px);
    border-radius: 50%;
    background: var(--text-muted);
    transition:
      transform var(--transition),
      background var(--transition);
  }
  input[role='switch']:checked {
    background: var(--accent);
    border-color: var(--accent);
  }
  input[role='switch']:checked::after {
    transform: translateX(1.1rem);
    background: var(--on-accent);
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
`;

/** `.visually-hidden`: read by screen readers, not shown. */
export const srOnlyStyles = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;

/** Tabs over a panel: `.tabs` holds `button.tab[role=tab]`, the chosen one `aria-selected="true"`. */
export const tabStyles = css`
  .tabs {
    display: flex;
    flex-wrap: wrap;
    gap: var(--space-1);
    border-bottom: 1px solid var(--border);
  }
  .tab {
    font: inherit;
    font-size: var(--text-sm);
    padding: var(--space-2) var(--space-3);
    border: 1px solid transparent;
    border-bottom: none;
    border-radius: var(--radius-sm) var(--radius-sm) 0 0;
    background: transparent;
    color: var(--text);
    cursor: pointer;
  }
  .tab[aria-selected='true'] {
    border-color: var(--border);
    background: var(--surface-raised);
    font-weight: 700;
  }
`;

/** A drop zone for a file (see FileDrop): `.drop` with an icon, the file input's label and input; `.drop.over` while a file is dragged over it. */
export const dropZoneStyles = css`
  .drop {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--space-3);
    padding: var(--space-5);
    border: 2px dashed var(--border-strong);
    border-radius: var(--radius);
    color: var(--text-muted);
  }
  .drop.over {
    border-color: var(--accent);
    background: var(--surface-sunken);
  }
  .drop svg {
    width: 1.5rem;
    height: 1.5rem;
  }
  .drop label {
    font-weight: 700;
    color: var(--text);
  }
  .drop input {
    font: inherit;
    color: var(--text);
  }
`;
