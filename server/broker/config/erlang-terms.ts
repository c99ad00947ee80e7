/**
 * Reads one Erlang term ending with a dot, as rabbitmq.config and
 * advanced.config hold it: lists, tuples, atoms (quoted or not), binaries
 * (<<"...">>), strings, integers (also 16#ff and $a) and floats, with %
 * comments. Mistakes are reported as Erlang reports them (erl_scan and
 * erl_parse): "1: syntax error before: ']'".
 */

/** A term, with the line it starts on. */
export type ErlangTerm = { line: number } & (
  | { kind: 'atom'; value: string }
  | { kind: 'binary'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'integer'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'list'; items: ErlangTerm[] }
  | { kind: 'tuple'; items: ErlangTerm[] }
);

/** A mistake at a line of the file, worded as Erlang words it. */
export class ErlangSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
    /** A plainer explanation for people new to Erlang terms, when there is one. */
    readonly hint?: string,
  ) {
    super(`${line}: ${detail}`);
    this.name = 'ErlangSyntaxError';
  }
}

type Token =
  | { type: 'punct'; text: string; line: number }
  | { type: 'atom'; value: string; line: number }
  | { type: 'var'; text: string; line: number }
  | { type: 'string'; value: string; line: number }
  | { type: 'integer'; value: number; line: number }
  | { type: 'float'; value: number; line: number }
  | { type: 'char'; value: number; line: number }
  | { type: 'reserved'; text: string; line: number }
  | { type: 'dot'; line: number };

const RESERVED = new Set(
  'after and andalso band begin bnot bor bsl bsr bxor case catch cond div end fun if let maybe not of or orelse receive rem try when xor'.split(
    ' ',
  ),
);
const PUNCTUATION = ['<<', '>>', '->', '=>', ':=', '||', '<-', '==', '=:=', '=/=', '/=', '=<', '>=', '++', '--', '::', '..'];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', s: ' ', e: '\x1b', b: '\b', f: '\f', v: '\v', d: '\x7f' };

/** Parses the text of a file holding exactly one term and a final dot. */
export function parseErlangTerm(text: string): ErlangTerm {
  const tokens = tokenize(text);
  if (tokens.length === 0) {
    throw new ErlangSyntaxError(
      1,
      'syntax error before: ',
      'the file is empty: it must hold one Erlang term ending with a dot, such as [{rabbit, []}].',
    );
  }
  const parser = new Parser(tokens);
  const term = parser.term();
  parser.expectDot();
  return term;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '%') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '.' && (i + 1 >= text.length || /[\s%]/.test(text.charAt(i + 1)))) {
      tokens.push({ type: 'dot', line });
      i++;
    } else if (/[a-z]/.test(c)) {
      const word = /^[a-z][A-Za-z0-9_@]*/.exec(text.slice(i))?.[0] ?? c;
      tokens.push(RESERVED.has(word) ? { type: 'reserved', text: word, line } : { type: 'atom', value: word, line });
      i += word.length;
    } else if (/[A-Z_]/.test(c)) {
      const word = /^[A-Z_][A-Za-z0-9_@]*/.exec(text.slice(i))?.[0] ?? c;
      tokens.push({ type: 'var', text: word, line });
      i += word.length;
    } else if (/[0-9]/.test(c)) {
      const number = /^(\d+)#([0-9A-Za-z]+)|^\d+\.\d+(?:[eE][+-]?\d+)?|^\d+/.exec(text.slice(i))?.[0] ?? c;
      tokens.push(numberToken(number, line));
      i += number.length;
    } else if (c === '$') {
      const [value, length] = charAt(text, i + 1, line);
      tokens.push({ type: 'char', value, line });
      i += 1 + length;
    } else if (c === '"' || c === "'") {
      const [value, end, lines] = quoted(text, i, line);
      tokens.push(c === '"' ? { type: 'string', value, line } : { type: 'atom', value, line });
      line += lines;
      i = end;
    } else {
      // Any other character is a token of its own that no term can start with, as erl_scan makes '@'.
      const punct = PUNCTUATION.find((p) => text.startsWith(p, i)) ?? c;
      tokens.push({ type: 'punct', text: punct, line });
      i += punct.length;
    }
  }
  return tokens;
}

function numberToken(text: string, line: number): Token {
  const based = /^(\d+)#([0-9A-Za-z]+)$/.exec(text);
  if (based) {
    const base = Number(based[1]);
    const digits = based[2] ?? '';
    const value = base >= 2 && base <= 36 ? parseInt(digits, base) : NaN;
    if (Number.isNaN(value) || value.toString(base) !== digits.toLowerCase().replace(/^0+(?=.)/, '')) {
      throw new ErlangSyntaxError(line, `illegal based number ${text}`);
    }
    return { type: 'integer', value, line };
  }
  return text.includes('.') ? { type: 'float', value: Number(text), line } : { type: 'integer', value: Number(text), line };
}

/** The character code after $ (with escapes) and how many characters it took. */
function charAt(text: string, i: number, line: number): [number, number] {
  if (i >= text.length) throw new ErlangSyntaxError(line, 'unterminated character');
  if (text[i] !== '\\') return [text.codePointAt(i) ?? 0, 1];
  const next = text.charAt(i + 1);
  return [(ESCAPES[next] ?? next).charCodeAt(0), 2];
}

/** A quoted string or atom starting at i: its value, where it ends, and how many newlines it holds. */
function quoted(text: string, start: number, line: number): [string, number, number] {
  const quote = text.charAt(start);
  let value = '';
  let lines = 0;
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === quote) return [value, i + 1, lines];
    if (c === '\n') lines++;
    if (c === '\\' && i + 1 < text.length) {
      const next = text.charAt(++i);
      value += ESCAPES[next] ?? next;
    } else {
      value += c;
    }
  }
  const rest = text.slice(start + 1, start + 17);
  const shown = quote === '"' ? writeString(rest) : `'${rest.replace(/\n/g, '\\n')}'`;
  throw new ErlangSyntaxError(line, `unterminated ${quote === '"' ? 'string' : 'atom'} starting with ${shown}`);
}

function writeString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

/** A token as erl_parse names it in "syntax error before: ...". */
function describe(token: Token | undefined): string {
  if (token === undefined) return '';
  switch (token.type) {
    case 'punct':
      return `'${token.text}'`;
    case 'reserved':
      return `'${token.text}'`;
    case 'dot':
      return "'.'";
    case 'atom':
      return /^[a-z][A-Za-z0-9_@]*$/.test(token.value) && !RESERVED.has(token.value)
        ? token.value
        : `'${token.value.replace(/'/g, "\\'")}'`;
    case 'var':
      return token.text;
    case 'string':
      return writeString(token.value);
    case 'integer':
      return String(token.value);
    case 'float':
      return Number.isInteger(token.value) ? token.value.toFixed(1) : String(token.value);
    case 'char':
      return `$${String.fromCodePoint(token.value)}`;
  }
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  term(): ErlangTerm {
    const token = this.next();
    if (token === undefined) throw this.errorAt(undefined);
    switch (token.type) {
      case 'atom':
        return { kind: 'atom', value: token.value, line: token.line };
      case 'integer':
        return { kind: 'integer', value: token.value, line: token.line };
      case 'float':
        return { kind: 'float', value: token.value, line: token.line };
      case 'char':
        return { kind: 'integer', value: token.value, line: token.line };
      case 'string':
        return { kind: 'string', value: token.value + this.adjacentStrings(), line: token.line };
      case 'var':
        throw new ErlangSyntaxError(
          token.line,
          `variable '${token.text}' is unbound`,
          'a configuration file holds values only: write an atom in lower case, or quote it',
        );
      case 'punct':
        return this.compound(token);
      default:
        throw this.errorAt(token);
    }
  }

  expectDot(): void {
    const token = this.next();
    if (token?.type !== 'dot') {
      throw this.errorAt(token, token === undefined ? 'the file must end with a dot after the last ] or }' : undefined);
    }
    const extra = this.next();
    if (extra !== undefined) throw this.errorAt(extra, 'the file holds one term: everything after its final dot is a mistake');
  }

  private compound(token: Extract<Token, { type: 'punct' }>): ErlangTerm {
    switch (token.text) {
      case '[':
        return { kind: 'list', items: this.elements(']'), line: token.line };
      case '{':
        return { kind: 'tuple', items: this.elements('}'), line: token.line };
      case '<<':
        return { kind: 'binary', value: this.binary(), line: token.line };
      case '-': {
        const number = this.term();
        if (number.kind !== 'integer' && number.kind !== 'float') throw this.errorAt(this.tokens[this.position - 1]);
        return { ...number, value: -number.value, line: token.line };
      }
      case '#':
        throw new ErlangSyntaxError(token.line, 'maps (#{...}) are not read here', 'write a list of {key, value} tuples instead');
      default:
        throw this.errorAt(token);
    }
  }

  /** Terms separated by commas up to the closing bracket (already past the opening one). */
  private elements(close: string): ErlangTerm[] {
    const items: ErlangTerm[] = [];
    if (this.peekPunct(close)) {
      this.position++;
      return items;
    }
    for (;;) {
      items.push(this.term());
      const token = this.next();
      if (token?.type === 'punct' && token.text === close) return items;
      if (token?.type === 'punct' && token.text === ',') {
        if (this.peekPunct(']') || this.peekPunct('}')) {
          throw this.errorAt(
            this.next(),
            `a comma needs another element after it: remove the comma before ${describe(this.tokens[this.position - 1])}`,
          );
        }
        continue;
      }
      if (token?.type === 'punct' && token.text === '|' && close === ']') {
        throw new ErlangSyntaxError(
          token.line,
          'lists with a tail ([H | T]) are not read here',
          'write every element of the list, separated by commas',
        );
      }
      throw this.errorAt(token, token === undefined ? undefined : `expected a comma or ${close} here`);
    }
  }

  /** <<"text">>, <<>> or <<1,2,3>> (bytes), already past the <<. */
  private binary(): string {
    let value = '';
    if (this.peekPunct('>>')) {
      this.position++;
      return value;
    }
    for (;;) {
      const token = this.next();
      if (token?.type === 'string') value += token.value + this.adjacentStrings();
      else if (token?.type === 'integer' && token.value >= 0 && token.value <= 255) value += String.fromCharCode(token.value);
      else throw this.errorAt(token);
      const after = this.next();
      if (after?.type === 'punct' && after.text === '>>') return value;
      if (!(after?.type === 'punct' && after.text === ',')) throw this.errorAt(after);
    }
  }

  /** "ab" "cd" is one string in Erlang. */
  private adjacentStrings(): string {
    let more = '';
    for (let token = this.tokens[this.position]; token?.type === 'string'; token = this.tokens[this.position]) {
      more += token.value;
      this.position++;
    }
    return more;
  }

  private peekPunct(text: string): boolean {
    const token = this.tokens[this.position];
    return token?.type === 'punct' && token.text === text;
  }

  private next(): Token | undefined {
    return this.tokens[this.position++];
  }

  /** "syntax error before: X", at X's line, or at the last token's line at the end of the file. */
  private errorAt(token: Token | undefined, hint?: string): ErlangSyntaxError {
    const line = token?.line ?? this.tokens[this.tokens.length - 1]?.line ?? 1;
    return new ErlangSyntaxError(line, `syntax error before: ${describe(token)}`, hint);
  }
}
