/**
 * Reads rabbitmq.conf, the sysctl-like format RabbitMQ reads with
 * cuttlefish: `key = value` lines, `#` comments, blank lines. A key is
 * words of letters, digits, `_` and `-` joined by dots; a value runs to the
 * end of the line or to a `#`, unless it is quoted in single quotes. A line
 * that is none of these stops the reading, reported as cuttlefish reports
 * it: "Syntax error in FILE after line N column 1, parsing incomplete".
 */

/** One `key = value` line. */
export interface ConfSetting {
  key: string;
  value: string;
  line: number;
}

/** A line that is not a setting, a comment or blank. */
export class ConfSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly lineText: string,
  ) {
    super(`after line ${line} column 1, parsing incomplete`);
    this.name = 'ConfSyntaxError';
  }
}

const WORD = String.raw`(?:\\\.|[A-Za-z0-9_-])+`;
const SETTING = new RegExp(
  String.raw`^[ \t]*(${WORD}(?:\.${WORD})*)[ \t]*=[ \t]*(?:'([^']*)'|((?:(?![ \t]*#)[^\r\n])*?))[ \t]*(?:#.*)?\r?$`,
);
const IGNORED = /^[ \t]*(#.*)?\r?$/;

export function parseConf(text: string): ConfSetting[] {
  const settings: ConfSetting[] = [];
  const lines = text.split('\n');
  // A final newline does not start another line.
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((lineText, index) => {
    if (IGNORED.test(lineText)) return;
    const match = SETTING.exec(lineText);
    const value = match?.[2] ?? match?.[3];
    if (match === null || value === undefined || value === '') throw new ConfSyntaxError(index + 1, lineText);
    settings.push({ key: (match[1] ?? '').replace(/\\\./g, '.'), value, line: index + 1 });
  });
  return settings;
}
