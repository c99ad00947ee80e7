// The Lab page's build forms read as requests, as the page does before sending: typed text becomes numbers and
// headers, empty fields are left out, and each problem names the field it is shown beside.
import { describe, expect, it } from 'vitest';
import { INITIAL_VALUES, fieldOf, readForm } from '../../client/src/lab/lab-build-request.js';

describe('reading the build forms', () => {
  it('leaves out what was left empty and reads numbers', () => {
    const read = readForm('queue', { ...INITIAL_VALUES.queue, name: 'bounded', maxLength: ' 3 ', overflow: 'drop-head' });
    expect(read).toEqual({
      ok: true,
      request: {
        action: 'declare-queue',
        name: 'bounded',
        queueType: 'classic',
        durable: true,
        autoDelete: false,
        maxLength: 3,
        overflow: 'drop-head',
      },
    });
  });

  it('names every field with a problem: text where a number goes, a number out of range, a rule of quorum queues', () => {
    const read = readForm('queue', {
      ...INITIAL_VALUES.queue,
      name: 'retries',
      queueType: 'quorum',
      autoDelete: true,
      messageTtl: 'soon',
      maxPriority: '0',
    });
    expect(read).toEqual({
      ok: false,
      problems: [
        { field: 'messageTtl', message: 'the message TTL must be a whole number from 0 to 4,294,967,295 milliseconds, got "soon"' },
        { field: 'maxPriority', message: 'the max priority must be a whole number from 1 to 255, got 0' },
        { field: 'autoDelete', message: 'a quorum queue cannot be auto-delete: untick auto-delete' },
        { field: 'maxPriority', message: 'a quorum queue has no priorities: leave max priority empty, or use a classic queue' },
      ],
    });
  });

  it('reads headers one name=value a line for a headers binding, and shows their problems beside the headers box', () => {
    const values = {
      ...INITIAL_VALUES.bind,
      source: 'matching',
      destination: 'pdfs',
      match: 'any',
      headers: 'format = pdf\n\nx-match=all\npages',
    };
    const read = readForm('bind', values, 'unbind');
    expect(read.ok).toBe(false);
    const problems = read.ok ? [] : read.problems;
    expect(problems.map((problem) => [fieldOf(problem), problem.message])).toEqual([
      ['headers', 'line 4 ("pages") must be name=value'],
      ['headers', 'header names starting with "x-" are not matched (got "x-match")'],
    ]);
    expect(readForm('bind', { ...values, headers: 'format = pdf' }, 'unbind')).toEqual({
      ok: true,
      request: {
        action: 'unbind',
        source: 'matching',
        destinationType: 'queue',
        destination: 'pdfs',
        routingKey: '',
        headers: [{ name: 'format', value: 'pdf' }],
        match: 'any',
      },
    });
  });

  it('refuses a name over 255 bytes of UTF-8, the broker’s amq. names and the default exchange as a source', () => {
    expect(readForm('exchange', { ...INITIAL_VALUES.exchange, name: 'amq.mine' })).toMatchObject({
      ok: false,
      problems: [{ field: 'name', message: 'names starting with "amq." are the broker\'s own: choose an exchange name without it' }],
    });
    expect(readForm('delete', { kind: 'exchange', name: 'ü'.repeat(128) })).toMatchObject({
      ok: false,
      problems: [{ field: 'name', message: 'the exchange name may be at most 255 bytes of UTF-8, got 256' }],
    });
    expect(readForm('bind', { ...INITIAL_VALUES.bind, destination: 'q' })).toMatchObject({
      ok: false,
      problems: [{ field: 'source', message: expect.stringMatching(/^the source must name an exchange: the default exchange/) as unknown }],
    });
  });
});
