/**
 * `npm run bench:start`: how long a run takes from Run to its first frame,
 * with its programs started as processes of their own, in JavaScript (node
 * with amqplib) and Python (pika). Each try runs a three-actor cell through
 * the workbook's runner (a vhost of its own, the tap, the programs in their
 * order) and measures: until the first frame in the trace (the first
 * program has started and connected), until the last actor's first frame
 * (every program is up), and until the run is over and cleaned up. The
 * median and p90 of each over the tries.
 *
 *   npm run bench:start                                   20 tries a language, embedded broker
 *   npm run bench:start -- --tries 50 --broker rabbitmq   against the local RabbitMQ (AMQP_URL)
 *   npm run bench:start -- --cell 03-publish-subscribe/receivers-first
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { openBrokerTarget } from '../../server/broker-connection.js';
import { loadLessons } from '../../server/lessons/index.js';
import type { ProgramLanguage } from '../../server/programs/actor-process.js';
import { pythonProblem } from '../../server/programs/python-check.js';
import { createRunner } from '../../server/runs/index.js';

const { values } = parseArgs({
  options: {
    tries: { type: 'string', default: '20' },
    broker: { type: 'string', default: 'embedded' },
    cell: { type: 'string', default: '02-work-queues/round-robin' },
  },
});
const tries = Number(values.tries);
if (!Number.isInteger(tries) || tries < 1) throw new Error(`--tries takes a whole number above 0, got ${values.tries}`);
if (values.broker !== 'embedded' && values.broker !== 'rabbitmq')
  throw new Error(`--broker takes embedded or rabbitmq, got ${values.broker}`);
const [lesson = '', cell = ''] = values.cell.split('/');

const lessons = await loadLessons(fileURLToPath(new URL('../../lessons/', import.meta.url)));
const found = lessons.cell(lesson, cell);
if (found?.scenario.programs === undefined) throw new Error(`${values.cell} is not a cell run from programs`);
const actors = found.scenario.actors(found.cell.defaults);
const target = await openBrokerTarget({
  amqpUrl: values.broker === 'rabbitmq' ? (process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672') : undefined,
  brokerPort: 0,
});
const runner = createRunner({ broker: target, lessons, log: () => {} });

interface Try {
  firstFrame: number;
  everyActor: number;
  over: number;
}

async function once(language: ProgramLanguage): Promise<Try> {
  const seen = new Set<string>();
  let firstFrame = Number.NaN;
  let everyActor = Number.NaN;
  const started = performance.now();
  const handle = runner.start(
    { lesson, cell, params: {}, language },
    {
      onEvent: (event) => {
        if (event.kind !== 'frame') return;
        if (Number.isNaN(firstFrame)) firstFrame = performance.now() - started;
        seen.add(event.actor);
        if (Number.isNaN(everyActor) && actors.every((actor) => seen.has(actor))) everyActor = performance.now() - started;
      },
      onStatus: () => {},
      onSummary: () => {},
    },
  );
  await handle.done;
  return { firstFrame, everyActor, over: performance.now() - started };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Median and p90 of `samples`, in words. */
function spread(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${quantile(sorted, 0.5).toFixed(0)} ms, p90 ${quantile(sorted, 0.9).toFixed(0)} ms`;
}

const languages: ProgramLanguage[] = pythonProblem() === undefined ? ['javascript', 'python'] : ['javascript'];
if (!languages.includes('python')) console.log(`Python skipped: ${String(pythonProblem())}`);
console.log(`${values.cell} (${actors.join(', ')}) on the ${values.broker} broker, ${tries} tries a language`);
try {
  for (const language of languages) {
    await once(language); // warms the caches (the clock module, the lesson's imports)
    const results: Try[] = [];
    for (let n = 0; n < tries; n += 1) results.push(await once(language));
    const of = (measure: keyof Try) => spread(results.map((result) => result[measure]));
    console.log(
      `${language.padEnd(10)} Run to first frame: ${of('firstFrame')}; to every actor's first frame: ${of('everyActor')}; whole run: ${of('over')}`,
    );
  }
} finally {
  await runner.close();
  await target.close();
}
