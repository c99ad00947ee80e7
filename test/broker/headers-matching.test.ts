import { describe, expect, test } from 'vitest';
import { headersMatch, HeadersExchange } from '../../server/broker/exchanges/headers.js';
import { AmqpError } from '../../server/broker/errors.js';

describe('headers matching', () => {
  test('all (the default): every pattern entry present and equal', () => {
    expect(headersMatch({ 'x-match': 'all', format: 'pdf', type: 'report' }, { format: 'pdf', type: 'report', extra: 1 })).toBe(true);
    expect(headersMatch({ format: 'pdf', type: 'report' }, { format: 'pdf' })).toBe(false);
    expect(headersMatch({ format: 'pdf' }, { format: 'zip' })).toBe(false);
  });

  test('any: one equal entry is enough; an empty pattern matches nothing', () => {
    expect(headersMatch({ 'x-match': 'any', format: 'pdf', type: 'report' }, { type: 'report' })).toBe(true);
    expect(headersMatch({ 'x-match': 'any', format: 'pdf' }, { type: 'report' })).toBe(false);
    expect(headersMatch({ 'x-match': 'any' }, { type: 'report' })).toBe(false);
    expect(headersMatch({ 'x-match': 'all' }, {})).toBe(true);
  });

  test('x- keys in the pattern are ignored unless x-match is all-with-x or any-with-x', () => {
    expect(headersMatch({ 'x-match': 'all', 'x-tenant': 'a' }, {})).toBe(true);
    expect(headersMatch({ 'x-match': 'all-with-x', 'x-tenant': 'a' }, {})).toBe(false);
    expect(headersMatch({ 'x-match': 'all-with-x', 'x-tenant': 'a' }, { 'x-tenant': 'a' })).toBe(true);
    expect(headersMatch({ 'x-match': 'any-with-x', 'x-tenant': 'a', kind: 'b' }, { 'x-tenant': 'a' })).toBe(true);
  });

  test('numbers compare by value whatever their wire type; strings and bytes by content', () => {
    expect(headersMatch({ size: 5 }, { size: { '!': 'int32', value: 5 } })).toBe(true);
    expect(headersMatch({ size: 5 }, { size: 5.0 })).toBe(true);
    expect(headersMatch({ size: 5 }, { size: '5' })).toBe(false);
    expect(headersMatch({ name: 'abc' }, { name: Buffer.from('abc') })).toBe(true);
  });

  test('a void pattern value asks only for presence', () => {
    expect(headersMatch({ flag: null }, { flag: 'anything' })).toBe(true);
    expect(headersMatch({ flag: null }, {})).toBe(false);
  });

  test('binding with a bad x-match is refused with RabbitMQ texts', () => {
    const exchange = new HeadersExchange('h', { durable: false, autoDelete: false, internal: false, arguments: {} });
    const refusal = (args: Record<string, unknown>) => {
      try {
        exchange.validateBinding(args as never);
        return undefined;
      } catch (error) {
        return error instanceof AmqpError ? `${error.code} ${error.message}` : String(error);
      }
    };
    expect(refusal({ 'x-match': 'foo' })).toBe(
      '406 PRECONDITION_FAILED - Invalid x-match field value <<"foo">>; expected all, any, all-with-x, or any-with-x',
    );
    expect(refusal({ 'x-match': 5 })).toBe('406 PRECONDITION_FAILED - Invalid x-match field type byte (value 5); expected longstr');
    expect(refusal({ 'x-match': 'any' })).toBeUndefined();
  });
});
