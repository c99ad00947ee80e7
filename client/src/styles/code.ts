/**
 * Code blocks and highlight.js token colours, from the theme's syntax
 * variables, so code reads well in light, dark and presenter mode alike.
 */
import { css } from 'lit';

/** `pre.code-block` and highlight.js's `.hljs-*` classes. */
export const codeStyles = css`
  pre.code-block {
    margin: 0;
    padding: var(--space-3) var(--space-4);
    overflow: auto;
    background: var(--code-bg);
    color: var(--code-text);
    border: 1px solid var(--border);
    border-radius: var(--radius-sm);
    font-family: var(--font-mono);
    font-size: 0.8125rem;
    line-height: 1.6;
    tab-size: 2;
  }
  :host-context([data-presenter]) pre.code-block {
    font-size: 0.9rem;
  }
  .hljs-keyword,
  .hljs-built_in,
  .hljs-literal,
  .hljs-meta {
    color: var(--syntax-keyword);
  }
  .hljs-string,
  .hljs-regexp,
  .hljs-template-tag,
  .hljs-subst {
    color: var(--syntax-string);
  }
  .hljs-number {
    color: var(--syntax-number);
  }
  .hljs-comment {
    color: var(--syntax-comment);
    font-style: italic;
  }
  .hljs-title,
  .hljs-title.function_,
  .hljs-title.class_ {
    color: var(--syntax-title);
  }
  .hljs-attr,
  .hljs-property,
  .hljs-variable.language_,
  .hljs-params {
    color: var(--syntax-attr);
  }
`;
