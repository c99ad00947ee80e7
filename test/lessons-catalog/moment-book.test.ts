import { describe, expect, it } from 'vitest';
import { createMomentBook } from '../../server/scenario/index.js';

const declared = [
  { id: 'tasks-dealt-out', title: 'once the tasks are dealt out' },
  { id: 'worker-stopped', title: 'while worker 1 is stopped' },
];

describe('the moments a run marks', () => {
  it('passes a declared moment through, once', () => {
    const book = createMomentBook(declared);
    expect(book.mark({ id: 'worker-stopped', title: 'while worker 1 is stopped' })).toEqual({
      id: 'worker-stopped',
      title: 'while worker 1 is stopped',
    });
    expect(() => book.mark({ id: 'worker-stopped', title: 'while worker 1 is stopped' })).toThrow(
      "snapshot(): the moment 'worker-stopped' was already marked in this run; a moment is marked once",
    );
  });

  it('refuses a moment the scenario does not declare, naming the ones it does', () => {
    expect(() => createMomentBook(declared).mark({ id: 'work-done', title: 'the work done' })).toThrow(
      "snapshot(): the moment 'work-done' is not among the scenario's moments() for these parameters; it declares 'tasks-dealt-out', 'worker-stopped'",
    );
    expect(() => createMomentBook([]).mark({ id: 'work-done', title: 'the work done' })).toThrow('it declares none');
  });

  it('refuses an id that cannot sit in a link', () => {
    expect(() => createMomentBook(declared).mark({ id: 'worker stopped', title: 'while worker 1 is stopped' })).toThrow(
      'snapshot(): the moment id "worker stopped" is not allowed: use lowercase letters, digits and dashes, like worker-stopped',
    );
  });
});
