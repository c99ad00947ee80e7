import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Line {
  log?: string;
  run?: string;
  statuses?: string[];
  failure?: { explanation: string; raw: string };
  /** What the run's program printed, and the runner's notes on it, when the run was stopped. */
  said?: string[];
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

describe('a program that goes wrong', () => {
  it('crashing, or leaving at once with an error, ends its run with an error naming it, and the workbook runs the next cell', async () => {
    const { status, lines, stderr } = await faultyWorkbook('thrown-in-callback', 'unawaited-rejection', 'exits-at-once');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const runs = lines.filter((line) => line.run !== undefined);
    expect(runs.map((run) => [run.run, run.statuses])).toEqual([
      ['thrown-in-callback', ['starting', 'running', 'ended-with-error']],
      ['unawaited-rejection', ['starting', 'running', 'ended-with-error']],
      ['exits-at-once', ['starting', 'running', 'ended-with-error']],
    ]);
    expect(runs[0]?.failure?.explanation).toBe('client exited with code 1: Error: the timer callback failed. Its output says more.');
    expect(runs[0]?.failure?.raw).toContain("throw new Error('the timer callback failed')");
    expect(runs[1]?.failure?.explanation).toBe('client exited with code 1: Error: the forgotten promise failed. Its output says more.');
    expect(runs[2]?.failure?.explanation).toBe('client exited with code 3. Its output says more.');
    // The programs' faults are theirs: nothing of the workbook's own went wrong.
    expect(lines.filter((line) => line.log !== undefined)).toEqual([]);
  });

  it('that will not stop on Ctrl-C is killed when its run stops, and the workbook goes on', async () => {
    const { status, lines, stderr } = await faultyWorkbook('stop:ignores-ctrl-c', 'exits-at-once');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(lines.map((line) => [line.run, line.statuses])).toEqual([
      ['stop:ignores-ctrl-c', ['starting', 'running', 'stopped']],
      ['exits-at-once', ['starting', 'running', 'ended-with-error']],
    ]);
    // It took its Ctrl-C and went on: the runner killed it.
    expect(lines[0]?.said).toEqual([' [*] Connected', ' [!] Not stopping', '(killed (SIGKILL) by the lesson)']);
  });

  it('that prints without end is stopped at the time limit of its run, and the workbook goes on', async () => {
    const { status, lines, stderr } = await faultyWorkbook('prints-without-end', 'exits-at-once');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(lines.map((line) => [line.run, line.statuses])).toEqual([
      ['prints-without-end', ['starting', 'running', 'failed']],
      ['exits-at-once', ['starting', 'running', 'ended-with-error']],
    ]);
    expect(lines[0]?.failure?.explanation).toBe(
      'This run reached its time limit of 3 s and was stopped. Time paused or spent stepping does not count.',
    );
  });

  it('is told by `npm run scenario`, which exits 1', async () => {
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
    expect(stderr).toContain('The run ended with an error: client exited with code 1: Error: the timer callback failed.');
  });
});

describe('a fault of the workbook outside any run', () => {
  it('is logged once, and the workbook keeps serving', async () => {
    const { status, lines } = await faultyWorkbook('outside', 'exits-at-once');
    expect(status).toBe(0);
    expect(lines.map((line) => line.log ?? line.run)).toEqual([
      expect.stringMatching(
        /^Warren: a promise nobody awaited was rejected: Error: a fault outside any run\n[^]*\(outside any run; the server goes on\)$/,
      ),
      'exits-at-once',
    ]);
  });
});
