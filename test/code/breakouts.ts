/** Texts made to break out of a string literal in JavaScript or Python, or to be mangled on the way into a program. */

/** A text with everything awkward at once: quotes, a backslash, interpolation, ticks, comment ends, markup and unicode. */
export const AWKWARD_TEXT = 'It\'s "quoted", a \\ backslash, ${not.code}, `ticks`, */ and </script> — ünïcödé ✓';

/** Breakouts that are well-formed text (no lone surrogates): what a message body can carry. */
export const WELL_FORMED_BREAKOUTS = [
  AWKWARD_TEXT,
  "it's",
  'say "hi"',
  '\'\'\'triple\'\'\' and """triple"""',
  "'); import os; os._exit(1); ('",
  "'); process.exit(1); ('",
  '${process.exit(1)}',
  '#{interpolated}',
  '{braces} and {0} for format()',
  'back\\slash \\" \\\' \\n \\x41 \\N{BULLET} \\u0041',
  'two\nlines\r\nand\ta tab',
  'nul \u0000 inside',
  'del \u007f and c1 \u0085 controls',
  'line\u2028separator\u2029paragraph',
  'emoji 🐇 and flags 🇫🇷 stay pairs',
  'ünïcödé ✓ 漢字 עברית',
  '# not a comment',
  '\\',
  '',
];

/** Every breakout, lone surrogates too: what a literal must carry even where a message body cannot. */
export const BREAKOUTS = [...WELL_FORMED_BREAKOUTS, 'lone \ud800 high and \udc00 low surrogates'];
