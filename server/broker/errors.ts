/**
 * AMQP exceptions as the broker raises them.
 *
 * A channel exception (soft error) closes only the channel that sent the
 * offending method; a connection exception (hard error) closes the whole
 * connection. The reply text starts with the code's name, the way RabbitMQ
 * writes it, e.g. "NOT_FOUND - no queue 'q' in vhost '/'".
 */

/** Reply codes from the AMQP 0-9-1 spec, by their spec names. */
export const ReplyCode = {
  REPLY_SUCCESS: 200,
  CONTENT_TOO_LARGE: 311,
  NO_ROUTE: 312,
  NO_CONSUMERS: 313,
  CONNECTION_FORCED: 320,
  INVALID_PATH: 402,
  ACCESS_REFUSED: 403,
  NOT_FOUND: 404,
  RESOURCE_LOCKED: 405,
  PRECONDITION_FAILED: 406,
  FRAME_ERROR: 501,
  SYNTAX_ERROR: 502,
  COMMAND_INVALID: 503,
  CHANNEL_ERROR: 504,
  UNEXPECTED_FRAME: 505,
  RESOURCE_ERROR: 506,
  NOT_ALLOWED: 530,
  NOT_IMPLEMENTED: 540,
  INTERNAL_ERROR: 541,
} as const;

const codeNames = new Map<number, string>(Object.entries(ReplyCode).map(([name, code]) => [code, name]));

/** Codes that only ever close a channel; every other error code closes the connection. */
const channelCodes = new Set<number>([311, 312, 313, 403, 404, 405, 406]);

/** The spec name of a reply code, e.g. 404 -> 'NOT_FOUND'. */
export function replyCodeName(code: number): string {
  return codeNames.get(code) ?? `CODE_${code}`;
}

/** An AMQP exception: a reply code, a RabbitMQ-style text and the method that caused it. */
export class AmqpError extends Error {
  /** AMQP reply code, e.g. 404. */
  readonly code: number;
  /** Whether it closes the connection (hard) or only the channel (soft). */
  readonly hard: boolean;
  /** Class id of the offending method; 0 when no method caused it. */
  classId: number;
  /** Method id of the offending method; 0 when no method caused it. */
  methodId: number;

  /** detail is the part after "NAME - "; hard defaults to what the code implies. */
  constructor(code: number, detail: string, options: { hard?: boolean; classId?: number; methodId?: number } = {}) {
    super(`${replyCodeName(code)} - ${detail}`);
    this.name = 'AmqpError';
    this.code = code;
    this.hard = options.hard ?? !channelCodes.has(code);
    this.classId = options.classId ?? 0;
    this.methodId = options.methodId ?? 0;
  }

  /** The reply-text sent in channel.close or connection.close (at most 255 bytes on the wire). */
  get replyText(): string {
    return this.message;
  }
}

/** 404: "no queue 'q' in vhost '/'" and friends. */
export function notFound(kind: 'queue' | 'exchange', name: string, vhost: string): AmqpError {
  return new AmqpError(ReplyCode.NOT_FOUND, `no ${kind} '${name}' in vhost '${vhost}'`);
}

/** 406 with the given detail. */
export function preconditionFailed(detail: string): AmqpError {
  return new AmqpError(ReplyCode.PRECONDITION_FAILED, detail);
}

/** 403 with the given detail. */
export function accessRefused(detail: string): AmqpError {
  return new AmqpError(ReplyCode.ACCESS_REFUSED, detail);
}

/** 405: another connection owns this exclusive queue, or the exclusive flag differs. */
export function resourceLocked(queue: string, vhost: string): AmqpError {
  return new AmqpError(
    ReplyCode.RESOURCE_LOCKED,
    `cannot obtain exclusive access to locked queue '${queue}' in vhost '${vhost}'. ` +
      'It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.',
  );
}
