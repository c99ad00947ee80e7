// The named moments the lessons' prose links to: every linked cell marks its
// moments in the trace on both brokers, and at the moments the prose
// describes, the broker holds what the prose says.
import { expect, it } from 'vitest';
import { momentLinksIn } from '../../server/lessons/moment-links.js';
import { changesBrokerSettings, type BrokerStateEvent, type RunCell } from '../../server/protocol/index.js';
import { describeOnBrokers, expectCleanEnd, lessons, queueIn, type CellRun } from './harness.js';
import { present } from '../support/present.js';

/** Every cell the prose of a lesson links a moment of, as "lesson/cell", with the moments it links to. */
const catalogNow = await lessons();

async function linkedCells(): Promise<Map<string, Set<string>>> {
  const catalog = await lessons();
  const linked = new Map<string, Set<string>>();
  for (const { id } of catalog.list()) {
    let cellAbove: string | undefined;
    for (const part of present(catalog.get(id)).cells) {
      if (part.kind === 'run') {
        cellAbove = part.id;
        continue;
      }
      for (const { target } of momentLinksIn(part.markdown)) {
        const key = `${id}/${target.cell ?? cellAbove ?? ''}`;
        linked.set(key, (linked.get(key) ?? new Set()).add(target.moment));
      }
    }
  }
  return linked;
}

const linked = await linkedCells();

/** The cells that restart the broker or change its settings for everyone on it, as "lesson/cell". */
const restartingCells = new Set(
  [...linked.keys()].filter((key) => {
    const [lesson = '', cell = ''] = key.split('/');
    const found = present(catalogNow.cell(lesson, cell)).cell;
    return found.restartsBroker || changesBrokerSettings(found.brokerSettings);
  }),
);

/** The snapshot that marks a moment; fails when the run never marked it. */
function momentIn(run: CellRun, id: string): BrokerStateEvent {
  const state = run.states.find((candidate) => candidate.moment?.id === id);
  if (state === undefined)
    throw new Error(`the run marked no moment '${id}'; it marked ${run.states.map((s) => s.moment?.id ?? '-').join(', ')}`);
  return state;
}

/** The cell a test runs, as the catalog has it. */
async function cellOf(lesson: string, cell: string): Promise<{ cell: RunCell; moments: string[] }> {
  const found = present((await lessons()).cell(lesson, cell));
  return { cell: found.cell, moments: (found.scenario.moments?.(found.cell.defaults) ?? []).map((moment) => moment.id) };
}

it('the prose links to moments of the cells these tests look at', () => {
  expect([...linked.keys()]).toEqual(
    expect.arrayContaining([
      '02-work-queues/seven-tasks',
      '02-work-queues/auto-ack-loses-tasks',
      '02-work-queues/forgotten-ack',
      '03-publish-subscribe/publish-first',
      '05-topics/animals',
    ]),
  );
});

describeOnBrokers('named moments', (runCell, broker) => {
  for (const [key, ids] of linked) {
    const [lesson = '', cell = ''] = key.split('/');
    // A cell that restarts RabbitMQ or changes its settings is run where nothing else uses it: test/restart/.
    it.skipIf(restartingCells.has(key) && broker() === 'rabbitmq')(
      `${key} marks every moment it declares, in order, among them ${[...ids].join(', ')}`,
      async () => {
        const run = await runCell(lesson, cell);
        expectCleanEnd(run);
        const declared = (await cellOf(lesson, cell)).moments;
        const marked = run.events.flatMap((event) => (event.kind === 'state' && event.moment !== undefined ? [event.moment.id] : []));
        expect(marked).toEqual(declared);
        expect(declared).toEqual(expect.arrayContaining([...ids]));
      },
    );
  }

  it('seven-tasks: while worker 1 is stopped the queue holds all seven tasks, unacknowledged', async () => {
    const run = await runCell('02-work-queues', 'seven-tasks');
    const stopped = momentIn(run, 'worker-stopped');
    expect(stopped.moment?.title).toBe('while worker 1 is stopped');
    expect(queueIn(stopped, 'task_queue')).toEqual({ ready: 0, unacked: 7, consumers: 1 });
  });

  it('auto-ack: when worker 1 stops the queue is empty, its tasks gone with it', async () => {
    const run = await runCell('02-work-queues', 'auto-ack-loses-tasks');
    const stopped = momentIn(run, 'worker-stopped');
    expect(queueIn(stopped, 'task_queue')).toEqual({ ready: 0, unacked: 0, consumers: 1 });
    // Worker 1 has ended by then, and lost every task it had: the one in hand and the three waiting their turn.
    const lostBefore = run.events.flatMap((event) =>
      event.kind === 'log' && event.actor === 'worker 1' && event.seq < stopped.seq ? (event.lost ?? []) : [],
    );
    const deliveries = run.events.flatMap((event) =>
      event.kind === 'frame' && event.method === 'basic.deliver' && event.actor === 'worker 1' ? [event] : [],
    );
    expect(
      lostBefore.map(({ deliveryTag }) => deliveries.find((frame) => frame.fields.deliveryTag === deliveryTag)?.message?.bodyPreview),
    ).toEqual(['Task 1......', 'Task 3......', 'Task 5......', 'Task 7......']);
  });

  it('forgotten-ack: five unacknowledged while the workers are connected, five ready once they leave', async () => {
    const run = await runCell('02-work-queues', 'forgotten-ack');
    expect(queueIn(momentIn(run, 'work-done'), 'task_queue')).toEqual({ ready: 0, unacked: 5, consumers: 2 });
    expect(queueIn(momentIn(run, 'workers-gone'), 'task_queue')).toEqual({ ready: 5, unacked: 0, consumers: 0 });
  });

  it('publish-first: right after publishing no queue exists; with the receivers connected two amq.gen queues are bound to logs', async () => {
    const run = await runCell('03-publish-subscribe', 'publish-first');
    expect(momentIn(run, 'published').queues).toEqual([]);
    const bindings = momentIn(run, 'receivers-connected').bindings.filter((binding) => binding.source === 'logs');
    expect(bindings.map((binding) => binding.destination)).toEqual([
      expect.stringMatching(/^amq\.gen-/),
      expect.stringMatching(/^amq\.gen-/),
    ]);
  });

  it('topics: once every receiver is bound, the three patterns are bound to topic_logs', async () => {
    const run = await runCell('05-topics', 'animals');
    const bindings = momentIn(run, 'receivers-bound').bindings.filter((binding) => binding.source === 'topic_logs');
    expect(bindings.map((binding) => binding.routingKey).sort()).toEqual(['*.*.rabbit', '*.orange.*', 'lazy.#']);
  });
});
