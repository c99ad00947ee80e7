/**
 * Typography for lesson prose rendered from markdown: headings, paragraphs,
 * lists, tables, quotes and inline code, sized for reading on a laptop and
 * on a projector.
 */
import { css } from 'lit';

/** Styles for a `.prose` container of rendered markdown. */
export const proseStyles = css`
  .prose {
    max-width: var(--prose-width);
    color: var(--text);
    font-size: 1.0625rem;
    line-height: 1.7;
  }
  .prose > :first-child {
    margin-top: 0;
  }
  .prose > :last-child {
    margin-bottom: 0;
  }
  .prose h1,
  .prose h2,
  .prose h3,
  .prose h4 {
    line-height: 1.25;
    letter-spacing: -0.01em;
    color: var(--text);
  }
  .prose h1 {
    font-size: var(--text-2xl);
    margin: 0 0 var(--space-4);
    letter-spacing: -0.02em;
  }
  .prose h2 {
    font-size: 1.5rem;
    margin: var(--space-7) 0 var(--space-3);
  }
  .prose h3 {
    font-size: var(--text-lg);
    margin: var(--space-6) 0 var(--space-2);
  }
  .prose p,
  .prose ul,
  .prose ol,
  .prose table,
  .prose blockquote,
  .prose pre {
    margin: 0 0 var(--space-4);
  }
  .prose ul,
  .prose ol {
    padding-left: 1.4em;
  }
  .prose li {
    margin: 0.25em 0;
  }
  .prose li::marker {
    color: var(--text-faint);
  }
  .prose a {
    color: var(--link);
    text-underline-offset: 0.18em;
  }
  .prose strong {
    font-weight: 650;
  }
  .prose code {
    font-family: var(--font-mono);
    font-size: 0.875em;
    padding: 0.1em 0.35em;
    border-radius: 4px;
    background: var(--surface-sunken);
    border: 1px solid var(--border);
    white-space: break-spaces;
  }
  .prose pre code {
    padding: 0;
    border: 0;
    background: none;
    font-size: inherit;
    white-space: pre;
  }
  .prose blockquote {
    padding: var(--space-1) var(--space-4);
    border-left: 4px solid var(--accent);
    background: var(--accent-soft);
    border-radius: 0 var(--radius-sm) var(--radius-sm) 0;
    color: var(--text);
  }
  .prose table {
    border-collapse: collapse;
    font-size: 0.9375rem;
    line-height: 1.45;
    display: block;
    overflow-x: auto;
    max-width: 100%;
  }
  .prose th,
  .prose td {
    text-align: left;
    padding: var(--space-2) var(--space-3);
    border-bottom: 1px solid var(--border);
    vertical-align: top;
  }
  .prose th {
    font-size: var(--text-sm);
    color: var(--text-muted);
    font-weight: 600;
    border-bottom: 2px solid var(--border-strong);
  }
  .prose hr {
    border: 0;
    border-top: 1px solid var(--border);
    margin: var(--space-6) 0;
  }
`;
