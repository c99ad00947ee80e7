/**
 * Lesson prose from markdown to HTML. Lessons are the workbook's own content,
 * but raw HTML in them is still shown as text, and links and images may only
 * point to the web or the workbook itself, so prose can never run script.
 */
import { Marked, type Tokens } from 'marked';
import { parseMomentLink } from '../../../server/protocol/moment-link.js';
import { escapeHtml, highlight } from './highlight.js';

/** Addresses prose may link to: the web, mail, and paths or anchors within the workbook (no scheme). */
function isSafeAddress(href: string): boolean {
  // Browsers ignore control characters and spaces inside a scheme ("java\tscript:"), so they are ignored here too.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const plain = href.replace(/[\u0000-\u0020\u007f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(plain)?.[1]?.toLowerCase();
  return scheme === undefined || scheme === 'http' || scheme === 'https' || scheme === 'mailto';
}

const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    code({ text, lang }: Tokens.Code): string {
      const language = (lang ?? '').trim().split(/\s+/)[0] ?? '';
      // Focusable, so a keyboard can scroll a block wider than the page (presenter mode's large type makes more of them).
      return `<pre class="code-block" tabindex="0"><code class="hljs">${highlight(text, language || 'plaintext')}</code></pre>`;
    },
    link(token: Tokens.Link): string | false {
      const moment = parseMomentLink(token.href);
      if (moment !== undefined) {
        // A button, not a link: it moves a run cell's timeline rather than going anywhere.
        const cell = moment.cell === undefined ? '' : ` data-cell="${escapeHtml(moment.cell)}"`;
        return `<button type="button" class="moment-link"${cell} data-moment="${escapeHtml(moment.moment)}">${this.parser.parseInline(token.tokens)}</button>`;
      }
      if (!isSafeAddress(token.href)) return this.parser.parseInline(token.tokens);
      return false;
    },
    image(token: Tokens.Image): string | false {
      if (!isSafeAddress(token.href)) return escapeHtml(token.text);
      return false;
    },
  },
});

/** Markdown as safe HTML. A link to a named moment (#moment:cell/id) becomes a button with data-cell and data-moment. */
export function renderMarkdown(source: string): string {
  return markdown.parse(source, { async: false });
}
