/**
 * Turning decoded AMQP values into what a learner reads in the trace:
 * plain JSON for method fields and message properties, and a short, safe
 * text preview of a message body.
 */
import type { BasicProperties } from '../amqp/index.js';
import type { JsonValue, MessageView } from '../protocol/trace.js';

/** How much of a body the preview shows. */
export const BODY_PREVIEW_BYTES = 200;

/** Appended to a preview that does not show the whole body. */
export const CUT_MARKER = '…';

/** Tables nested deeper than this are shown as a marker, so the trace stays small and finite. */
const MAX_DEPTH = 16;

/**
 * A decoded value as JSON: Buffers become { base64 }, bigints and numbers
 * JSON cannot hold become strings, typed table values ({ '!': type, value })
 * are shown by their value, tables and arrays recursively.
 */
export function toJson(value: unknown, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      // A symbol or a function: neither comes off the wire, but the text says what it was.
      return typeof value === 'symbol' ? value.toString() : 'function';
  }
  if (depth >= MAX_DEPTH) return '(nested too deeply to show)';
  if (Buffer.isBuffer(value)) return { base64: value.toString('base64') };
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => toJson(item, depth + 1));
  const table = value as Record<string, unknown>;
  if ('!' in table && 'value' in table && typeof table['!'] === 'string' && Object.keys(table).length === 2) {
    return toJson(table.value, depth + 1);
  }
  const out: Record<string, JsonValue> = {};
  for (const key in table) {
    const json = toJson(table[key], depth + 1);
    // Plain assignment to "__proto__" would set the prototype: a header may well have that name.
    if (key === '__proto__') Object.defineProperty(out, key, { value: json, enumerable: true, writable: true, configurable: true });
    else out[key] = json;
  }
  return out;
}

/** Methods with a field that is never shown as it is. */
const HIDES_A_SECRET: ReadonlySet<string> = new Set(['connection.start-ok', 'connection.secure-ok', 'connection.update-secret']);

/**
 * A method's fields as JSON, in the spec's order: the decoded fields
 * themselves when they are JSON already. Passwords and secrets are never
 * shown: the trace ends up on screens and projectors. For PLAIN logins the
 * user name stays, since "which user connected" is worth seeing.
 */
export function methodFieldsToJson(method: string, fields: object): Record<string, JsonValue> {
  if (!HIDES_A_SECRET.has(method) && isPlainJson(fields)) return fields;
  const json = toJson(fields) as Record<string, JsonValue>;
  switch (method) {
    case 'connection.start-ok':
      json.response = describeCredentials(
        String((fields as { mechanism?: unknown }).mechanism),
        (fields as { response?: unknown }).response,
      );
      break;
    case 'connection.secure-ok':
      json.response = '(hidden)';
      break;
    case 'connection.update-secret':
      json.newSecret = '(hidden)';
      break;
  }
  return json;
}

/**
 * Whether every field is a string, a boolean or a finite number (basic.publish, deliver, ack and most other
 * methods): such fields are JSON as they are, and are shown without the copy toJson would make.
 */
function isPlainJson(fields: object): fields is Record<string, JsonValue> {
  const named = fields as Record<string, unknown>;
  for (const key in named) {
    const value = named[key];
    if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) return false;
  }
  return true;
}

function describeCredentials(mechanism: string, response: unknown): string {
  if (mechanism === 'PLAIN' && Buffer.isBuffer(response)) {
    // PLAIN is authzid NUL authcid NUL password.
    const parts = response.toString('utf8').split('\u0000');
    if (parts.length === 3) return `(hidden: the password of user ${JSON.stringify(parts[1])})`;
  }
  return '(hidden)';
}

/** The properties that are set, as JSON (absent ones left out). */
export function propertiesToJson(properties: BasicProperties): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const name in properties) {
    const value = properties[name as keyof BasicProperties];
    if (value !== undefined) out[name] = toJson(value);
  }
  return out;
}

/** Builds the view of a message from its properties, its size and its first bytes. */
export function messageView(properties: BasicProperties, bodySize: number, firstBytes: Buffer): MessageView {
  return { properties: propertiesToJson(properties), bodySize, bodyPreview: bodyPreview(firstBytes, bodySize) };
}

/**
 * The first BODY_PREVIEW_BYTES of a body as text. UTF-8 text is shown as
 * it is; anything else (binary, control characters) is shown byte by byte,
 * printable ASCII as itself and other bytes as \xNN, so the preview is
 * always safe to put on a page or a terminal. CUT_MARKER ends a preview
 * that does not show the whole body.
 */
export function bodyPreview(firstBytes: Buffer, bodySize: number): string {
  const shown = firstBytes.length <= BODY_PREVIEW_BYTES ? firstBytes : firstBytes.subarray(0, BODY_PREVIEW_BYTES);
  const cut = bodySize > shown.length;
  const text = readableText(shown, cut);
  return cut ? text + CUT_MARKER : text;
}

/** Only printable ASCII, tabs, newlines and carriage returns (bytes read as latin1, one character each). */
const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;

function readableText(bytes: Buffer, cut: boolean): string {
  // The usual body, plain ASCII text, needs none of the checks below.
  const ascii = bytes.toString('latin1');
  if (PLAIN_ASCII.test(ascii)) return ascii;
  // A cut may fall inside a multi-byte character: leave its first bytes out rather than show them as binary.
  const whole = cut ? bytes.subarray(0, completeUtf8Length(bytes)) : bytes;
  const text = whole.toString('utf8');
  if (!text.includes('\uFFFD') && !hasControlCharacters(text)) return text;
  return escapeBytes(bytes);
}

/** Length of the longest prefix that does not end inside a UTF-8 sequence. */
function completeUtf8Length(bytes: Buffer): number {
  let start = bytes.length - 1;
  // Walk back over at most three continuation bytes (10xxxxxx) to the byte that starts the last character.
  while (start >= 0 && bytes.length - start <= 4 && (bytes.readUInt8(start) & 0xc0) === 0x80) start -= 1;
  if (start < 0) return bytes.length;
  const lead = bytes.readUInt8(start);
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - start < needed ? start : bytes.length;
}

function hasControlCharacters(text: string): boolean {
  // Tab, newline and carriage return are ordinary in text messages; other C0 controls and DEL are not.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

function escapeBytes(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}
