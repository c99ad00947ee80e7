import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { mergeParams, validateParams } from '../../server/lessons/index.js';
import { PublishProperties } from '../../server/scenario/index.js';

const workQueue = Type.Object({
  workers: Type.Integer({ default: 2, minimum: 1, maximum: 5, description: 'how many workers' }),
  ackMode: Type.Union([Type.Literal('automatic'), Type.Literal('manual'), Type.Literal('forgotten')], {
    default: 'manual',
    description: 'when workers acknowledge',
  }),
  durable: Type.Boolean({ default: false, description: 'whether task_queue survives a restart' }),
  msPerDot: Type.Number({ default: 1000, minimum: 0, description: 'milliseconds of work per dot' }),
  tasks: Type.Array(Type.String({ maxLength: 20 }), { default: ['a.', 'b..'], maxItems: 10, description: 'the tasks to send' }),
  name: Type.String({ default: 'task_queue', minLength: 1, maxLength: 255, description: 'the queue' }),
  properties: PublishProperties,
});

describe('validateParams', () => {
  it('fills every default', () => {
    expect(validateParams(workQueue, {})).toEqual({
      ok: true,
      params: { workers: 2, ackMode: 'manual', durable: false, msPerDot: 1000, tasks: ['a.', 'b..'], name: 'task_queue', properties: {} },
    });
  });

  it('converts strings from a command line', () => {
    const result = validateParams(workQueue, {
      workers: '3',
      durable: 'true',
      msPerDot: '12.5',
      name: 42,
      properties: { deliveryMode: '2', priority: '9' },
    });
    expect(result).toMatchObject({
      ok: true,
      params: { workers: 3, durable: true, msPerDot: 12.5, name: '42', properties: { deliveryMode: 2, priority: 9 } },
    });
  });

  it('does not change the values it was given', () => {
    const values = { workers: '3' };
    validateParams(workQueue, values);
    expect(values).toEqual({ workers: '3' });
  });

  it('names the parameter and its bounds', () => {
    expect(validateParams(workQueue, { workers: 9 })).toEqual({
      ok: false,
      errors: [{ param: 'workers', message: 'workers must be an integer from 1 to 5, got 9' }],
    });
    expect(validateParams(workQueue, { workers: '2.5' })).toMatchObject({
      errors: [{ message: 'workers must be an integer from 1 to 5, got 2.5' }],
    });
    expect(validateParams(workQueue, { msPerDot: -1 })).toMatchObject({
      errors: [{ message: 'msPerDot must be a number of at least 0, got -1' }],
    });
  });

  it('lists the choices of a union of literals', () => {
    expect(validateParams(workQueue, { ackMode: 'sometimes' })).toEqual({
      ok: false,
      errors: [{ param: 'ackMode', message: 'ackMode must be one of automatic, manual, forgotten, got "sometimes"' }],
    });
    expect(validateParams(workQueue, { properties: { deliveryMode: 3 } })).toEqual({
      ok: false,
      errors: [{ param: 'properties.deliveryMode', message: 'properties.deliveryMode must be one of 1, 2, got 3' }],
    });
  });

  it('describes booleans, strings and lists', () => {
    const result = validateParams(workQueue, { durable: 'maybe', name: '', tasks: ['x'.repeat(30)], properties: { expiration: 'soon' } });
    expect(result).toEqual({
      ok: false,
      errors: [
        { param: 'durable', message: 'durable must be true or false, got "maybe"' },
        { param: 'tasks.0', message: `tasks.0 must be a string of at most 20 characters, got "${'x'.repeat(30)}"` },
        { param: 'name', message: 'name must be a string of 1 to 255 characters, got ""' },
        {
          param: 'properties.expiration',
          message: 'properties.expiration must be a string of 1 to 10 digits (a number of milliseconds, such as 60000), got "soon"',
        },
      ],
    });
  });

  it('refuses names that are not parameters, at any depth', () => {
    expect(validateParams(workQueue, { worker: 3, properties: { colour: 'red' } })).toEqual({
      ok: false,
      errors: [
        {
          param: 'worker',
          message: 'there is no parameter worker; the parameters are workers, ackMode, durable, msPerDot, tasks, name, properties',
        },
        {
          param: 'properties.colour',
          message:
            'there is no parameter properties.colour; properties has deliveryMode, contentType, contentEncoding, headers, priority, correlationId, replyTo, expiration, messageId, timestamp, type, userId, appId',
        },
      ],
    });
  });

  it('lets free-form maps like headers hold any name', () => {
    expect(validateParams(workQueue, { properties: { headers: { 'x-anything': 1 } } })).toMatchObject({ ok: true });
    expect(validateParams(workQueue, { properties: { headers: { bad: [1] } } })).toMatchObject({
      errors: [{ param: 'properties.headers.bad', message: 'properties.headers.bad must be a string, a number or true or false, got [1]' }],
    });
  });

  it('refuses something that is not a set of parameters', () => {
    expect(validateParams(workQueue, [1])).toEqual({
      ok: false,
      errors: [{ param: '', message: 'parameters must be an object of name: value, got [1]' }],
    });
  });
});

describe('names every object inherits, and depth', () => {
  it('refuses them by name at any depth, listing the names that exist there', () => {
    const values = JSON.parse('{"toString":1,"properties":{"__proto__":{"priority":300},"headers":{"constructor":"x"}}}') as unknown;
    expect(validateParams(workQueue, values)).toEqual({
      ok: false,
      errors: [
        {
          param: 'toString',
          message:
            "parameter name 'toString' is not allowed: every JavaScript object already has a 'toString', so it cannot name a parameter or a field; the parameters are workers, ackMode, durable, msPerDot, tasks, name, properties",
        },
        {
          param: 'properties.__proto__',
          message: expect.stringContaining('; properties has deliveryMode, contentType, contentEncoding, headers,'),
        },
        { param: 'properties.headers.constructor', message: expect.stringMatching(/a field$/) },
      ],
    });
  });

  it("keeps '__proto__' a name through merging, so the check sees it instead of a changed prototype", () => {
    const overrides = JSON.parse('{"__proto__":{"workers":9}}') as Record<string, unknown>;
    const merged = mergeParams(workQueue, { workers: 2 }, overrides);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['workers', '__proto__']);
    expect(validateParams(workQueue, merged)).toMatchObject({ ok: false, errors: [{ param: '__proto__' }] });
  });

  it('refuses values nested more than 32 levels deep without walking them', () => {
    let deep: unknown = 'x';
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    expect(validateParams(workQueue, { tasks: deep })).toEqual({
      ok: false,
      errors: [
        {
          param: 'tasks',
          message: 'tasks nests more than 32 levels deep (at tasks.0.0.0...): parameters may nest at most 32 levels of objects and lists',
        },
      ],
    });
  });
});

describe('mergeParams', () => {
  it('merges fixed-shape objects field by field and replaces the rest', () => {
    const base = { workers: 2, tasks: ['a', 'b'], properties: { contentType: 'text/plain', headers: { a: 1 } } };
    expect(mergeParams(workQueue, base, { tasks: ['c'], properties: { priority: 3, headers: { b: 2 } } })).toEqual({
      workers: 2,
      tasks: ['c'],
      properties: { contentType: 'text/plain', priority: 3, headers: { b: 2 } },
    });
    expect(base.properties).toEqual({ contentType: 'text/plain', headers: { a: 1 } });
  });
});

describe('validateParams conversions', () => {
  const numbers = Type.Object({
    whole: Type.Integer({ default: 1, description: 'an integer' }),
    real: Type.Number({ default: 1, description: 'a number' }),
    flag: Type.Boolean({ default: false, description: 'a flag' }),
    mode: Type.Union([Type.Literal(1), Type.Literal('two')], { default: 1, description: 'a choice' }),
  });

  it('never rounds or guesses', () => {
    expect(validateParams(numbers, { whole: 2.5 })).toMatchObject({ errors: [{ message: 'whole must be an integer, got 2.5' }] });
    expect(validateParams(numbers, { whole: '7abc', real: '', flag: 'yes' })).toEqual({
      ok: false,
      errors: [
        { param: 'whole', message: 'whole must be an integer, got "7abc"' },
        { param: 'real', message: 'real must be a number, got ""' },
        { param: 'flag', message: 'flag must be true or false, got "yes"' },
      ],
    });
  });

  it('converts exact text, including a union member', () => {
    expect(validateParams(numbers, { whole: '-4', real: '1e3', flag: 'false', mode: '1' })).toEqual({
      ok: true,
      params: { whole: -4, real: 1000, flag: false, mode: 1 },
    });
    expect(validateParams(numbers, { mode: 'two' })).toMatchObject({ ok: true, params: { mode: 'two' } });
  });
});
