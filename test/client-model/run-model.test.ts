/**
 * The run views' model, fed the traces real runs recorded (test/fixtures/traces):
 * topology, message moves, live queue counts, totals, rows and their bounds.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunModel } from '../../client/src/run/run-model.js';
import { SequenceRowIndex, type SequenceRow } from '../../client/src/run/sequence-rows.js';
import type { MessageMove } from '../../client/src/run/message-moves.js';
import { RunModel as TraceModel } from '../../server/model/run-model.js';
import { summaryOf } from '../../server/model/summary.js';
import type {
  FrameDirection,
  FrameMethod,
  FrameOf,
  QueueState,
  RunSummary,
  ServerMessage,
  TraceEvent,
} from '../../server/protocol/index.js';
import { frame as frameWithout } from '../support/frames.js';
import { present } from '../support/present.js';

interface Recording {
  events: TraceEvent[];
  summary: RunSummary;
}

/** The sequence list's rows up to the cursor, every kind and actor, read from the model as the list reads them. */
function rowsOf(model: RunModel): SequenceRow[] {
  const rows = new SequenceRowIndex();
  rows.update(model, 'every row', () => true);
  return Array.from({ length: rows.countUpTo(model.cursor) }, (_, index) => present(rows.at(index)));
}

function recording(name: string): Recording {
  const lines = readFileSync(new URL(`../fixtures/traces/${name}.jsonl`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const events: TraceEvent[] = [];
  let summary: RunSummary | undefined;
  for (const line of lines) {
    const parsed = JSON.parse(line) as TraceEvent | { summary: RunSummary };
    if ('summary' in parsed) summary = parsed.summary;
    else events.push(parsed);
  }
  if (summary === undefined) throw new Error(`${name} has no summary line`);
  return { events, summary };
}

/** Feeds events the way the server batches them: a few per trace message. */
function replay(model: RunModel, events: TraceEvent[], runId = 'run-1'): void {
  for (let start = 0; start < events.length; start += 7) {
    model.apply({ type: 'trace', runId, events: events.slice(start, start + 7) });
  }
}

function modelOf(name: string): { model: RunModel; summary: RunSummary; events: TraceEvent[] } {
  const { events, summary } = recording(name);
  const model = new RunModel();
  model.apply({ type: 'status', runId: 'run-1', status: 'running' });
  replay(model, events);
  return { model, summary, events };
}

function moves(model: RunModel): MessageMove[] {
  return model.movesSince(0).moves;
}

function queueNamed(model: RunModel, name: string) {
  const queue = model.topology().queues.find((candidate) => candidate.name === name);
  if (queue === undefined) throw new Error(`no queue ${name}`);
  return queue;
}

describe.each(['embedded', 'rabbitmq'])('Topics on %s', (broker) => {
  const { model, summary } = modelOf(`05-topics.${broker}`);
  const topology = model.topology();
  const receiverQueue = (receiver: string): string => present(topology.consumers.find((consumer) => consumer.actor === receiver)).queue;

  it('draws the producer, the topic exchange, both queues with their bindings, and both receivers', () => {
    expect(topology.actors.filter((actor) => actor.publishes).map((actor) => actor.name)).toEqual(['producer']);
    expect(
      topology.actors
        .filter((actor) => actor.consumes)
        .map((actor) => actor.name)
        .sort(),
    ).toEqual(['receiver 1', 'receiver 2']);
    expect(topology.exchanges.filter((exchange) => exchange.used).map((exchange) => [exchange.name, exchange.type])).toEqual([
      ['topic_logs', 'topic'],
    ]);
    const keys = (receiver: string): string[] =>
      topology.bindings
        .filter((binding) => binding.source === 'topic_logs' && binding.destination === receiverQueue(receiver))
        .map((binding) => binding.routingKey)
        .sort();
    expect(keys('receiver 1')).toEqual(['*.orange.*']);
    expect(keys('receiver 2')).toEqual(['*.*.rabbit', 'lazy.#']);
  });

  it('sends lazy.orange.elephant to both queues and on to both receivers', () => {
    const elephant = moves(model).filter((move) => move.label === 'lazy.orange.elephant');
    const routedTo = elephant
      .filter((move) => move.kind === 'route')
      .map((move) => move.to?.name)
      .sort();
    expect(routedTo).toEqual([receiverQueue('receiver 1'), receiverQueue('receiver 2')].sort());
    const deliveredTo = elephant
      .filter((move) => move.kind === 'deliver')
      .map((move) => move.to?.name)
      .sort();
    expect(deliveredTo).toEqual(['receiver 1', 'receiver 2']);
    expect(new Set(elephant.map((move) => move.journey)).size).toBe(1);
    // Routing follows the publish, delivery follows routing.
    expect(elephant.map((move) => [move.kind, move.stage])).toContainEqual(['publish', 0]);
    expect(elephant.filter((move) => move.kind === 'route').every((move) => move.stage === 1)).toBe(true);
    expect(elephant.filter((move) => move.kind === 'deliver').every((move) => move.stage === 2)).toBe(true);
  });

  it('drops quick.brown.fox at the exchange and returns it to the producer', () => {
    const fox = moves(model).filter((move) => move.label === 'quick.brown.fox');
    expect(fox.map((move) => move.kind)).toEqual(['publish', 'unroutable', 'return']);
    expect(fox[1]?.to).toBeUndefined();
    const exchange = present(topology.exchanges.find((candidate) => candidate.name === 'topic_logs'));
    expect(exchange.unroutable).toBe(2);
    expect(exchange.recentUnroutable).toEqual(['quick.brown.fox', 'quick.orange.male.rabbit']);
  });

  it('counts what the run summary counts, and copies per queue as routed', () => {
    const { counters } = model;
    expect(counters).toMatchObject({
      published: summary.published,
      acked: summary.acked,
      requeued: summary.requeued,
      returned: summary.returned,
      dropped: summary.dropped,
      deadLettered: summary.deadLettered,
    });
    expect(counters.delivered).toBe(Object.values(summary.delivered).reduce((total, count) => total + count, 0));
    for (const [queue, routed] of Object.entries(summary.routed)) expect(queueNamed(model, queue).received).toBe(routed);
    const bindingCounts = Object.fromEntries(
      topology.bindings.filter((binding) => binding.source === 'topic_logs').map((binding) => [binding.routingKey, binding.matched]),
    );
    expect(bindingCounts).toEqual({ '*.orange.*': 3, '*.*.rabbit': 2, 'lazy.#': 4 });
  });

  it('puts each connection under the name it gave itself', () => {
    expect(model.actors()).toEqual(['receiver 1', 'receiver 2', 'producer']);
    const header = present(rowsOf(model)[0]).event;
    expect(header.kind === 'frame' && header.method).toBe('protocol-header');
    expect(header.kind === 'frame' && model.laneOf(header.actor)).toBe('receiver 1');
  });
});

describe.each(['embedded', 'rabbitmq'])('Work queues, seven tasks, on %s', (broker) => {
  const { model, summary, events } = modelOf(`02-work-queues.seven-tasks.${broker}`);

  it('shows worker 1 stopping and its four tasks going back to the queue, then to worker 2, redelivered', () => {
    const worker1 = present(model.topology().actors.find((actor) => actor.name === 'worker 1'));
    expect(worker1.connection).toBe('closed');
    const requeues = moves(model).filter((move) => move.kind === 'requeue');
    expect(requeues.map((move) => move.label).sort()).toEqual(['Task 1......', 'Task 3......', 'Task 5......', 'Task 7......']);
    expect(requeues.every((move) => move.from.name === 'worker 1' && move.to?.name === 'task_queue')).toBe(true);
    for (const requeue of requeues) {
      const next = moves(model).find((move) => move.journey === requeue.journey && move.stage === requeue.stage + 1);
      expect(next).toMatchObject({ kind: 'deliver', redelivered: true, to: { type: 'actor', name: 'worker 2' } });
    }
    expect(queueNamed(model, 'task_queue').requeued).toBe(4);
  });

  it('ends with the totals of the summary and an empty queue', () => {
    expect(model.counters).toMatchObject({ published: 7, delivered: 11, acked: 7, requeued: summary.requeued, dropped: 0 });
    const perActor = Object.fromEntries(
      model
        .topology()
        .actors.filter((actor) => actor.consumes)
        .map((actor) => [actor.name, actor.delivered]),
    );
    expect(perActor).toEqual(summary.delivered);
    expect(queueNamed(model, 'task_queue')).toMatchObject({ ready: 0, unacked: 0, received: 7 });
  });

  it('keeps queue counts live between broker snapshots, step by step', () => {
    const stepped = new RunModel();
    const firstRouted = events.findIndex((event) => event.kind === 'broker' && event.decision === 'routed');
    replay(stepped, events.slice(0, firstRouted + 1));
    expect(queueNamed(stepped, 'task_queue')).toMatchObject({ ready: 1, unacked: 0, consumers: 2 });
    const firstDelivery = events.findIndex((event) => event.kind === 'frame' && event.method === 'basic.deliver');
    replay(stepped, events.slice(firstRouted + 1, firstDelivery + 1));
    expect(queueNamed(stepped, 'task_queue')).toMatchObject({ ready: 0, unacked: 1 });
  });

  it('agrees with every broker snapshot when the snapshot comes', () => {
    const checked = new RunModel();
    for (const event of events) {
      if (event.kind === 'state') {
        for (const snapshot of event.queues) {
          expect(queueNamed(checked, snapshot.name)).toMatchObject({
            ready: snapshot.messagesReady,
            unacked: snapshot.messagesUnacknowledged,
          });
        }
      }
      replay(checked, [event]);
    }
  });
});

describe('Dead letters, requeues and exchange-to-exchange bindings (embedded)', () => {
  const { model, summary } = modelOf('dead-letters.embedded');

  it('routes through the fanout exchange into the direct one, a hop at a time', () => {
    const first = moves(model).filter((move) => move.journey === 1);
    expect(first.map((move) => [move.kind, move.from.name, move.to?.name, move.stage])).toEqual([
      ['publish', 'producer', 'front', 0],
      ['route', 'front', 'jobs', 1],
      ['route', 'jobs', 'work', 2],
      ['deliver', 'work', 'consumer', 3],
    ]);
  });

  it('shows the rejected and the expired message leaving for the dead-letter exchange and reaching the dead queue', () => {
    const deadLetters = moves(model).filter((move) => move.kind === 'dead-letter');
    expect(deadLetters.map((move) => [move.from.name, move.to?.name])).toEqual([
      ['work', 'dlx'],
      ['short', 'dlx'],
    ]);
    expect(
      moves(model)
        .filter((move) => move.kind === 'expire')
        .map((move) => move.from.name),
    ).toEqual(['short']);
    const intoDead = moves(model).filter((move) => move.kind === 'route' && move.to?.name === 'dead');
    expect(intoDead.map((move) => move.from.name)).toEqual(['dlx', 'dlx']);
    expect(queueNamed(model, 'work')).toMatchObject({ deadLettered: 1, requeued: 1 });
    expect(queueNamed(model, 'short')).toMatchObject({ deadLettered: 1, expired: 1, ready: 0 });
    expect(queueNamed(model, 'dead')).toMatchObject({ received: 2 });
  });

  it('shows the nacked message going back to its queue and redelivered', () => {
    const requeue = present(moves(model).find((move) => move.kind === 'requeue'));
    expect(requeue).toMatchObject({ from: { name: 'consumer' }, to: { name: 'work' } });
    expect(moves(model).find((move) => move.journey === requeue.journey && move.stage === requeue.stage + 1)).toMatchObject({
      kind: 'deliver',
      redelivered: true,
    });
  });

  it('counts as the summary does', () => {
    expect(model.counters).toMatchObject({
      published: summary.published,
      acked: summary.acked,
      nacked: summary.nacked,
      requeued: summary.requeued,
      dropped: summary.dropped,
      deadLettered: summary.deadLettered,
    });
  });
});

describe('RPC (embedded)', () => {
  const { model } = modelOf('06-rpc.embedded');

  it('has the client both publishing requests and consuming replies', () => {
    const client = present(model.topology().actors.find((actor) => actor.name === 'rpc client'));
    expect(client).toMatchObject({ publishes: true, consumes: true, published: 1, delivered: 1 });
    const server = present(model.topology().actors.find((actor) => actor.name === 'rpc server 1'));
    expect(server).toMatchObject({ publishes: true, consumes: true, prefetch: 1, acked: 1 });
    const reply = moves(model)
      .filter((move) => move.kind === 'deliver')
      .map((move) => [move.from.name.startsWith('amq.gen-'), move.to?.name, move.label]);
    expect(reply).toContainEqual([true, 'rpc client', '832040']);
  });

  it('empties a queue once a snapshot no longer has it: its messages went with it', () => {
    const model = new RunModel();
    const state = (seq: number, queues: QueueState[]): TraceEvent => ({
      kind: 'state',
      seq,
      time: seq,
      queues,
      exchanges: [],
      bindings: [],
    });
    const replies: QueueState = {
      name: 'amq.gen-replies',
      messagesReady: 50,
      messagesUnacknowledged: 2,
      consumers: 1,
      durable: false,
      exclusive: true,
      autoDelete: false,
    };
    model.apply({ type: 'trace', runId: 'run-1', events: [state(1, [replies]), state(2, [])] });
    expect(model.topology().queues[0]).toMatchObject({
      name: 'amq.gen-replies',
      exists: false,
      ready: 0,
      unacked: 0,
      consumers: 0,
      exclusive: true,
    });
  });
});

describe('Rows, bounds and notifications', () => {
  const { events, summary } = recording('02-work-queues.seven-tasks.embedded');
  const rowEvents = events.filter((event) => event.kind !== 'state');

  it('has one row per protocol event, sorted into kinds', () => {
    const model = new RunModel();
    replay(model, events);
    const rows = rowsOf(model);
    expect(rows).toHaveLength(rowEvents.length);
    expect(model.forgottenEvents).toBe(0);
    const kinds = new Map<string, number>();
    for (const row of rows) kinds.set(row.kind, (kinds.get(row.kind) ?? 0) + 1);
    expect(kinds.get('acks')).toBe(7);
    expect(kinds.get('messages')).toBe(7 + 11);
    expect(kinds.get('decisions')).toBe(7 + 4);
    expect(kinds.get('logs')).toBe(rowEvents.filter((event) => event.kind === 'log').length);
  });

  it('lists the rows up to the cursor wherever it is, as far back as the timeline keeps events', () => {
    const model = new RunModel({ maxEvents: 1000 });
    let seq = 0;
    for (let round = 0; round < 20; round += 1) {
      replay(
        model,
        events.map((event) => ({ ...event, seq: (seq += 1) })),
      );
    }
    expect(model.forgottenEvents).toBeGreaterThan(0);
    const kept = Array.from({ length: model.eventCount }, (_, index) => present(model.eventAt(index))).filter(
      (event) => event.kind !== 'state',
    );
    expect(rowsOf(model).map((row) => row.event)).toEqual(kept);
    const middle = present(kept[Math.floor(kept.length / 2)]).seq;
    model.moveCursor(middle);
    const rows = rowsOf(model);
    expect(rows.at(-1)?.event.seq).toBe(middle);
    expect(rows[0]?.event.seq).toBe(model.firstSeq);
  });

  it('stays bounded over a long run: 500 runs of the trace in one model', () => {
    const model = new RunModel();
    let seq = 0;
    for (let round = 0; round < 500; round += 1) {
      const offset = round * 3000;
      replay(
        model,
        events.map((event) => ({ ...event, seq: (seq += 1), time: event.time + offset })),
      );
    }
    expect(rowsOf(model)).toHaveLength(500 * rowEvents.length);
    const { moves: kept, missed } = model.movesSince(0);
    expect(kept.length).toBeLessThanOrEqual(512);
    expect(missed).toBeGreaterThan(0);
    expect(model.topology().queues).toHaveLength(1);
    expect(model.counters.published).toBe(500 * 7);
  });

  it('names the message of each broker decision the timeline keeps, and forgets those of decisions it let go', () => {
    const model = new RunModel({ maxEvents: 1000 });
    let seq = 0;
    const rounds = 30;
    for (let round = 0; round < rounds; round += 1)
      replay(
        model,
        events.map((event) => ({ ...event, seq: (seq += 1) })),
      );
    const routed = events.flatMap((event) => (event.kind === 'broker' && event.decision === 'routed' ? [event.seq] : []));
    const publishes = events.flatMap((event) => (event.kind === 'frame' && event.method === 'basic.publish' ? [event] : []));
    const last = (rounds - 1) * events.length;
    expect(routed.map((decision) => model.decidedBody(last + decision))).toEqual(publishes.map((publish) => publish.message?.bodyPreview));
    expect(model.forgottenEvents).toBeGreaterThan(0);
    expect(model.decidedBody(present(routed[0]))).toBeUndefined();
  });

  it('tells listeners once per frame however many messages came', async () => {
    const model = new RunModel();
    let calls = 0;
    const unsubscribe = model.subscribe(() => {
      calls += 1;
    });
    for (const event of events) model.apply({ type: 'trace', runId: 'run-1', events: [event] });
    expect(calls).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls).toBe(1);
    unsubscribe();
    model.apply({ type: 'status', runId: 'run-1', status: 'finished' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls).toBe(1);
  });

  it('ignores other runs when given a run id', () => {
    const model = new RunModel({ runId: 'mine' });
    replay(model, events, 'theirs');
    model.apply({ type: 'status', runId: 'theirs', status: 'failed' });
    expect(model.eventCount).toBe(0);
    expect(model.status).toBe('idle');
    const others: ServerMessage[] = [
      { type: 'hello', broker: { kind: 'embedded', url: 'amqp://x' } },
      { type: 'error', message: 'no' },
    ];
    for (const message of others) model.apply(message);
    expect(model.version).toBe(0);
  });

  it('measures messages per second while running and shows zero once the run ended', () => {
    const model = new RunModel();
    model.apply({ type: 'status', runId: 'run-1', status: 'running' });
    const lastPublish = events.findLastIndex((event) => event.kind === 'frame' && event.method === 'basic.publish');
    replay(model, events.slice(0, lastPublish + 1));
    // Seven tasks published close together: several per second over the window.
    const publishes = events.filter((event) => event.kind === 'frame' && event.method === 'basic.publish');
    expect(publishes).toHaveLength(7);
    expect(model.rates.published).toBeGreaterThan(3);
    model.apply({ type: 'status', runId: 'run-1', status: 'finished' });
    expect(model.rates).toEqual({ published: 0, delivered: 0 });
  });

  it('keeps the summary and a failure, and counts only what the timeline holds', () => {
    const model = new RunModel();
    model.apply({ type: 'summary', runId: 'run-1', summary });
    expect(model.summary).toMatchObject({ published: 7, acked: 7, requeued: 4 });
    // The counters show the moment at the cursor, never figures ahead of what the views draw.
    expect(model.counters).toMatchObject({ published: 0, acked: 0 });
    model.apply({
      type: 'status',
      runId: 'run-1',
      status: 'failed',
      failure: { explanation: 'Nothing is listening', raw: 'ECONNREFUSED' },
    });
    expect(model.ended).toBe(true);
    expect(model.failure?.explanation).toBe('Nothing is listening');
    model.reset();
    expect(model.status).toBe('idle');
    expect(model.counters.published).toBe(0);
  });

  it('counts what a gap summarised away and shows it as a row', () => {
    const model = new RunModel();
    model.apply({
      type: 'trace',
      runId: 'run-1',
      events: [{ kind: 'gap', seq: 40, time: 12, dropped: 1500, counts: { 'basic.publish': 500, 'basic.deliver': 900, routed: 100 } }],
    });
    expect(model.counters).toMatchObject({ published: 500, delivered: 900 });
    expect(rowsOf(model)[0]).toMatchObject({ kind: 'decisions', event: { kind: 'gap', dropped: 1500 } });
  });

  it("shows the server's totals at the end of a run the page missed events of: acks in a gap are not lost", () => {
    const { events, summary } = recording('02-work-queues.seven-tasks.embedded');
    const acks = events.filter((event) => event.kind === 'frame' && event.method === 'basic.ack');
    const gapped = acks.slice(0, 3);
    const gap = {
      kind: 'gap' as const,
      seq: present(gapped.at(-1)).seq,
      time: present(gapped.at(-1)).time,
      dropped: 3,
      counts: { 'basic.ack': 3 },
    };
    const model = new RunModel();
    replay(model, [
      ...events.filter((event) => !gapped.some((ack) => ack.seq === event.seq) && event.seq < gap.seq),
      gap,
      ...events.filter((event) => event.seq > gap.seq),
    ]);
    expect(model.counters.acked).toBeLessThan(summary.acked);
    model.apply({ type: 'summary', runId: 'run-1', summary });
    expect(model.counters).toMatchObject({ published: summary.published, acked: summary.acked, requeued: summary.requeued });
    model.moveCursor(gap.seq);
    expect(model.counters.acked).toBeLessThan(summary.acked);
  });
});

describe('A close that deliveries and acks cross', () => {
  let seq = 0;
  const frame = <M extends FrameMethod>(
    actor: string,
    direction: FrameDirection,
    channel: number,
    method: M,
    fields: Partial<FrameOf<M>['fields']> = {},
  ): TraceEvent => {
    seq += 1;
    return { ...frameWithout(actor, direction, channel, method, fields), seq, time: seq };
  };
  const consume = (actor: string): TraceEvent[] => [
    frame(actor, 'to-broker', 1, 'basic.consume', { queue: 'task_queue', consumerTag: '', noAck: false, nowait: false }),
    frame(actor, 'to-client', 1, 'basic.consume-ok', { consumerTag: `tag-${actor}` }),
  ];
  const deliver = (actor: string, tag: number): TraceEvent =>
    frame(actor, 'to-client', 1, 'basic.deliver', {
      consumerTag: `tag-${actor}`,
      deliveryTag: tag,
      redelivered: false,
      exchange: '',
      routingKey: 'task_queue',
    });
  const events = [
    ...consume('worker 1'),
    ...consume('worker 2'),
    deliver('worker 1', 1),
    deliver('worker 2', 1),
    deliver('worker 2', 2),
    frame('worker 1', 'to-broker', 0, 'connection.close', { replyCode: 200 }),
    // Sent before the broker read the close: requeued with the rest.
    deliver('worker 1', 2),
    frame('worker 1', 'to-client', 0, 'connection.close-ok'),
    frame('worker 2', 'to-broker', 1, 'basic.ack', { deliveryTag: 1, multiple: false }),
    frame('worker 2', 'to-broker', 0, 'connection.close', { replyCode: 200 }),
    // Written by amqplib behind its connection's close: the broker no longer takes it.
    frame('worker 2', 'to-broker', 1, 'basic.ack', { deliveryTag: 2, multiple: false }),
    frame('worker 2', 'to-client', 0, 'connection.close-ok'),
  ];
  const traceModel = new TraceModel();
  for (const event of events) traceModel.apply(event);
  const summary = summaryOf(traceModel.state);
  const model = new RunModel();
  replay(model, events);

  it('counts what the summary counts: the crossing delivery goes back, the late ack settles nothing', () => {
    expect(summary).toMatchObject({ acked: 1, requeued: 3 });
    expect(model.counters).toMatchObject({ acked: summary.acked, requeued: summary.requeued });
  });

  it('draws the same count on the actors and on the queue', () => {
    const gaveBack = Object.fromEntries(model.topology().actors.map((actor) => [actor.name, actor.gaveBack]));
    expect(gaveBack).toEqual({ 'worker 1': 2, 'worker 2': 1 });
    expect(queueNamed(model, 'task_queue')).toMatchObject({ requeued: summary.requeued, unacked: 0, consumers: 0 });
  });
});
