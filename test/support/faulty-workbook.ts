/**
 * A workbook process for the fault tests: the runner and the embedded broker
 * as `npm start` has them, the process kept serving through faults as
 * main.ts does, and the faulty fixture lessons. It runs what its arguments
 * name and prints, one JSON line each, every log line and every run's outcome.
 *
 * Arguments: a cell id runs that cell to its end; `stop:<cell>` stops it once
 * its program has printed a line, and prints what it printed; `outside`
 * rejects a promise that belongs to no run.
 */
import { fileURLToPath } from 'node:url';
import { openBrokerTarget } from '../../server/broker-connection.js';
import { loadLessons } from '../../server/lessons/index.js';
import type { RunFailure, RunStatus } from '../../server/protocol/index.js';
import { createRunner, keepServingThroughFaults } from '../../server/runs/index.js';

const FAULTY_LESSONS = fileURLToPath(new URL('../fixtures/faulty-lessons/', import.meta.url));
const print = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

keepServingThroughFaults((text) => print({ log: text }));
const broker = await openBrokerTarget({ amqpUrl: undefined, brokerPort: 0 });
const runner = createRunner({ broker, lessons: await loadLessons(FAULTY_LESSONS), log: (text) => print({ log: text }) });

for (const argument of process.argv.slice(2)) {
  if (argument === 'outside') {
    void Promise.reject(new Error('a fault outside any run'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    continue;
  }
  const [action, cell] = argument.startsWith('stop:') ? ['stop', argument.slice('stop:'.length)] : ['run', argument];
  const statuses: RunStatus[] = [];
  let failure: RunFailure | undefined;
  const said: string[] = [];
  let connected = (): void => {};
  const hasConnected = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const handle = runner.start(
    { lesson: '01-faults', cell, params: {} },
    {
      onEvent: (event) => {
        if (event.kind !== 'log') return;
        said.push(event.text);
        connected();
      },
      onStatus: (status, reported) => {
        statuses.push(status);
        failure ??= reported;
      },
      onSummary: () => {},
    },
  );
  if (action === 'stop') {
    await hasConnected;
    await handle.stop();
  } else {
    await handle.done;
  }
  // Let what the stop abandoned be rejected and reported before the outcome is printed.
  await new Promise((resolve) => setTimeout(resolve, 50));
  print({ run: argument, statuses, failure, ...(action === 'stop' ? { said } : {}) });
}

await runner.close();
await broker.close();
process.exit(0);
