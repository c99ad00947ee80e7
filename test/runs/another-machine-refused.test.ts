// A cell whose program runs on another machine, asked for where the workbook
// cannot make one (here: the workbook run as an unprivileged user), is refused
// before anything starts, with a message the page shows, saying why and what
// would make it run. Needs root to drop to another user.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const isRoot = process.getuid?.() === 0;

/** Asks a runner for the guest-remote cell, in a process of user nobody; resolves with what it printed. */
function askAsNobody(): Promise<string> {
  const script = `
    import { loadLessons } from './server/lessons/index.js';
    import { createRunner } from './server/runs/index.js';
    const lessons = await loadLessons('./lessons');
    const broker = { kind: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:1', embedded: undefined, close: async () => {} };
    const runner = createRunner({ broker, lessons, log: () => {} });
    try {
      runner.start({ lesson: '08', cell: 'guest-remote', params: {} }, { onEvent() {}, onStatus() {}, onSummary() {} });
      console.log('started');
    } catch (error) {
      console.log(error.name + ': ' + error.message);
    }
    await runner.close();`;
  const environment = { ...process.env, CI: '' };
  return new Promise((resolve, reject) => {
    execFile(
      'runuser',
      ['-u', 'nobody', '--', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: repository, env: environment },
      (error, stdout, stderr) => {
        if (error === null) resolve(stdout);
        else reject(new Error(`${error.message}\n${stderr}`));
      },
    );
  });
}

it.skipIf(!isRoot)('without root, the guest-remote cell is refused, saying why and what would make it run', async () => {
  expect(await askAsNobody()).toBe(
    'RunRequestError: This cell runs its program on another machine, made on this one as a network namespace, and that cannot be done here: ' +
      'making a network namespace needs root, and the workbook does not run as root. ' +
      'Run the workbook as root on Linux (with iproute2) to see it; the text below shows what it prints.\n',
  );
});
