/**
 * Permission patterns as RabbitMQ reads them (rabbit_auth_backend_internal):
 * a regular expression searched for anywhere in the resource name, so `^`
 * and `$` anchor it only when written; an empty pattern allows nothing (it
 * becomes `^$`, and no resource has an empty name: the default exchange is
 * checked as `amq.default`).
 */

/** A compiled pattern, or why it is not a regular expression. */
export type CompiledPattern = { regex: RegExp; problem?: undefined } | { regex?: undefined; problem: string };

export function compilePattern(pattern: string): CompiledPattern {
  try {
    return { regex: new RegExp(pattern === '' ? '^$' : pattern) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}
