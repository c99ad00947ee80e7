/**
 * Starts a real workbook for a test: the embedded broker on a free port (or
 * the RabbitMQ at `amqpUrl`), a lesson catalog, the runner, and the web
 * server on 127.0.0.1 port 0.
 */
import { fileURLToPath } from 'node:url';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import { loadLessons, type LessonCatalog } from '../../server/lessons/index.js';
import type { RunFailure, RunStatus } from '../../server/protocol/index.js';
import { createRunner, type RunHandle, type Runner } from '../../server/runs/index.js';
import { createWorkbookServer, type WorkbookServer } from '../../server/web/server.js';

/** The course's own lessons. */
export const COURSE_LESSONS = fileURLToPath(new URL('../../lessons/', import.meta.url));

/** Small lessons made for tests (an echo, a flood, a mistake), beside some broken folders. */
export const FIXTURE_LESSONS = fileURLToPath(new URL('../fixtures/lessons/', import.meta.url));

/** What one run reported. */
export interface RunReport {
  statuses: RunStatus[];
  failure: RunFailure | undefined;
}

/** A running workbook and the runs its server started. */
export interface TestWorkbook {
  server: WorkbookServer;
  broker: BrokerTarget;
  lessons: LessonCatalog;
  /** Every run the server started, in order, so a test can wait for one to end. */
  started: RunHandle[];
  /** What each started run reported to the server: its statuses in order, and its failure if it failed. */
  reports: Map<RunHandle, RunReport>;
  /** The WebSocket address, ws://127.0.0.1:<port>/ws. */
  socketUrl: string;
  close(): Promise<void>;
}

/** Starts a workbook over the lessons in `lessonsDir`. */
export async function startWorkbook(options: { lessonsDir: string; clientDir?: string; amqpUrl?: string }): Promise<TestWorkbook> {
  const lessons = await loadLessons(options.lessonsDir);
  const broker = await openBrokerTarget({ amqpUrl: options.amqpUrl, brokerPort: 0 });
  const runner = createRunner({ broker, lessons });
  const started: RunHandle[] = [];
  const reports = new Map<RunHandle, RunReport>();
  const watchedRunner: Runner = {
    start(request, listener) {
      const report: RunReport = { statuses: [], failure: undefined };
      const handle = runner.start(request, {
        ...listener,
        onStatus(status, failure) {
          report.statuses.push(status);
          report.failure ??= failure;
          listener.onStatus(status, failure);
        },
      });
      started.push(handle);
      reports.set(handle, report);
      return handle;
    },
    sweepLeftovers: () => runner.sweepLeftovers(),
    close: () => runner.close(),
  };
  const server = await createWorkbookServer({
    config: { host: '127.0.0.1', port: 0 },
    broker,
    lessons,
    runner: watchedRunner,
    clientDir: options.clientDir ?? fileURLToPath(new URL('./no-client-build/', import.meta.url)),
  });
  return {
    server,
    broker,
    lessons,
    started,
    reports,
    socketUrl: `ws://127.0.0.1:${server.port}/ws`,
    async close() {
      await server.close();
      await runner.close();
      await broker.close();
    },
  };
}
