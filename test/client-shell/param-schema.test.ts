import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { findProblems } from '../../client/src/app/param-errors.js';
import { blankValue, fieldsOf, shapeOf, toTypeBox } from '../../client/src/app/param-schema.js';

/** A parameter schema shaped like the lessons' (built with TypeBox, sent as plain JSON). */
const schema = JSON.parse(
  JSON.stringify(
    Type.Object({
      workers: Type.Integer({ minimum: 1, maximum: 5, default: 2, description: 'how many workers' }),
      ackMode: Type.Union([Type.Literal('manual'), Type.Literal('automatic')], { default: 'manual' }),
      durable: Type.Boolean({ default: true }),
      tasks: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 50 }),
      requests: Type.Array(Type.Integer({ minimum: 0 })),
      bindings: Type.Array(Type.Array(Type.String())),
      messages: Type.Array(Type.Object({ severity: Type.String(), text: Type.String() })),
      strategies: Type.Array(Type.Union([Type.Literal('individual'), Type.Literal('batch')]), { uniqueItems: true }),
      properties: Type.Object(
        {
          priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
          headers: Type.Optional(Type.Record(Type.String(), Type.String())),
        },
        { additionalProperties: false },
      ),
    }),
  ),
) as Record<string, unknown>;

describe('parameter forms from JSON Schema', () => {
  it('gives each kind of parameter its editor', () => {
    const shapes = Object.fromEntries(fieldsOf(schema).map((field) => [field.name, field.shape.kind]));
    expect(shapes).toEqual({
      workers: 'number',
      ackMode: 'choice',
      durable: 'boolean',
      tasks: 'lines',
      requests: 'numbers',
      bindings: 'rows',
      messages: 'rows',
      strategies: 'choice-set',
      properties: 'group',
    });
    expect(fieldsOf(schema)[0]).toMatchObject({ required: true, description: 'how many workers' });
    expect(shapeOf({ type: 'integer', minimum: 0 })).toEqual({ kind: 'number', integer: true, min: undefined, max: undefined });
  });

  it('checks values with TypeBox and says what is wrong in words, next to the value at fault', () => {
    const checker = toTypeBox(schema);
    const good = {
      workers: 2,
      ackMode: 'manual',
      durable: true,
      tasks: ['a.'],
      requests: [30],
      bindings: [['x']],
      messages: [{ severity: 'info', text: 'hi' }],
      strategies: ['batch'],
      properties: { priority: 3, headers: { a: 'b' } },
    };
    expect([...findProblems(checker, good)]).toEqual([]);
    const problems = findProblems(checker, { ...good, workers: 9, ackMode: 'sometimes', tasks: ['a.', ''], properties: { colour: 'red' } });
    expect(Object.fromEntries(problems)).toEqual({
      workers: 'must be a whole number from 1 to 5, got 9',
      ackMode: 'must be one of "manual", "automatic", got "sometimes"',
      'tasks/1': 'must be text of at least 1 character, got ""',
      'properties/colour': 'is not a field here: remove it',
    });
  });

  it('starts a new row from the item schema', () => {
    expect(
      blankValue({
        type: 'object',
        required: ['severity', 'text'],
        properties: { severity: { type: 'string' }, text: { type: 'string' } },
      }),
    ).toEqual({ severity: '', text: '' });
    expect(blankValue({ type: 'integer', minimum: 4 })).toBe(4);
  });
});
