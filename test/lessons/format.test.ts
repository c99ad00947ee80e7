// The lesson folders as content: every one loads without problems, in course
// order, and every cell is explained by prose before and after it, names its
// actors, and lets a learner set the published messages' properties.
import { describe, expect, it } from 'vitest';
import { mergeParams } from '../../server/lessons/index.js';
import type { RunCell } from '../../server/protocol/index.js';
import { lessons } from './catalog.js';
import { courseLessons } from '../support/course.js';
import { present } from '../support/present.js';

const COURSE = courseLessons();

describe('the lessons', () => {
  it('load without problems, in course order', async () => {
    const catalog = await lessons();
    expect(catalog.problems).toEqual([]);
    expect(catalog.list().map((lesson) => lesson.id)).toEqual(COURSE);
    // The six tutorials and publisher confirms come first, in the tutorials' order.
    expect(COURSE.slice(0, 7)).toEqual([
      '01-hello-world',
      '02-work-queues',
      '03-publish-subscribe',
      '04-routing',
      '05-topics',
      '06-rpc',
      '07-publisher-confirms',
    ]);
    for (const lesson of catalog.list()) {
      expect(lesson.title.length).toBeGreaterThan(0);
      expect(lesson.teaches.length).toBeGreaterThan(0);
      expect(lesson.minutes).toBeGreaterThan(0);
    }
  });

  it('explain every cell in prose before and after it', async () => {
    const catalog = await lessons();
    for (const id of COURSE) {
      const parts = present(catalog.get(id)).cells;
      parts.forEach((part, index) => {
        if (part.kind !== 'run') return;
        const before = parts[index - 1];
        const after = parts[index + 1];
        expect(before?.kind, `${id}/${part.id} needs prose before it`).toBe('prose');
        expect(after?.kind, `${id}/${part.id} needs prose after it`).toBe('prose');
      });
    }
  });

  it('give every cell distinct, named actors and the publish properties', async () => {
    const catalog = await lessons();
    for (const id of COURSE) {
      const cells = present(catalog.get(id)).cells.filter((part): part is RunCell => part.kind === 'run');
      expect(cells.length).toBeGreaterThan(0);
      for (const cell of cells) {
        expect(cell.actors.length, `${id}/${cell.id}`).toBeGreaterThan(0);
        expect(new Set(cell.actors).size, `${id}/${cell.id}`).toBe(cell.actors.length);
        const params = cell.params.properties as Record<string, { properties?: Record<string, unknown> }>;
        // A cell whose actors are brokers started with a configuration file publishes nothing.
        const found = catalog.cell(id, cell.id);
        const programs = found?.scenario.programs?.(mergeParams(found.scenario.params, cell.defaults, {}), 'javascript') ?? [];
        if (programs.length > 0 && programs.every((program) => program.configFile !== undefined)) continue;
        expect(Object.keys(params.properties?.properties ?? {}), `${id}/${cell.id}`).toContain('deliveryMode');
      }
    }
  });

  it('describe every parameter with a default and, for numbers, bounds', async () => {
    const catalog = await lessons();
    for (const id of COURSE) {
      for (const cell of present(catalog.get(id)).cells.filter((part): part is RunCell => part.kind === 'run')) {
        const params = cell.params.properties as Record<string, Record<string, unknown>>;
        for (const [name, schema] of Object.entries(params)) {
          expect(schema.default, `${id}/${cell.id} ${name}`).toBeDefined();
          expect(typeof schema.description, `${id}/${cell.id} ${name}`).toBe('string');
          if (schema.type === 'integer' || schema.type === 'number') {
            expect(typeof schema.minimum, `${id}/${cell.id} ${name}`).toBe('number');
            expect(typeof schema.maximum, `${id}/${cell.id} ${name}`).toBe('number');
          }
          if (schema.type === 'array') expect(typeof schema.maxItems, `${id}/${cell.id} ${name}`).toBe('number');
        }
      }
    }
  });
});
