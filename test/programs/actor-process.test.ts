// Actors as processes of their own, in both languages: what they print is
// their output, a kill is a crash and Ctrl-C their own way out, and a run
// that stands still (frozen, or only its clock stopped) stops their timers
// too: a timeout or a sleep ends after its time of running, not of waiting.
// Without /usr/bin/python3 the Python cases skip with a notice, except under CI=true.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as wait } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PYTHON, startActorProcess, type ActorLine, type ActorProcess, type ProgramLanguage } from '../../server/programs/actor-process.js';
import { createRunClock, type RunClock } from '../../server/programs/clock/run-clock.js';

const FOLDER = fileURLToPath(new URL('../../', import.meta.url));
const underCi = process.env.CI === 'true';
const pythonMissing = spawnSync(PYTHON, ['-c', 'pass']).status !== 0;
if (pythonMissing && !underCi) console.warn(`[programs] Python cases skipped: ${PYTHON} cannot run here`);

/** A started program, the lines it printed, and when each arrived (ms on this process's clock). */
interface Started {
  process: ActorProcess;
  lines: string[];
  arrivals: Map<string, number>;
  /** Resolves when the program prints `text`. */
  printed(text: string): Promise<number>;
}

const clocks: RunClock[] = [];
const running: ActorProcess[] = [];

afterEach(async () => {
  for (const actor of running.splice(0)) {
    actor.thaw();
    actor.kill();
    await actor.exited;
  }
  for (const clock of clocks.splice(0)) clock.close();
});

function newClock(): RunClock {
  const clock = createRunClock();
  clocks.push(clock);
  return clock;
}

async function start(language: ProgramLanguage, program: string, clock: RunClock): Promise<Started> {
  const lines: string[] = [];
  const arrivals = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const onLine = (line: ActorLine): void => {
    const text = line.stream === 'stderr' ? `stderr: ${line.text}` : line.text;
    const at = performance.now();
    lines.push(text);
    arrivals.set(text, at);
    waiting.get(text)?.(at);
  };
  const actor = await startActorProcess({ actor: 'worker 1', language, program, clockFile: clock.file, folder: FOLDER, onLine });
  running.push(actor);
  const printed = (text: string): Promise<number> => {
    const at = arrivals.get(text);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      waiting.set(text, resolve);
      void actor.exited.then(() => {
        if (!arrivals.has(text))
          reject(new Error(`the program ended without printing ${JSON.stringify(text)}; it printed ${JSON.stringify(lines)}`));
      });
    });
  };
  return { process: actor, lines, arrivals, printed };
}

/** Programs that do the same in each language. */
const PROGRAMS = {
  javascript: {
    lines: "console.log(' [x] Sent %s', 'hello');\nconsole.log('ünïcödé ✓');\nconsole.error('a warning');",
    timeout: "setTimeout(() => console.log('timed out'), 1000);\nconsole.log('waiting');",
    elapsed: [
      'const started = performance.now();',
      "console.log('measuring');",
      'setTimeout(() => console.log(`elapsed ${Math.round((performance.now() - started) / 100) * 100}`), 600);',
    ].join('\n'),
    interrupt: [
      "process.on('SIGINT', () => { console.log(' [*] Interrupted: closing'); process.exit(0); });",
      "console.log('running');",
      'setInterval(() => {}, 1000);',
    ].join('\n'),
  },
  python: {
    lines: "print(\" [x] Sent 'hello'\".replace(\"'\", ''))\nprint('ünïcödé ✓')\nimport sys\nprint('a warning', file=sys.stderr)",
    timeout: "import time\nprint('waiting')\ntime.sleep(1.0)\nprint('timed out')",
    elapsed: [
      'import time',
      'started = time.monotonic()',
      "print('measuring')",
      'time.sleep(0.6)',
      "print(f'elapsed {round((time.monotonic() - started) * 10) * 100}')",
    ].join('\n'),
    interrupt: [
      'import time',
      "print('running')",
      'try:',
      '    while True:',
      '        time.sleep(1)',
      'except KeyboardInterrupt:',
      "    print(' [*] Interrupted: closing')",
    ].join('\n'),
  },
} satisfies Record<ProgramLanguage, Record<string, string>>;

for (const language of ['javascript', 'python'] as const) {
  describe.skipIf(language === 'python' && pythonMissing && !underCi)(`${language} actors`, () => {
    const programs = PROGRAMS[language];

    it('hand on every line they print, in order, and end with their exit code', async () => {
      const started = await start(language, programs.lines, newClock());
      expect(await started.process.exited).toEqual({ code: 0, signal: null });
      expect(started.lines.filter((line) => !line.startsWith('stderr'))).toEqual([' [x] Sent hello', 'ünïcödé ✓']);
      expect(started.lines).toContain('stderr: a warning');
    });

    it('a timeout does not run out while the run is frozen, and still comes at its time of running', async () => {
      const clock = newClock();
      const started = await start(language, programs.timeout, clock);
      const armed = await started.printed('waiting');
      await wait(300);
      clock.stop();
      started.process.freeze();
      await wait(1500);
      const thawed = performance.now();
      clock.go();
      started.process.thaw();
      const fired = await started.printed('timed out');
      // It had run about 300 ms of its 1,000 before the freeze: about 700 ms remain once thawed, not none.
      expect(fired - thawed).toBeGreaterThan(500);
      expect(fired - armed).toBeGreaterThan(2300);
      expect(await started.process.exited).toEqual({ code: 0, signal: null });
    });

    it('a timeout waits while only the clock stands still, the program running', async () => {
      const clock = newClock();
      const started = await start(language, programs.timeout, clock);
      await started.printed('waiting');
      clock.stop();
      await wait(1600);
      expect(started.lines).not.toContain('timed out');
      const resumed = performance.now();
      clock.go();
      const fired = await started.printed('timed out');
      expect(fired - resumed).toBeGreaterThan(400);
    });

    it('measures elapsed time without the time the run stood still', async () => {
      const clock = newClock();
      const started = await start(language, programs.elapsed, clock);
      await started.printed('measuring');
      clock.stop();
      started.process.freeze();
      await wait(1200);
      clock.go();
      started.process.thaw();
      expect(await started.process.exited).toEqual({ code: 0, signal: null });
      expect(started.lines).toContain('elapsed 600');
    });

    it('Ctrl-C lets the program leave its own way; a kill ends it at once', async () => {
      const interrupted = await start(language, programs.interrupt, newClock());
      await interrupted.printed('running');
      interrupted.process.interrupt();
      expect(await interrupted.process.exited).toEqual({ code: 0, signal: null });
      expect(interrupted.lines).toContain(' [*] Interrupted: closing');

      const killed = await start(language, programs.interrupt, newClock());
      await killed.printed('running');
      killed.process.kill();
      expect(await killed.process.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(killed.lines).not.toContain(' [*] Interrupted: closing');
    });
  });
}
