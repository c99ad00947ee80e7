/**
 * Checks the prose's links to named moments: each must name a run cell of
 * the lesson (the nearest one above the link when it names none) and a moment
 * that cell's scenario declares for the cell's defaults.
 */
import { marked, type Token, type Tokens } from 'marked';
import type { NamedMoment } from '../protocol/trace.js';
import { parseMomentLink, type MomentLink } from '../protocol/moment-link.js';
import type { ProseBlock } from './lesson-document.js';

/** A prose block, with the run cell above it (the one short links name). */
export interface ProseInPlace {
  prose: ProseBlock;
  cellAbove: string | undefined;
}

/** Every problem with the moment links of a lesson's prose, each starting with its line. */
export function momentLinkProblems(proses: ProseInPlace[], cellMoments: Map<string, NamedMoment[]>): string[] {
  const problems: string[] = [];
  const cellNames = [...cellMoments.keys()].map((id) => `'${id}'`).join(', ');
  for (const { prose, cellAbove } of proses) {
    for (const link of momentLinksIn(prose.markdown)) {
      const target = link.target;
      const line = prose.line + lineWithin(prose.markdown, link.raw);
      const where = `line ${line}: the link [${link.text}](${link.href})`;
      const cell = target.cell ?? cellAbove;
      if (cell === undefined) {
        problems.push(`${where} names no cell and has no run cell above it; write #moment:<cell>/<moment>, with a cell of ${cellNames}`);
        continue;
      }
      const moments = cellMoments.get(cell);
      if (moments === undefined) {
        problems.push(`${where} names the cell '${cell}', which this lesson does not have; its run cells are ${cellNames}`);
        continue;
      }
      if (!moments.some((moment) => moment.id === target.moment)) {
        const known =
          moments.length === 0 ? 'it has no named moments' : `its moments are ${moments.map((moment) => `'${moment.id}'`).join(', ')}`;
        problems.push(`${where} names the moment '${target.moment}', which cell '${cell}' does not reach; ${known}`);
      }
    }
  }
  return problems;
}

/** A link to a moment as written in the prose. */
export interface WrittenMomentLink {
  text: string;
  href: string;
  /** The link's markdown source. */
  raw: string;
  target: MomentLink;
}

/** Every moment link in a piece of markdown, however deeply it sits (in a list, a table, emphasis). */
export function momentLinksIn(markdown: string): WrittenMomentLink[] {
  const links: WrittenMomentLink[] = [];
  const visit = (tokens: Token[]): void => {
    for (const token of tokens) {
      const target = token.type === 'link' ? parseMomentLink((token as Tokens.Link).href) : undefined;
      if (target !== undefined)
        links.push({ text: (token as Tokens.Link).text, href: (token as Tokens.Link).href, raw: token.raw, target });
      for (const children of childTokens(token)) visit(children);
    }
  };
  visit(marked.lexer(markdown));
  return links;
}

/** The tokens nested in a token: its inline content, a list's items, a table's cells. */
function childTokens(token: Token): Token[][] {
  const nested: Token[][] = [];
  if ('tokens' in token && Array.isArray(token.tokens)) nested.push(token.tokens);
  if (token.type === 'list') nested.push((token as Tokens.List).items);
  if (token.type === 'table') {
    const table = token as Tokens.Table;
    for (const cell of [...table.header, ...table.rows.flat()]) nested.push(cell.tokens);
  }
  return nested;
}

/** How many lines into the markdown a piece of it starts (0 when it is on the first line). */
function lineWithin(markdown: string, piece: string): number {
  const at = markdown.indexOf(piece);
  return at < 0 ? 0 : markdown.slice(0, at).split('\n').length - 1;
}
