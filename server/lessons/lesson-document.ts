/**
 * Reads a lesson.md: its front matter (title, minutes, teaches) and its body,
 * split into prose and ```cell blocks. Only the text is checked here; whether
 * a cell's scenario and defaults hold up is the catalog's business.
 */
import { marked } from 'marked';
import { parse as parseYaml } from 'yaml';
import { isPlainObject } from './params.js';

/** What the front matter of a lesson declares. */
export interface FrontMatter {
  title: string;
  minutes: number;
  teaches: string;
}

/** A ```cell block as written, before its scenario is looked at. */
export interface CellBlock {
  kind: 'cell';
  /** The line of lesson.md the block starts on, for problem reports. */
  line: number;
  id: string;
  title: string;
  scenario: string;
  defaults: Record<string, unknown>;
}

/** Prose between cells, as written. */
export interface ProseBlock {
  kind: 'prose';
  /** The line of lesson.md the prose starts on, for problem reports. */
  line: number;
  markdown: string;
}

/** A lesson.md taken apart, with what is wrong in it (each problem starts with where). */
export interface LessonText {
  frontMatter: FrontMatter | undefined;
  parts: (ProseBlock | CellBlock)[];
  problems: string[];
}

/** Letters, digits and dashes, starting with a letter or digit: safe in a URL and a CLI argument. */
const CELL_ID = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const FRONT_MATTER_FIELDS = ['title', 'minutes', 'teaches'];
const CELL_FIELDS = ['id', 'title', 'scenario', 'defaults'];

/** Splits lesson.md into front matter, prose and cell blocks, collecting every problem found. */
export function readLessonText(source: string): LessonText {
  const problems: string[] = [];
  const { frontMatter, body, bodyLine } = splitFrontMatter(source, problems);
  const parts: LessonText['parts'] = [];
  let prose = '';
  let line = bodyLine;
  let proseLine = bodyLine;
  const seenIds = new Set<string>();
  for (const token of marked.lexer(body)) {
    if (token.type === 'code' && token.lang === 'cell') {
      pushProse(parts, prose, proseLine);
      prose = '';
      const cell = readCellBlock(String(token.text), line, problems);
      if (cell !== undefined) {
        if (seenIds.has(cell.id)) problems.push(`line ${line}: cell id '${cell.id}' is used twice; ids must be unique in a lesson`);
        seenIds.add(cell.id);
        parts.push(cell);
      }
    } else {
      if (prose.trim() === '') proseLine = line + leadingNewlines(token.raw);
      prose += token.raw;
    }
    line += countNewlines(token.raw);
  }
  pushProse(parts, prose, proseLine);
  if (!parts.some((part) => part.kind === 'cell')) problems.push('the lesson has no ```cell block to run');
  return { frontMatter, parts, problems };
}

function pushProse(parts: LessonText['parts'], markdown: string, line: number): void {
  const trimmed = markdown.trim();
  if (trimmed !== '') parts.push({ kind: 'prose', line, markdown: trimmed });
}

function splitFrontMatter(source: string, problems: string[]): { frontMatter: FrontMatter | undefined; body: string; bodyLine: number } {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (match === null) {
    problems.push('line 1: no front matter; start the file with ---, then title, minutes and teaches, then ---');
    return { frontMatter: undefined, body: text, bodyLine: 1 };
  }
  const body = text.slice(match[0].length);
  const bodyLine = 1 + countNewlines(match[0]);
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? '');
  } catch (error) {
    problems.push(`front matter is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
    return { frontMatter: undefined, body, bodyLine };
  }
  if (!isPlainObject(data)) {
    problems.push('front matter must be a set of fields: title, minutes, teaches');
    return { frontMatter: undefined, body, bodyLine };
  }
  const before = problems.length;
  for (const name of Object.keys(data)) {
    if (!FRONT_MATTER_FIELDS.includes(name))
      problems.push(`front matter has an unknown field '${name}'; the fields are ${FRONT_MATTER_FIELDS.join(', ')}`);
  }
  const { title, minutes, teaches } = data;
  if (!isText(title)) problems.push('front matter needs a title (text)');
  if (typeof minutes !== 'number' || !(minutes > 0))
    problems.push(`front matter needs minutes (a number above 0), got ${minutes === undefined ? 'nothing' : JSON.stringify(minutes)}`);
  if (!isText(teaches)) problems.push('front matter needs teaches (one line of text saying what the lesson teaches)');
  if (problems.length > before) return { frontMatter: undefined, body, bodyLine };
  return { frontMatter: { title: title as string, minutes: minutes as number, teaches: teaches as string }, body, bodyLine };
}

function readCellBlock(yamlText: string, line: number, problems: string[]): CellBlock | undefined {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (error) {
    problems.push(`line ${line}: the cell block is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  if (!isPlainObject(data)) {
    problems.push(`line ${line}: a cell block must be a set of fields: ${CELL_FIELDS.join(', ')}`);
    return undefined;
  }
  const before = problems.length;
  const label = typeof data.id === 'string' && CELL_ID.test(data.id) ? `cell '${data.id}'` : 'cell';
  for (const name of Object.keys(data)) {
    if (!CELL_FIELDS.includes(name))
      problems.push(`line ${line}: ${label} has an unknown field '${name}'; the fields are ${CELL_FIELDS.join(', ')}`);
  }
  const { id, title, scenario, defaults } = data;
  if (typeof id !== 'string' || !CELL_ID.test(id)) {
    problems.push(
      `line ${line}: ${label} needs an id of letters, digits and dashes (like seven-tasks), got ${id === undefined ? 'nothing' : JSON.stringify(id)}`,
    );
  }
  if (!isText(title)) problems.push(`line ${line}: ${label} needs a title (text)`);
  if (!isText(scenario) || /[\\/]|^\./.test(scenario)) {
    problems.push(`line ${line}: ${label} needs a scenario: the name of a file in scenarios/, without .ts`);
  }
  if (defaults !== undefined && defaults !== null && !isPlainObject(defaults)) {
    problems.push(`line ${line}: ${label} defaults must be a set of name: value`);
  }
  if (problems.length > before) return undefined;
  return {
    kind: 'cell',
    line,
    id: id as string,
    title: title as string,
    scenario: scenario as string,
    defaults: isPlainObject(defaults) ? defaults : {},
  };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function leadingNewlines(text: string): number {
  return countNewlines(/^\s*/.exec(text)?.[0] ?? '');
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count += 1;
  return count;
}
