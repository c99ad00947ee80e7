import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Line {
  log?: string;
  run?: string;
  statuses?: string[];
  failure?: { explanation: string; raw: string };
}

/** Runs test/support/faulty-workbook.ts with `steps`; its exit status and the lines it printed. */
async function faultyWorkbook(...steps: string[]): Promise<{ status: number | null; lines: Line[]; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/faulty-workbook.ts', ...steps], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // A workbook that froze is ended, so the test fails instead of waiting for ever.
  const frozen = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(frozen);
  const lines = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
  return { status, lines, stderr };
}

describe("a fault in a scenario's code that nobody awaits", () => {
  it('fails that run with an explanation, is logged once, and the workbook runs the next cell', async () => {
    const { status, lines, stderr } = await faultyWorkbook('unawaited-rejection', 'thrown-in-callback', 'unawaited-rejection');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const runs = lines.filter((line) => line.run !== undefined);
    expect(runs.map((run) => [run.run, run.statuses])).toEqual([
      ['unawaited-rejection', ['starting', 'running', 'failed']],
      ['thrown-in-callback', ['starting', 'running', 'failed']],
      ['unawaited-rejection', ['starting', 'running', 'failed']],
    ]);
    expect(runs[0]?.failure).toEqual({
      explanation:
        'The scenario "Fail where nobody is waiting" failed in code nobody was waiting for (a promise was rejected), so the run was stopped. ' +
        'This is a fault in the lesson, not in your parameters.',
      raw: 'the forgotten promise failed',
    });
    expect(runs[1]?.failure?.explanation).toContain('(an exception was thrown)');
    expect(runs[1]?.failure?.raw).toBe('the timer callback failed');
    const logs = lines.flatMap((line) => (line.log === undefined ? [] : [line.log]));
    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatch(
      /^Run [0-9a-f]{12} of "Fail where nobody is waiting": a promise nobody awaited was rejected: Error: the forgotten promise failed\n/,
    );
    expect(logs[1]).toMatch(/: a callback threw an exception nobody caught: Error: the timer callback failed\n/);
  });

  it('is nothing to report when it is the stop itself, reaching a wait started earlier', async () => {
    const { status, lines, stderr } = await faultyWorkbook('stop:abandoned-wait');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(lines).toEqual([{ run: 'stop:abandoned-wait', statuses: ['starting', 'running', 'stopped'] }]);
  });

  it('that swallows the stop and waits again still lets the run stop, and the workbook go on', async () => {
    const { status, lines, stderr } = await faultyWorkbook('stop:ignores-stop', 'stop:abandoned-wait');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(lines).toEqual([
      { run: 'stop:ignores-stop', statuses: ['starting', 'running', 'stopped'] },
      { run: 'stop:abandoned-wait', statuses: ['starting', 'running', 'stopped'] },
    ]);
  });

  it('outside any run is logged once, and the workbook keeps serving', async () => {
    const { status, lines } = await faultyWorkbook('outside', 'stop:abandoned-wait');
    expect(status).toBe(0);
    expect(lines.map((line) => line.log ?? line.run)).toEqual([
      expect.stringMatching(
        /^Warren: a promise nobody awaited was rejected: Error: a fault outside any run\n[^]*\(outside any run; the server goes on\)$/,
      ),
      'stop:abandoned-wait',
    ]);
  });

  it('fails the run of `npm run scenario` with the explanation, and exits 1', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/cli/scenario.ts', '01-faults/thrown-in-callback', '--lessons', 'test/fixtures/faulty-lessons'],
      { cwd: ROOT, env: { ...process.env, AMQP_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.resume();
    const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(status).toBe(1);
    expect(stderr).toContain(
      'The run failed: The scenario "Fail where nobody is waiting" failed in code nobody was waiting for (an exception was thrown)',
    );
    expect(stderr).toContain('(the timer callback failed)');
  });
});
