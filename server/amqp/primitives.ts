/**
 * Reading and writing AMQP's basic wire types (big-endian integers and
 * length-prefixed strings) with the bounds checks that turn a truncated
 * payload into a CodecError instead of a RangeError.
 *
 * Strings in AMQP are mostly short ASCII names (queues, exchanges, routing
 * keys, consumer tags), so the helpers handle ASCII with plain loops and only
 * fall back to Buffer's UTF-8 routines when a non-ASCII character shows up;
 * that avoids a native call per string on the hot paths.
 */
import { CodecError } from './errors.js';
import { SYNTAX_ERROR } from './reply-codes.js';

const TWO_TO_32 = 0x1_0000_0000;

/** Strings up to this length are scanned in JavaScript; longer ones go to Buffer's native code. */
const SHORT_ASCII_SCAN = 48;

/**
 * Recently decoded short ASCII strings, by a hash of their bytes. Making a
 * JS string from bytes costs around 100ns, while the same few names
 * (exchanges, routing keys, consumer tags) arrive over and over; checking
 * the bytes against a remembered string is several times cheaper.
 */
const RECENT_STRINGS_SIZE = 1024;
const recentStrings: string[] = new Array<string>(RECENT_STRINGS_SIZE).fill('');

/** Reads UTF-8 text from buf[start, end). */
export function readUtf8(buf: Buffer, start: number, end: number): string {
  const length = end - start;
  if (length === 0) return '';
  if (length > SHORT_ASCII_SCAN) return buf.toString('utf8', start, end);
  let hash = length;
  for (let i = start; i < end; i++) {
    const byte = buf[i];
    // Past the end or not ASCII: Buffer decodes it (and bounds it) the usual way.
    if (byte === undefined || byte >= 0x80) return buf.toString('utf8', start, end);
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  const slot = (hash ^ (hash >>> 15)) & (RECENT_STRINGS_SIZE - 1);
  const recent = recentStrings[slot] ?? '';
  if (recent.length === length) {
    let i = 0;
    while (i < length && recent.charCodeAt(i) === buf[start + i]) i++;
    if (i === length) return recent;
  }
  const text = buf.toString('latin1', start, end);
  recentStrings[slot] = text;
  return text;
}

/** Below this length a JavaScript scan beats the call into Buffer.byteLength. */
const SHORT_LENGTH_SCAN = 16;

/** UTF-8 byte length of a string. */
export function utf8Length(text: string): number {
  const length = text.length;
  if (length > SHORT_LENGTH_SCAN) return Buffer.byteLength(text, 'utf8');
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(i) >= 0x80) return Buffer.byteLength(text, 'utf8');
  }
  return length;
}

/** Writes a string whose UTF-8 length (byteLength) is already known; returns the offset after it. */
export function writeUtf8(buf: Buffer, offset: number, text: string, byteLength: number): number {
  if (byteLength === text.length && byteLength <= SHORT_ASCII_SCAN) {
    for (let i = 0; i < byteLength; i++) buf[offset + i] = text.charCodeAt(i);
    return offset + byteLength;
  }
  return offset + buf.write(text, offset, byteLength, 'utf8');
}

/** Reads an unsigned 64-bit integer as a number (exact up to 2^53, like amqplib). */
export function readUInt64(buf: Buffer, offset: number): number {
  return buf.readUInt32BE(offset) * TWO_TO_32 + buf.readUInt32BE(offset + 4);
}

/** Writes a non-negative integer below 2^64 as an unsigned 64-bit integer. */
export function writeUInt64(buf: Buffer, offset: number, value: number): void {
  if (value < TWO_TO_32) {
    buf.writeUInt32BE(0, offset);
    buf.writeUInt32BE(value, offset + 4);
  } else {
    buf.writeBigUInt64BE(BigInt(value), offset);
  }
}

/** A short string (1-byte length, then UTF-8) and the offset after it; context names the field for errors. */
export function decodeShortString(buf: Buffer, offset: number, context = 'short string'): { value: string; offset: number } {
  const length = buf[offset];
  if (length === undefined) throw truncated(context, 1, buf.length - offset);
  const end = offset + 1 + length;
  if (end > buf.length) throw truncated(context, end - offset, buf.length - offset);
  return { value: readUtf8(buf, offset + 1, end), offset: end };
}

/** A long string (4-byte length, then bytes) as a Buffer view and the offset after it. */
export function decodeLongString(buf: Buffer, offset: number, context = 'long string'): { value: Buffer; offset: number } {
  if (offset + 4 > buf.length) throw truncated(context, 4, buf.length - offset);
  const end = offset + 4 + buf.readUInt32BE(offset);
  if (end > buf.length) throw truncated(context, end - offset, buf.length - offset);
  return { value: buf.subarray(offset + 4, end), offset: end };
}

/** The CodecError for a value that runs past the end of its payload. */
function truncated(context: string, needed: number, left: number): CodecError {
  return new CodecError(SYNTAX_ERROR, `${context} needs ${needed} bytes but only ${Math.max(left, 0)} are left in the payload`);
}
