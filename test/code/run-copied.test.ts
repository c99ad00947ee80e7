// Copied programs run as a person runs them, the cell's planned stops
// included: a program that never goes quiet by itself (a worker looping on
// a poison message) ends at the Ctrl-C its cell plans, after the line that
// sets it off.
import { expect, it } from 'vitest';
import type { ActorProgram, PlannedAction } from '../../server/programs/cell.js';
import { runCopied } from './run-copied.js';

/** A program that prints a tick every 20 ms until Ctrl-C, which it answers with one last line. */
const ticker: ActorProgram = {
  actor: 'ticker',
  code: [
    "console.log(' [*] Ticking. To exit press CTRL+C');",
    'let tick = 0;',
    "const timer = setInterval(() => console.log(' tick %d', ++tick), 20);",
    "process.once('SIGINT', () => {",
    '  clearInterval(timer);',
    "  console.log(' stopped after tick %d', tick);",
    '  process.exit(0);',
    '});',
    '',
  ].join('\n'),
};

it("a program that never goes quiet ends at its cell's planned Ctrl-C, taken after the line that sets it off", async () => {
  const plan: PlannedAction[] = [{ at: { actor: 'ticker', line: /^ tick \d+$/, count: 5, delayMs: 30 }, action: 'stop', actor: 'ticker' }];
  const [result] = await runCopied([ticker], 'javascript', undefined, plan);
  expect(result?.exitCode).toBe(0);
  expect(result?.interrupted).toBe(false);
  const ticks = result?.lines.filter((line) => /^ tick \d+$/.test(line)) ?? [];
  expect(ticks.length).toBeGreaterThanOrEqual(5);
  expect(ticks.length).toBeLessThan(20);
  expect(result?.lines.at(-1)).toBe(` stopped after tick ${ticks.length}`);
}, 20_000);

it('a planned action waiting for a line that never comes is not taken', async () => {
  const plan: PlannedAction[] = [{ at: { actor: 'ticker', line: /^ never$/ }, action: 'kill', actor: 'ticker' }];
  const quiet: ActorProgram = { actor: 'ticker', code: "console.log(' [*] Here, then gone.');\n" };
  const [result] = await runCopied([quiet], 'javascript', undefined, plan);
  expect(result).toMatchObject({ exitCode: 0, signal: null, lines: [' [*] Here, then gone.'] });
}, 20_000);
