/**
 * Runs one lesson cell without a browser:
 *
 *   npm run scenario -- 02-work-queues/seven-tasks --set workers=3 [--broker embedded|<amqp-url>] [--json]
 *
 * Exit status: 0 when the run finished, 1 when it failed (the broker
 * unreachable, a refused login, a channel error...), 2 for a command line,
 * lesson, cell or parameter that cannot be used, 130 when interrupted.
 */
import { fileURLToPath } from 'node:url';
import { openBrokerTarget, redactUrl, type BrokerTarget } from '../broker-connection.js';
import { ConfigError, readConfig } from '../config.js';
import { loadLessons, type LessonCatalog } from '../lessons/index.js';
import type { LessonDocument, RunFailure, RunStatus, RunSummary } from '../protocol/index.js';
import { createRunner, keepServingThroughFaults, RunRequestError, type RunHandle, type RunRequest } from '../runs/index.js';
import { followScript } from './scripted-actions.js';
import { parseScenarioArgs, USAGE, UsageError, type ScenarioArgs } from './scenario-args.js';
import { formatEvent, formatSummary } from './trace-text.js';

const DEFAULT_LESSONS = fileURLToPath(new URL('../../lessons', import.meta.url));

/** A reason to stop before running, with the exit status it deserves. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function main(argv: string[]): Promise<number> {
  let args: ScenarioArgs | undefined;
  try {
    args = parseScenarioArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) throw new Refusal(`${error.message}\n\n${USAGE}`, 2);
    throw error;
  }
  if (args === undefined) {
    console.log(USAGE);
    return 0;
  }
  const lessons = await loadLessons(args.lessonsDir ?? DEFAULT_LESSONS);
  const lesson = lessons.find(args.lesson);
  if (lesson === undefined) throw new Refusal(unknownLesson(args.lesson, lessons), 2);
  const cells = lesson.cells.flatMap((cell) => (cell.kind === 'run' ? [cell] : []));
  const cell = args.cell === undefined ? cells[0] : cells.find((candidate) => candidate.id === args.cell);
  if (cell === undefined) {
    throw new Refusal(`Lesson ${lesson.id} has no cell '${args.cell}'. Its cells are:\n${listCells(lesson)}`, 2);
  }

  // A fault of the scenario's own code fails its run, told like any other failure.
  keepServingThroughFaults((line) => console.error(line));
  const broker = await openBroker(args.broker);
  const runner = createRunner({ broker, lessons, log: (line) => console.error(line) });
  try {
    return await runCell(
      runner,
      { lesson: lesson.id, cell: cell.id, params: args.params, ...(args.language === undefined ? {} : { language: args.language }) },
      args,
      broker,
    );
  } finally {
    await runner.close();
    await broker.close();
  }
}

async function runCell(
  runner: ReturnType<typeof createRunner>,
  request: RunRequest,
  { json, at }: Pick<ScenarioArgs, 'json' | 'at'>,
  broker: BrokerTarget,
): Promise<number> {
  let final: { status: RunStatus; failure?: RunFailure } = { status: 'finished' };
  let summary: RunSummary | undefined;
  const write = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  let handle: RunHandle;
  const script = followScript(
    at,
    () => handle,
    (line) => console.error(line),
  );
  try {
    handle = runner.start(request, {
      onEvent: (event) => {
        write(json ? JSON.stringify(event) : formatEvent(event));
        script.onEvent(event);
      },
      onStatus: (status, failure) => {
        final = { status, failure };
      },
      onSummary: (totals) => {
        summary = totals;
      },
    });
  } catch (error) {
    if (error instanceof RunRequestError) throw new Refusal(badParams(request, error), 2);
    throw error;
  }
  if (!json)
    write(
      `Running ${request.lesson}/${request.cell} on the ${broker.kind === 'embedded' ? 'embedded broker' : 'RabbitMQ'} at ${redactUrl(broker.url)}`,
    );
  const interrupt = (): void => {
    void handle.stop();
  };
  process.once('SIGINT', interrupt);
  await handle.done;
  process.off('SIGINT', interrupt);
  script.unreached();

  if (json) write(JSON.stringify({ summary }));
  else if (summary !== undefined) write(`\n${formatSummary(summary)}`);
  if (final.status === 'failed') {
    console.error(`\nThe run failed: ${final.failure?.explanation ?? 'no reason given'}\n(${final.failure?.raw ?? ''})`);
    return 1;
  }
  if (final.status === 'ended-with-error') {
    console.error(`\nThe run ended with an error: ${final.failure?.explanation ?? 'no reason given'}`);
    return 1;
  }
  if (final.status === 'stopped') return 130;
  return 0;
}

async function openBroker(choice: string | undefined): Promise<BrokerTarget> {
  let amqpUrl: string | undefined;
  if (choice === undefined) {
    try {
      amqpUrl = readConfig().amqpUrl;
    } catch (error) {
      if (error instanceof ConfigError) throw new Refusal(error.message, 2);
      throw error;
    }
  } else if (choice !== 'embedded') {
    if (!/^amqps?:\/\//.test(choice) || !URL.canParse(choice)) {
      throw new Refusal(
        `--broker takes 'embedded' or an AMQP URL like amqp://guest:guest@127.0.0.1:5672, got ${JSON.stringify(choice)}`,
        2,
      );
    }
    amqpUrl = choice;
  }
  return openBrokerTarget({ amqpUrl, brokerPort: 0, brokerDataDir: { temporary: true } });
}

function unknownLesson(name: string, lessons: LessonCatalog): string {
  const lines = [`There is no lesson '${name}'. The lessons are:`];
  for (const summary of lessons.list()) lines.push(`  ${summary.id}  ${summary.title}`);
  if (lessons.list().length === 0) lines.push('  (none)');
  const broken = lessons.problems.filter((problem) => problem.file.includes(name));
  if (broken.length > 0) {
    lines.push('', 'A lesson folder by that name has problems, so it was left out:');
    for (const problem of broken) lines.push(`  ${problem.file}: ${problem.message}`);
  }
  return lines.join('\n');
}

function listCells(lesson: LessonDocument): string {
  return lesson.cells.flatMap((cell) => (cell.kind === 'run' ? [`  ${lesson.id}/${cell.id}  ${cell.title}`] : [])).join('\n');
}

function badParams(request: { lesson: string; cell: string }, error: RunRequestError): string {
  if (error.problems.length === 0) return error.message;
  return [`Cannot run ${request.lesson}/${request.cell}:`, ...error.problems.map((problem) => `  ${problem.message}`)].join('\n');
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (error instanceof Refusal) {
      console.error(error.message);
      process.exitCode = error.status;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  },
);
