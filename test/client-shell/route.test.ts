import { describe, expect, it } from 'vitest';
import { changedParams, readRoute, routeUrl } from '../../client/src/app/route.js';

describe('the address of a workbook page', () => {
  it('names the lesson list at / and a lesson at /lessons/<id>', () => {
    expect(readRoute('/', '')).toEqual({ page: 'lessons' });
    expect(readRoute('/lessons/05-topics', '')).toEqual({ page: 'lesson', lesson: '05-topics', cell: undefined, params: {} });
    expect(readRoute('/nowhere/at/all', '')).toEqual({ page: 'not-found', path: '/nowhere/at/all' });
  });

  it('carries the active cell and changed parameters, and reads back what it writes', () => {
    const route = {
      page: 'lesson' as const,
      lesson: '05-topics',
      cell: 'animals',
      params: { animals: { mandatory: false, routingKeys: ['lazy..rabbit', 'a b&c'] }, 'fanout-and-direct': { message: 'Hi "there"' } },
    };
    const url = routeUrl(route);
    expect(url).toBe(
      '/lessons/05-topics?cell=animals&animals.mandatory=false&animals.routingKeys=[%22lazy..rabbit%22,%22a%20b%26c%22]' +
        '&fanout-and-direct.message=%22Hi%20%5C%22there%5C%22%22',
    );
    const [path, search] = url.split('?');
    expect(readRoute(path ?? '', `?${search}`)).toEqual(route);
  });

  it("carries the programs' language after the cell, and leaves out a language it does not know", () => {
    const route = { page: 'lesson' as const, lesson: '02-work-queues', cell: 'seven-tasks', params: {}, language: 'python' as const };
    expect(routeUrl(route)).toBe('/lessons/02-work-queues?cell=seven-tasks&language=python');
    expect(readRoute('/lessons/02-work-queues', '?cell=seven-tasks&language=python')).toEqual(route);
    expect(readRoute('/lessons/02-work-queues', '?language=ruby')).not.toHaveProperty('language');
  });

  it('takes a hand-typed value that is not JSON as text', () => {
    expect(readRoute('/lessons/01-hello-world', '?hello.message=Hi+there&hello.count=3')).toMatchObject({
      params: { hello: { message: 'Hi there', count: 3 } },
    });
  });

  it('tells which parameters an edit changed', () => {
    expect(changedParams({ a: { x: 1, y: [1] } }, { a: { x: 1, y: [1, 2] }, b: { z: true } })).toEqual(['a.y', 'b.z']);
    expect(changedParams({ a: { x: 1 } }, {})).toEqual(['a.x']);
  });
});

describe('the page that opens a saved trace', () => {
  it('is at /trace, and its address reads back', () => {
    expect(readRoute('/trace', '')).toEqual({ page: 'trace' });
    expect(readRoute('/trace/', '')).toEqual({ page: 'trace' });
    expect(routeUrl({ page: 'trace' })).toBe('/trace');
  });
});
