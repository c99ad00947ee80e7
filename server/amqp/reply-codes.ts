/**
 * AMQP 0-9-1 reply codes, as carried by connection.close, channel.close and
 * basic.return. Codes below 400 are soft (channel-level) or informational,
 * 5xx are hard errors that close the connection.
 */
export const REPLY_SUCCESS = 200;
export const CONTENT_TOO_LARGE = 311;
export const NO_ROUTE = 312;
export const NO_CONSUMERS = 313;
export const CONNECTION_FORCED = 320;
export const INVALID_PATH = 402;
export const ACCESS_REFUSED = 403;
export const NOT_FOUND = 404;
export const RESOURCE_LOCKED = 405;
export const PRECONDITION_FAILED = 406;
export const FRAME_ERROR = 501;
export const SYNTAX_ERROR = 502;
export const COMMAND_INVALID = 503;
export const CHANNEL_ERROR = 504;
export const UNEXPECTED_FRAME = 505;
export const RESOURCE_ERROR = 506;
export const NOT_ALLOWED = 530;
export const NOT_IMPLEMENTED = 540;
export const INTERNAL_ERROR = 541;

/** The spec's name for each reply code, as RabbitMQ prints it in reply texts ('NOT_FOUND - no queue ...'). */
export const REPLY_CODE_NAMES: Readonly<Record<number, string>> = {
  [REPLY_SUCCESS]: 'REPLY_SUCCESS',
  [CONTENT_TOO_LARGE]: 'CONTENT_TOO_LARGE',
  [NO_ROUTE]: 'NO_ROUTE',
  [NO_CONSUMERS]: 'NO_CONSUMERS',
  [CONNECTION_FORCED]: 'CONNECTION_FORCED',
  [INVALID_PATH]: 'INVALID_PATH',
  [ACCESS_REFUSED]: 'ACCESS_REFUSED',
  [NOT_FOUND]: 'NOT_FOUND',
  [RESOURCE_LOCKED]: 'RESOURCE_LOCKED',
  [PRECONDITION_FAILED]: 'PRECONDITION_FAILED',
  [FRAME_ERROR]: 'FRAME_ERROR',
  [SYNTAX_ERROR]: 'SYNTAX_ERROR',
  [COMMAND_INVALID]: 'COMMAND_INVALID',
  [CHANNEL_ERROR]: 'CHANNEL_ERROR',
  [UNEXPECTED_FRAME]: 'UNEXPECTED_FRAME',
  [RESOURCE_ERROR]: 'RESOURCE_ERROR',
  [NOT_ALLOWED]: 'NOT_ALLOWED',
  [NOT_IMPLEMENTED]: 'NOT_IMPLEMENTED',
  [INTERNAL_ERROR]: 'INTERNAL_ERROR',
};
