/**
 * Values from a cell's parameters written into a Python program as
 * literals, the Python twin of code-literal.ts. Strings are written with
 * every character that could end them or change their meaning escaped, so
 * whatever a learner types stays text in the program: it can never close the
 * string and become code.
 */
import { Expression } from './code-literal.js';

/** Longest literal written on one line; longer lists and dicts get a line per item. */
const FLAT_WIDTH = 60;

/** Characters a Python string literal in single quotes cannot hold as they are, or that would read badly (with the u flag, a surrogate matches only when it is alone, not half of a pair). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /[\\'\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/gu;

/** The escapes Python spells with a letter. */
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A Python literal for a value from the parameters: str, int or float, True,
 * False, None, list or dict, written the way a person would (PEP 8 spacing, an
 * item per line when long).
 */
export function pythonLiteral(value: unknown): string {
  if (value instanceof Expression) return value.source;
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`a program cannot hold the number ${value}`);
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return 'None';
  if (Array.isArray(value))
    return list(
      '[',
      value.map((item) => pythonLiteral(item)),
      ']',
    );
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return list(
      '{',
      entries.map(([key, item]) => `${pythonString(key)}: ${pythonLiteral(item)}`),
      '}',
    );
  }
  throw new Error(`a program cannot hold a ${typeof value} literal`);
}

/** `name = <literal>` for a value from the parameters. */
export function pythonConstant(name: string, value: unknown): string {
  return `${name} = ${pythonLiteral(value)}`;
}

/**
 * A str in single quotes. Backslashes, quotes and control characters are
 * escaped; so are lone surrogates (a Python file is UTF-8, which cannot hold
 * them) and the Unicode line separators. Other characters stay as they are, so
 * "ünïcödé ✓" reads as typed.
 */
function pythonString(text: string): string {
  const escaped = text.replace(NEEDS_ESCAPE, (character) => NAMED_ESCAPES[character] ?? escapeCode(character));
  return `'${escaped}'`;
}

/** `\xNN` for a character below 256, `\uNNNN` above. */
function escapeCode(character: string): string {
  const code = character.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

function list(open: string, items: string[], close: string): string {
  if (items.length === 0) return `${open}${close}`;
  const flat = `${open}${items.join(', ')}${close}`;
  if (flat.length <= FLAT_WIDTH && !flat.includes('\n')) return flat;
  return `${open}\n${items.map((item) => `${indentPython(item)},`).join('\n')}\n${close}`;
}

/** Text moved right by `depth` levels of four spaces, as PEP 8 indents; blank lines stay empty. */
export function indentPython(text: string, depth = 1): string {
  const pad = '    '.repeat(depth);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}
