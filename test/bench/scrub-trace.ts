/**
 * A long, realistic run for the scrubbing benchmark: the seven-task
 * recording's opening (two workers consuming from task_queue, a producer
 * connected), then publish, route, deliver and ack cycles, the deliveries
 * taking turns between the workers, up to the number of events asked for.
 * Made in the page itself (a million events would be slow to send in).
 */
import { readFileSync } from 'node:fs';
import type { TraceEvent } from '../../server/protocol/index.js';

const RECORDING = new URL('../fixtures/traces/02-work-queues.seven-tasks.embedded.jsonl', import.meta.url);

/** What the page needs to make the run: the opening and one event of each kind in a cycle. */
export interface ScrubTraceParts {
  opening: TraceEvent[];
  publish: TraceEvent;
  routed: TraceEvent;
  deliver: [TraceEvent, TraceEvent];
  ack: [TraceEvent, TraceEvent];
}

export function scrubTraceParts(): ScrubTraceParts {
  const events = readFileSync(RECORDING, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('{"summary"'))
    .map((line) => JSON.parse(line) as TraceEvent);
  const firstPublish = events.findIndex((event) => event.kind === 'frame' && event.method === 'basic.publish');
  const find = (what: string, test: (event: TraceEvent) => boolean): TraceEvent => {
    const found = events.find(test);
    if (found === undefined) throw new Error(`the seven-task recording has no ${what}`);
    return found;
  };
  const deliverTo = (actor: string): TraceEvent =>
    find(`delivery to ${actor}`, (event) => event.kind === 'frame' && event.method === 'basic.deliver' && event.actor === actor);
  const ack = find('ack', (event) => event.kind === 'frame' && event.method === 'basic.ack');
  const worker1 = deliverTo('worker 1');
  const worker1Ack = { ...ack, actor: 'worker 1', connection: worker1.kind === 'frame' ? worker1.connection : 1 } as TraceEvent;
  return {
    opening: events.slice(0, firstPublish).filter((event) => event.kind !== 'state'),
    publish: find('publish', (event) => event.kind === 'frame' && event.method === 'basic.publish'),
    routed: find('routing decision', (event) => event.kind === 'broker' && event.decision === 'routed'),
    deliver: [worker1, deliverTo('worker 2')],
    ack: [worker1Ack, ack],
  };
}

/**
 * A script for the page: finds the run cell `cellId`, gives it a model that
 * keeps `events` events, shows it a run of that many events, ended, and
 * returns how long loading took. The cell's model and pacer are replaced by
 * new ones of the same classes (the built page exports nothing), holding
 * every event rather than the newest 250,000 a cell keeps.
 */
export function loadScript(cellId: string, events: number, parts: ScrubTraceParts): string {
  return `(async () => {
    const parts = ${JSON.stringify(parts)};
    const find = (root) => {
      for (const element of root.querySelectorAll('*')) {
        if (element.localName === 'run-cell' && element.cell === ${JSON.stringify(cellId)}) return element;
        if (element.shadowRoot) { const found = find(element.shadowRoot); if (found) return found; }
      }
      return undefined;
    };
    const cell = find(document);
    if (!cell) throw new Error('no run cell ${cellId} on the page');
    const started = performance.now();
    const model = new cell.model.constructor({ maxEvents: ${events} });
    cell.model = model;
    cell.pacer = new cell.pacer.constructor(model);
    const runId = 'scrub-bench';
    cell.handleMessage({ type: 'status', runId, status: 'running' });
    let seq = 0;
    let time = 0;
    let batch = [];
    const send = () => { cell.handleMessage({ type: 'trace', runId, events: batch }); batch = []; };
    const add = (event, changes) => {
      seq += 1;
      time += 0.1;
      batch.push({ ...event, ...changes, seq, time });
      if (batch.length === 1000) send();
    };
    for (const event of parts.opening) add(event, {});
    const tags = [0, 0];
    let task = 0;
    while (seq < ${events}) {
      task += 1;
      const worker = task % 2;
      tags[worker] += 1;
      const message = { ...parts.publish.message, bodyPreview: 'Task ' + task };
      add(parts.publish, { message });
      add(parts.routed, {});
      add(parts.deliver[worker], { fields: { ...parts.deliver[worker].fields, deliveryTag: tags[worker] }, message });
      add(parts.ack[worker], { fields: { ...parts.ack[worker].fields, deliveryTag: tags[worker] } });
    }
    send();
    cell.handleMessage({ type: 'status', runId, status: 'stopped' });
    cell.pacer.follow();
    await cell.updateComplete;
    return { ms: performance.now() - started, events: model.eventCount, forgotten: model.forgottenEvents };
  })()`;
}

/**
 * A script for the page: moves the cell's cursor to `moves` moments picked at
 * random, and times each from the move until every view of the cell has
 * redrawn and the page has painted: the next frame, every updated view done,
 * then the turn after the paint. Returns the times in ms.
 */
export function scrubScript(cellId: string, moves: number): string {
  return `(async () => {
    const find = (root, test) => {
      for (const element of root.querySelectorAll('*')) {
        if (test(element)) return element;
        if (element.shadowRoot) { const found = find(element.shadowRoot, test); if (found) return found; }
      }
      return undefined;
    };
    const all = (root, names, found = []) => {
      for (const element of root.querySelectorAll('*')) {
        if (names.includes(element.localName)) found.push(element);
        if (element.shadowRoot) all(element.shadowRoot, names, found);
      }
      return found;
    };
    const cell = find(document, (element) => element.localName === 'run-cell' && element.cell === ${JSON.stringify(cellId)});
    const views = all(cell.shadowRoot, ['run-timeline', 'run-counters', 'topology-view', 'sequence-view', 'broker-panel', 'actor-terminals']);
    const model = cell.model;
    const first = model.firstSeq;
    const last = model.lastSeq;
    const times = [];
    let random = 12345;
    const next = () => { random = (random * 1103515245 + 12345) % 2147483648; return random / 2147483648; };
    for (let index = 0; index < ${moves}; index += 1) {
      const seq = Math.floor(first + next() * (last - first));
      const started = performance.now();
      cell.pacer.hold(seq);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await Promise.all(views.map((view) => view.updateComplete));
      await new Promise((resolve) => setTimeout(resolve, 0));
      times.push(performance.now() - started);
      if (model.cursor !== seq) throw new Error('the cursor is at ' + model.cursor + ', not ' + seq);
    }
    return times;
  })()`;
}
