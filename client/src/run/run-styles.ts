/**
 * The colours and type the run views share. Each reads a --warren-* custom
 * property first (so a page can restyle the views alone), then the
 * workbook theme's own (theme.css), then a default that stands on its own.
 */
import { css } from 'lit';

/** Private colour variables (--_fg, --_bg, ...) every run view uses. */
export const runTheme = css`
  :host {
    --_bg: var(--warren-bg, var(--surface, #ffffff));
    --_fg: var(--warren-fg, var(--text, #1c1e22));
    --_accent: var(--warren-accent, var(--accent, #c2410c));
    --_muted: var(--warren-muted, var(--text-muted, #596070));
    --_ok: var(--warren-ok, var(--status-finished, #15803d));
    --_warn: var(--warren-warn, var(--status-paused, #a15c00));
    --_bad: var(--warren-bad, var(--status-failed, #b91c1c));
    --_line: var(--border-strong, #c9c6bd);
    --_faint-line: var(--border, #e1dfd8);
    --_sunken: var(--surface-sunken, #f1f0ec);
    --_focus: var(--focus, #2563eb);
    --_mono: var(--font-mono, ui-monospace, 'DejaVu Sans Mono', monospace);
    color: var(--_fg);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
`;

/** Tables of the broker panel and the frame inspector. */
export const tableStyles = css`
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.875rem;
  }
  caption {
    text-align: left;
    font-weight: 700;
    padding: 0.25rem 0;
  }
  th,
  td {
    text-align: left;
    padding: 0.25rem 0.5rem;
    border-bottom: 1px solid var(--_faint-line);
    vertical-align: top;
  }
  th {
    color: var(--_muted);
    font-weight: 600;
  }
  td.number,
  th.number {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .mono {
    font-family: var(--_mono);
    overflow-wrap: anywhere;
  }
`;
