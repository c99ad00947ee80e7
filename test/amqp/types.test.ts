/**
 * The TypeScript types derived from the method table: checked by the type
 * checker (npm run typecheck), and run as tests so a broken derivation shows.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { decodeMethod, encodeMethod, methodSpec } from '../../server/amqp/index.js';
import type { ContentMethodName, DecodedMethod, FieldTable, MethodArgs, MethodFields, MethodName } from '../../server/amqp/index.js';

describe('types derived from the method table', () => {
  it('gives each method its exact field types', () => {
    expectTypeOf<MethodFields['basic.publish']>().toEqualTypeOf<{
      ticket: number;
      exchange: string;
      routingKey: string;
      mandatory: boolean;
      immediate: boolean;
    }>();
    expectTypeOf<MethodFields['basic.ack']>().toEqualTypeOf<{ deliveryTag: number; multiple: boolean }>();
    expectTypeOf<MethodFields['connection.start']>().toEqualTypeOf<{
      versionMajor: number;
      versionMinor: number;
      serverProperties: FieldTable;
      mechanisms: Buffer;
      locales: Buffer;
    }>();
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a method without fields has exactly this type
    expectTypeOf<MethodFields['tx.select']>().toEqualTypeOf<{}>();
  });

  it('lets encodeMethod leave out fields that have defaults, not mandatory ones', () => {
    expectTypeOf<MethodArgs['basic.deliver']>().toEqualTypeOf<{
      consumerTag: string;
      deliveryTag: number;
      exchange: string;
      routingKey: string;
      redelivered?: boolean;
    }>();
    expectTypeOf<MethodArgs['connection.start-ok']>().toEqualTypeOf<{
      clientProperties: FieldTable;
      response: Buffer | string;
      mechanism?: string;
      locale?: string;
    }>();
    // @ts-expect-error deliveryTag is mandatory
    expect(() => encodeMethod(1, 'basic.reject', {})).toThrow(TypeError);
    // @ts-expect-error wrong type
    expect(() => encodeMethod(1, 'basic.ack', { deliveryTag: '1' })).toThrow(TypeError);
  });

  it('narrows DecodedMethod by name', () => {
    const decoded: DecodedMethod = decodeMethod(encodeMethod(1, 'basic.ack', { deliveryTag: 3 }).subarray(7, -1));
    if (decoded.name === 'basic.ack') {
      expectTypeOf(decoded.fields).toEqualTypeOf<MethodFields['basic.ack']>();
      expectTypeOf(decoded.classId).toEqualTypeOf<60>();
      expect(decoded.fields.deliveryTag).toBe(3);
    } else {
      throw new Error(`decoded ${decoded.name}`);
    }
  });

  it('names content-carrying methods', () => {
    expectTypeOf<ContentMethodName>().toEqualTypeOf<'basic.publish' | 'basic.return' | 'basic.deliver' | 'basic.get-ok'>();
    const names: MethodName[] = ['basic.publish', 'basic.return', 'basic.deliver', 'basic.get-ok'];
    expect(names.every((name) => methodSpec(name).content)).toBe(true);
  });
});
