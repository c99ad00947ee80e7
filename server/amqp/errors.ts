/**
 * Errors raised while reading or writing AMQP bytes. Each carries the AMQP
 * reply code a broker should close the connection with, so the broker can
 * turn a codec failure into a connection.close without guessing.
 */

/** A frame could not be cut from the byte stream (bad frame-end, oversize, unknown type). */
export class FrameError extends Error {
  /** AMQP reply code, usually 501 FRAME_ERROR. */
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.name = 'FrameError';
    this.code = code;
  }
}

/** A frame's payload could not be decoded (truncated, garbage, unknown method or type tag). */
export class CodecError extends Error {
  /** AMQP reply code: 502 SYNTAX_ERROR for malformed bytes, 540 NOT_IMPLEMENTED for unknown ids. */
  readonly code: number;
  /** Class of the method being decoded, when known; connection.close reports it. */
  readonly classId: number;
  /** Method being decoded, when known; connection.close reports it. */
  readonly methodId: number;

  constructor(code: number, message: string, classId = 0, methodId = 0) {
    super(message);
    this.name = 'CodecError';
    this.code = code;
    this.classId = classId;
    this.methodId = methodId;
  }
}

/** A short description of a bad value for error messages: strings quoted and cut, objects named by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  return String(value);
}
