// The run model folds the traces real runs recorded on both brokers: its
// totals are the run's own, its queue counts at every broker snapshot are
// the broker's own counts at that moment, and each message's journey tells
// what happened to it. The timeline gives the same state at any event as a
// model folded up to there.
import { describe, expect, it } from 'vitest';
import { listBindings, listQueues } from '../../server/model/rabbitmqctl.js';
import { RunModel } from '../../server/model/run-model.js';
import { summaryOf } from '../../server/model/summary.js';
import { Timeline } from '../../server/model/timeline.js';
import type { TraceEvent } from '../../server/protocol/index.js';
import { present } from '../support/present.js';
import { LESSON_RECORDINGS, readRecording } from './recordings.js';

function fold(events: readonly TraceEvent[]): RunModel {
  const model = new RunModel();
  for (const event of events) model.apply(event);
  return model;
}

describe.each(LESSON_RECORDINGS)('the recorded run $name', ({ name, broker }) => {
  const { events, summary } = readRecording(name);

  it('totals what the run itself totalled', () => {
    expect(summaryOf(fold(events).state)).toEqual(summary);
  });

  it('counts each queue at every snapshot as the broker counted it then', () => {
    const model = new RunModel();
    let compared = 0;
    for (const event of events) {
      model.apply(event);
      if (event.kind !== 'state') continue;
      // The runner's last snapshot comes after it closed every connection; every other one mid-run.
      const listed = new Map(listQueues(model.state).map((queue) => [queue.name, queue]));
      for (const queue of event.queues) {
        // RabbitMQ's figures for an exclusive queue come from its management statistics, which lag by seconds.
        if (broker === 'rabbitmq' && queue.exclusive) continue;
        const row = present(listed.get(queue.name));
        expect([queue.name, row.messages_ready, row.messages_unacknowledged, row.consumers]).toEqual([
          queue.name,
          queue.messagesReady,
          queue.messagesUnacknowledged,
          queue.consumers,
        ]);
        compared += 1;
      }
      model.apply(event);
    }
    // On RabbitMQ the topics run's queues are all exclusive: nothing there to compare.
    if (broker === 'embedded' || !name.startsWith('05-topics')) expect(compared).toBeGreaterThan(0);
  });

  it('gives the same state at any event from its checkpoints as a model folded up to there', () => {
    const timeline = new Timeline();
    for (const event of events) timeline.add(event);
    for (const index of [0, Math.floor(events.length / 3), Math.floor(events.length / 2), events.length - 2]) {
      const expected = fold(events.slice(0, index + 1)).state;
      const state = timeline.stateAfter(index);
      expect(listQueues(state)).toEqual(listQueues(expected));
      expect(listBindings(state)).toEqual(listBindings(expected));
      expect(summaryOf(state)).toEqual(summaryOf(expected));
    }
  });
});

describe('the seven tasks on both brokers', () => {
  it.each(['embedded', 'rabbitmq'])('on %s: four tasks go back when worker 1 stops and are redelivered to worker 2', (broker) => {
    const timeline = new Timeline();
    const { events } = readRecording(`02-work-queues.seven-tasks.${broker}`);
    for (const event of events) timeline.add(event);
    const sent = events.flatMap((event) =>
      event.kind === 'log' && event.actor === 'producer' && event.process === undefined ? [/'(.*)'/.exec(event.text)?.[1] ?? ''] : [],
    );
    const journeys = [...timeline.journeys.all()].filter((journey) => journey.publishedBy === 'producer');
    expect(journeys.map((journey) => journey.label).sort()).toEqual(sent.sort());
    // Worker 1 held every other task when it stopped.
    const requeued = journeys.filter((journey) => journey.steps.some((step) => step.kind === 'requeued'));
    expect(requeued).toHaveLength(4);
    for (const journey of requeued) {
      const kinds = journey.steps.map((step) =>
        step.kind === 'delivered' ? `delivered to ${step.actor}${step.redelivered ? ' again' : ''}` : step.kind,
      );
      expect(kinds).toEqual(['published', 'routed', 'delivered to worker 1', 'requeued', 'delivered to worker 2 again', 'acked']);
    }
    // Every task ends acknowledged.
    expect(journeys.every((journey) => journey.steps.at(-1)?.kind === 'acked')).toBe(true);
  });
});

describe('topics on both brokers', () => {
  it.each(['embedded', 'rabbitmq'])('on %s: lazy.orange.elephant reaches both queues through their own bindings', (broker) => {
    const timeline = new Timeline();
    for (const event of readRecording(`05-topics.${broker}`).events) timeline.add(event);
    const elephant = present([...timeline.journeys.all()].find((journey) => journey.routingKey === 'lazy.orange.elephant'));
    const routed = present(elephant.steps.flatMap((step) => (step.kind === 'routed' ? [step] : []))[0]);
    expect(routed.bindings.map((binding) => binding.replace(/amq\.gen-[\w-]+/, 'amq.gen-…')).sort()).toEqual([
      'topic_logs -> amq.gen-… (*.orange.*)',
      'topic_logs -> amq.gen-… (lazy.#)',
    ]);
    const deliveredTo = elephant.steps.flatMap((step) => (step.kind === 'delivered' ? [step.actor] : [])).sort();
    expect(deliveredTo).toEqual(['receiver 1', 'receiver 2']);
  });
});
