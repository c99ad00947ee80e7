/**
 * Values from a cell's parameters written into a program as JavaScript
 * literals. Strings go through JSON.stringify, so whatever a learner types
 * stays text: it can never close the string and become code.
 */

/** Something the program computes, written into the code as it is (a variable's name), not as a literal. */
export class Expression {
  constructor(readonly source: string) {}
}

/** Marks `source` as code to write as is, e.g. `{ correlationId: expression('correlationId') }`. */
export function expression(source: string): Expression {
  return new Expression(source);
}

/** Longest literal written on one line; longer lists and objects get a line per item. */
const FLAT_WIDTH = 60;

/** An identifier that may stand unquoted as an object key. */
const BARE_KEY = /^[A-Za-z_$][\w$]*$/;

/**
 * A JavaScript literal for a value from the parameters. Strings are escaped
 * by JSON.stringify (then single-quoted, as the rest of the code is); lists and
 * objects are written the way a person would, one item per line when long.
 */
export function literal(value: unknown): string {
  if (value instanceof Expression) return value.source;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`a program cannot hold the number ${value}`);
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value))
    return list(
      '[',
      value.map((item) => literal(item)),
      ']',
    );
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return list(
      '{',
      entries.map(([key, item]) => property(key, item)),
      '}',
    );
  }
  throw new Error(`a program cannot hold a ${typeof value} literal`);
}

/** `const name = <literal>;` for a value from the parameters. */
export function constant(name: string, value: unknown): string {
  return `const ${name} = ${literal(value)};`;
}

/** A string in single quotes, escaped by JSON.stringify: backslashes, control characters and lone surrogates included. */
function quote(text: string): string {
  const escaped = JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\"|'/g, (match) => (match === "'" ? "\\'" : '"'))
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `'${escaped}'`;
}

function property(key: string, value: unknown): string {
  if (value instanceof Expression && value.source === key) return key;
  // A quoted '__proto__' key would still set the prototype; a computed one makes a property.
  const name = key === '__proto__' ? `[${quote(key)}]` : BARE_KEY.test(key) ? key : quote(key);
  return `${name}: ${literal(value)}`;
}

function list(open: string, items: string[], close: string): string {
  if (items.length === 0) return `${open}${close}`;
  const pad = open === '{' ? ' ' : '';
  const flat = `${open}${pad}${items.join(', ')}${pad}${close}`;
  if (flat.length <= FLAT_WIDTH && !flat.includes('\n')) return flat;
  return `${open}\n${items.map((item) => `${indent(item)},`).join('\n')}\n${close}`;
}

/**
 * The options argument of a publish, or undefined when there are none (so the
 * call can leave it out). Unset (undefined) options are dropped.
 */
export function publishOptions(options: Record<string, unknown>): string | undefined {
  const written = literal(options);
  return written === '{}' ? undefined : written;
}

/** `object?.key`, with the key quoted when it is not a plain name. */
export function optionalMember(object: string, key: string): string {
  return `${object}?.${BARE_KEY.test(key) ? key : `[${quote(key)}]`}`;
}

/** Text moved right by `depth` levels of two spaces; blank lines stay empty. */
export function indent(text: string, depth = 1): string {
  const pad = '  '.repeat(depth);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}
