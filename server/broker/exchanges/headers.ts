/**
 * Headers exchange: routes on the message's headers property instead of the
 * routing key. A binding's arguments are the pattern; `x-match` says how:
 *   all (the default)  every pattern entry must be present and equal
 *   any                at least one must be
 *   all-with-x / any-with-x  the same, but pattern keys starting with `x-`
 *                      take part too (otherwise they are ignored)
 * A pattern entry whose value is void (null) only asks for the header to be
 * present. Values compare as RabbitMQ compares them: numbers by value,
 * whatever their width.
 */
import type { FieldTable } from '../../amqp/index.js';
import { AmqpError, ReplyCode } from '../errors.js';
import { fieldTypeName, fieldValuesEqual, formatFieldValue, plainValue } from '../field-values.js';
import type { Binding, RouteCollector, RoutingInput } from './binding.js';
import { Exchange } from './exchange.js';

type MatchKind = 'all' | 'any' | 'all-with-x' | 'any-with-x';
const MATCH_KINDS: readonly string[] = ['all', 'any', 'all-with-x', 'any-with-x'];

/** Routes by comparing message headers with each binding's arguments. */
export class HeadersExchange extends Exchange {
  readonly type = 'headers' as const;

  route(message: RoutingInput, into: RouteCollector): void {
    if (this.bindings.length === 0) return;
    const headers = message.headers() ?? {};
    for (const binding of this.bindings) {
      if (headersMatch(binding.arguments, headers)) into.add(binding);
    }
  }

  override validateBinding(args: FieldTable): void {
    const xMatch = args['x-match'];
    if (xMatch === undefined) return;
    const type = fieldTypeName(xMatch);
    const value = plainValue(xMatch);
    if (type !== 'longstr') {
      throw new AmqpError(
        ReplyCode.PRECONDITION_FAILED,
        `Invalid x-match field type ${type} (value ${formatFieldValue(xMatch)}); expected longstr`,
      );
    }
    const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
    if (!MATCH_KINDS.includes(text)) {
      throw new AmqpError(
        ReplyCode.PRECONDITION_FAILED,
        `Invalid x-match field value <<"${text}">>; expected all, any, all-with-x, or any-with-x`,
      );
    }
  }

  protected indexBinding(_binding: Binding): void {
    // Every message is matched against every binding's pattern: there is nothing to index.
  }
  protected unindexBinding(_binding: Binding): void {
    // As above: nothing is indexed.
  }
}

function matchKindOf(pattern: FieldTable): MatchKind {
  const value = pattern['x-match'];
  if (value === undefined) return 'all';
  const plain = plainValue(value);
  const text = Buffer.isBuffer(plain) ? plain.toString('utf8') : plain;
  return typeof text === 'string' && MATCH_KINDS.includes(text) ? (text as MatchKind) : 'all';
}

/** Whether a message's headers satisfy one binding's pattern. */
export function headersMatch(pattern: FieldTable, headers: FieldTable): boolean {
  const kind = matchKindOf(pattern);
  const withX = kind === 'all-with-x' || kind === 'any-with-x';
  const wantAll = kind === 'all' || kind === 'all-with-x';
  let anyMatched = false;
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === 'x-match') continue;
    if (!withX && key.startsWith('x-')) continue;
    const actual = Object.hasOwn(headers, key) ? headers[key] : undefined;
    const matched = actual !== undefined && (expected === null || fieldValuesEqual(expected, actual));
    if (matched) {
      if (!wantAll) return true;
      anyMatched = true;
    } else if (wantAll) {
      return false;
    }
  }
  return wantAll ? true : anyMatched;
}
