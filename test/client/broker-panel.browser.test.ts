/**
 * The broker panel in Chromium, fed runs real brokers recorded: what
 * rabbitmqctl's list_queues, list_exchanges, list_bindings, list_consumers
 * and list_connections would have printed at the moment the timeline's
 * cursor is at, read as a learner reads them (the tabs, the command, the
 * column headings and the cells' text).
 */
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerPanelElement } from '../../client/src/run/broker-panel.js';
import '../../client/src/run/broker-panel.js';
import type { RunModel } from '../../client/src/run/run-model.js';
import { allInShadow, inShadow, mount, settled, textOf, unmountAll } from './mount.js';
import { feed, finishedRun, firstSeq, recording, snapshotSeqs, startedRun } from './recorded-runs.js';
import { present } from '../support/present.js';

/** Shows one of the panel's lists, as a learner clicks its tab. */
async function show(panel: BrokerPanelElement, list: string): Promise<void> {
  const tab = allInShadow(panel, '[role="tab"]').find((button) => textOf(button).startsWith(`${list} `));
  present(tab, `a ${list} tab`).click();
  await settled(panel);
}

/** The list shown: its command, and each row as column heading -> cell text. */
function shownList(panel: BrokerPanelElement): { command: string; rows: Record<string, string>[]; empty: string; notes: string } {
  const headings = allInShadow(panel, 'thead th').map(textOf);
  const bodyRows = allInShadow(panel, 'tbody tr');
  const rows = bodyRows
    .map((row) => [...row.querySelectorAll('td')].map(textOf))
    .filter((cells) => cells.length === headings.length)
    .map((cells) => Object.fromEntries(cells.map((cell, index) => [headings[index] ?? `column ${index}`, cell])));
  const empty = bodyRows.length === 1 && rows.length === 0 ? textOf(present(bodyRows[0])) : '';
  const notes = allInShadow(panel, '.notes li').map(textOf).join(' ');
  return { command: textOf(inShadow(panel, '.command')), rows, empty, notes };
}

async function panelOf(model: RunModel): Promise<BrokerPanelElement> {
  return mount<BrokerPanelElement>(html`<broker-panel .model=${model}></broker-panel>`);
}

describe('<broker-panel>', () => {
  afterEach(unmountAll);

  it('shows list_queues with rabbitmqctl’s columns, at whatever moment the cursor is', async () => {
    const [first = 0, afterStop = 0] = snapshotSeqs('seven-tasks');
    const model = finishedRun('seven-tasks');
    const panel = await panelOf(model);
    expect(textOf(inShadow(panel, '.moment'))).toMatch(/^What rabbitmqctl would have printed at the end of the run \(event #\d+\)\./);
    expect(allInShadow(panel, '[role="tab"]').map(textOf)).toEqual([
      'list_queues 1',
      'list_exchanges 7',
      'list_bindings 1',
      'list_consumers 0',
      'list_connections 0',
    ]);
    let list = shownList(panel);
    expect(list.command).toBe(
      'rabbitmqctl list_queues name durable auto_delete exclusive messages_ready messages_unacknowledged consumers arguments',
    );
    expect(list.rows).toEqual([
      {
        name: 'task_queue',
        durable: 'true',
        auto_delete: 'false',
        exclusive: 'false',
        messages_ready: '0',
        messages_unacknowledged: '0',
        consumers: '0',
        arguments: '[]',
      },
    ]);

    // The broker's first snapshot: all seven tasks handed out to the two workers.
    model.moveCursor(first);
    await settled(panel);
    expect(textOf(inShadow(panel, '.moment'))).toContain(`at event #${first}, where the timeline is`);
    list = shownList(panel);
    expect(list.rows.map((row) => [row.messages_ready, row.messages_unacknowledged, row.consumers])).toEqual([['0', '7', '2']]);

    // Worker 1 has stopped: its four tasks went back and on to worker 2, still unacknowledged.
    model.moveCursor(afterStop);
    await settled(panel);
    list = shownList(panel);
    expect(list.rows.map((row) => [row.messages_ready, row.messages_unacknowledged, row.consumers])).toEqual([['0', '7', '1']]);

    await show(panel, 'list_consumers');
    list = shownList(panel);
    expect(list.command).toBe(
      'rabbitmqctl list_consumers queue_name channel_pid consumer_tag ack_required prefetch_count active arguments',
    );
    expect(list.rows.map((row) => [row.queue_name, row.channel_pid, row.ack_required, row.prefetch_count, row.active])).toEqual([
      ['task_queue', 'worker 2 (channel 1)', 'true', '0', 'true'],
    ]);

    // Worker 1 has closed its connection and the producer has gone: worker 2 alone is connected.
    await show(panel, 'list_connections');
    list = shownList(panel);
    expect(list.rows.map((row) => [row.name, row.user, row.state, row.channels])).toEqual([['worker 2', 'guest', 'running', '1']]);
  });

  it('lists the bindings of the receivers’ amq.gen queues while they are connected, and says where they went at the end', async () => {
    const { events } = recording('topics');
    const model = startedRun();
    feed(model, events);
    model.moveCursor(firstSeq('topics', (event) => event.kind === 'frame' && event.method === 'basic.publish') - 1);
    const panel = await panelOf(model);
    const queues = shownList(panel).rows;
    expect(queues).toHaveLength(2);
    for (const queue of queues) {
      expect(queue.name).toMatch(/^amq\.gen-/);
      expect([queue.durable, queue.auto_delete, queue.exclusive, queue.consumers]).toEqual(['true', 'false', 'true', '1']);
    }
    const [first, second] = queues.map((queue) => queue.name);

    await show(panel, 'list_bindings');
    const bindings = shownList(panel);
    expect(bindings.command).toBe(
      'rabbitmqctl list_bindings source_name source_kind destination_name destination_kind routing_key arguments',
    );
    // Every queue is bound to the default exchange by its name, then the topic bindings: one receiver's queue has
    // *.orange.*, the other's *.*.rabbit and lazy.# (which is which depends on the names the broker chose).
    expect(bindings.rows.slice(0, 2).map((row) => [row.source_name, row.destination_name, row.routing_key])).toEqual([
      ['(AMQP default)', first, first],
      ['(AMQP default)', second, second],
    ]);
    const keysTo = (queue: string | undefined): string[] =>
      bindings.rows.filter((row) => row.source_name === 'topic_logs' && row.destination_name === queue).map((row) => row.routing_key ?? '');
    expect([keysTo(first), keysTo(second)].map((keys) => keys.join(' ')).sort()).toEqual(['*.*.rabbit lazy.#', '*.orange.*']);

    await show(panel, 'list_exchanges');
    const exchanges = shownList(panel).rows.map((row) => [row.name, row.type, row.durable, row.internal]);
    expect(exchanges).toContainEqual(['topic_logs', 'topic', 'false', 'false']);
    expect(exchanges).toContainEqual(['(AMQP default)', 'direct', 'true', 'false']);

    // The run ends: the exclusive queues went with the receivers' connections.
    model.apply({ type: 'status', runId: 'recorded', status: 'finished' });
    model.moveCursor('live');
    await show(panel, 'list_queues');
    const atEnd = shownList(panel);
    expect(atEnd.empty).toBe('No queues.');
    expect(atEnd.notes).toMatch(
      /^At the end of the run the exclusive queues of receiver 1 and receiver 2 \(amq\.gen-\S+ and amq\.gen-\S+\) went with their connections\. Move the timeline back to see them\.$/,
    );
    for (const name of [first, second]) expect(atEnd.notes).toContain(String(name));
    await show(panel, 'list_bindings');
    expect(shownList(panel).empty).toBe('No bindings.');
  });

  it('says that direct reply-to is not a queue and how many replies went straight to the client', async () => {
    const { events } = recording('direct-reply-to');
    const model = startedRun();
    feed(model, events);
    // After the last reply, before the programs close their connections.
    const lastReply = present(
      events.findLast((event) => event.kind === 'frame' && event.method === 'basic.deliver' && event.actor === 'rpc client'),
    );
    model.moveCursor(lastReply.seq);
    const panel = await panelOf(model);
    const queues = shownList(panel);
    expect(queues.rows.map((row) => row.name)).toEqual(['rpc_queue']);
    expect(queues.notes).toBe(
      'amq.rabbitmq.reply-to is not listed: direct reply-to is not a queue. ' +
        'The broker hands each reply straight to rpc client, which consumes from it (3 replies so far).',
    );
    await show(panel, 'list_consumers');
    expect(shownList(panel).rows.map((row) => [row.queue_name, row.channel_pid, row.ack_required])).toEqual([
      ['rpc_queue', 'rpc server 1 (channel 1)', 'true'],
      ['amq.rabbitmq.reply-to', 'rpc client (channel 1)', 'false'],
    ]);
  });
});
