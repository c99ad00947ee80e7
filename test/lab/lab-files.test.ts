/**
 * What the Lab page's files rest on, without a browser: a broker snapshot
 * brings exchanges and bindings made outside the trace (a loaded
 * definitions file) into the views; an import's report reads as a sentence;
 * the lab's trace is saved without a language and reads back.
 */
import { describe, expect, it } from 'vitest';
import { RunModel } from '../../client/src/run/run-model.js';
import { importHeadline, itemName } from '../../client/src/lab/import-report-text.js';
import { readTraceFile } from '../../client/src/trace/read-trace-file.js';
import { traceFileOf } from '../../client/src/trace/write-trace-file.js';
import { RunModel as TraceModel } from '../../server/model/run-model.js';
import { listBindings, listExchanges } from '../../server/model/rabbitmqctl.js';
import type { BrokerStateEvent } from '../../server/protocol/index.js';
import type { ImportReport } from '../../server/protocol/lab-definitions.js';

/** The lab's vhost after a file with exchange `orders` and queue `orders.eu` bound by `eu.#` was loaded. */
const AFTER_IMPORT: BrokerStateEvent = {
  kind: 'state',
  seq: 1,
  time: 10,
  queues: [
    { name: 'orders.eu', messagesReady: 2, messagesUnacknowledged: 0, consumers: 0, durable: true, exclusive: false, autoDelete: false },
  ],
  exchanges: [
    { name: '', type: 'direct', durable: true, autoDelete: false, internal: false },
    { name: 'orders', type: 'topic', durable: true, autoDelete: false, internal: false },
  ],
  bindings: [
    { source: '', destination: 'orders.eu', destinationType: 'queue', routingKey: 'orders.eu', arguments: {} },
    { source: 'orders', destination: 'orders.eu', destinationType: 'queue', routingKey: 'eu.#', arguments: {} },
  ],
};

describe('the lab files', () => {
  it('shows the exchanges and bindings a snapshot lists that the trace never saw made, once, and routes through them', () => {
    const model = new TraceModel();
    model.apply(AFTER_IMPORT);
    model.apply({ ...AFTER_IMPORT, seq: 2, time: 20 });
    const orders = listExchanges(model.state).filter((exchange) => exchange.name === 'orders');
    expect(orders).toEqual([{ name: 'orders', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} }]);
    expect(listBindings(model.state).map((binding) => `${binding.source_name} ${binding.destination_name} ${binding.routing_key}`)).toEqual(
      [' orders.eu orders.eu', 'orders orders.eu eu.#'],
    );
    expect(model.route('orders', 'eu.paris', undefined)?.queues).toEqual(['orders.eu']);
    expect(model.route('orders', 'us.boston', undefined)?.queues).toEqual([]);
  });

  it('says what an import did as a person reads it', () => {
    const report: ImportReport = {
      vhost: '/',
      sourceVhost: 'shop',
      imported: [
        { kind: 'exchange', name: 'orders' },
        { kind: 'queue', name: 'orders.eu' },
        { kind: 'queue', name: 'audit.log' },
        { kind: 'binding', name: 'orders → orders.eu (routing key "eu.#")' },
      ],
      failed: [],
      skipped: [],
      notImported: [],
    };
    expect(importHeadline(report)).toBe('Imported 1 exchange, 2 queues, 1 binding into vhost "/" from the file\'s vhost "shop".');
    expect(importHeadline({ ...report, sourceVhost: undefined, imported: [] })).toBe('Nothing was imported into vhost "/".');
    expect(itemName({ kind: 'binding', name: 'a → b (routing key "")' })).toBe('binding a → b (routing key "")');
  });

  it('saves the lab as a trace file with no language, which reads back with its snapshot', () => {
    const model = new RunModel({ runId: 'lab' });
    model.apply({ type: 'trace', runId: 'lab', events: [AFTER_IMPORT] });
    const file = traceFileOf(
      model,
      {
        lesson: 'lab',
        cell: 'lab',
        title: 'Lab: / on the embedded broker',
        broker: { kind: 'embedded' },
        params: { vhost: '/' },
        status: 'running',
      },
      new Date(2026, 11, 7, 19, 30),
    );
    expect('language' in file).toBe(false);
    const read = readTraceFile(JSON.stringify(file));
    expect(read.ok && read.file.title).toBe('Lab: / on the embedded broker');
    expect(read.ok && read.file.events).toEqual([AFTER_IMPORT]);
  });
});
