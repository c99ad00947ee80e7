/**
 * The real workbook for browser tests, started as `npm start` starts it: the
 * course's lessons, the embedded broker, the runner, and the web server
 * serving a built client, on 127.0.0.1. The web server can be restarted on the
 * same port while the broker and runner carry on, as after a server restart.
 */
import { fileURLToPath } from 'node:url';
import { openBrokerTarget, type BrokerTarget } from '../../server/broker-connection.js';
import { loadLessons, type LessonCatalog } from '../../server/lessons/index.js';
import { createRunner, type Runner } from '../../server/runs/index.js';
import { createWorkbookServer, type WorkbookServer } from '../../server/web/server.js';
import { startLab, type Lab } from '../../server/lab/lab.js';

/** The course's own lessons. */
const COURSE_LESSONS = fileURLToPath(new URL('../../lessons/', import.meta.url));

/** A running workbook. */
export interface BrowserWorkbook {
  /** The page address, http://127.0.0.1:<port>/. */
  readonly url: string;
  readonly port: number;
  readonly broker: BrokerTarget;
  /** The port for programs of your own, whose connections the Lab page shows. */
  readonly lab: Lab;
  readonly lessons: LessonCatalog;
  /** Closes the web server only (its sockets drop); the broker and runner stay. */
  stopServer(): Promise<void>;
  /** Starts the web server again on the same port. */
  startServer(): Promise<void>;
  /** Closes everything. */
  close(): Promise<void>;
}

/** Options of startBrowserWorkbook. */
export interface BrowserWorkbookOptions {
  /** The built client to serve. */
  clientDir: string;
  /** Port of the web server; 0 (the default) picks a free one. */
  port?: number;
  /** Lessons folder; the course's by default. */
  lessonsDir?: string;
  /** A RabbitMQ to use instead of the embedded broker, as AMQP_URL names one. */
  amqpUrl?: string;
}

/** Starts the broker on a free port, the runner, and the web server. */
export async function startBrowserWorkbook(options: BrowserWorkbookOptions): Promise<BrowserWorkbook> {
  const lessons = await loadLessons(options.lessonsDir ?? COURSE_LESSONS);
  const broker = await openBrokerTarget({ amqpUrl: options.amqpUrl, brokerPort: 0, brokerDataDir: { temporary: true } });
  const lab = await startLab({ broker, host: '127.0.0.1', port: 0 });
  const runner: Runner = createRunner({ broker, lessons, programsUrl: lab.url });
  const listen = (port: number): Promise<WorkbookServer> =>
    createWorkbookServer({
      config: { host: '127.0.0.1', port },
      broker,
      lessons,
      runner,
      lab,
      clientDir: options.clientDir,
    });
  let server: WorkbookServer | undefined = await listen(options.port ?? 0);
  const port = server.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    broker,
    lab,
    lessons,
    async stopServer() {
      await server?.close();
      server = undefined;
    },
    async startServer() {
      server ??= await listen(port);
    },
    async close() {
      await server?.close();
      server = undefined;
      await runner.close();
      await lab.close();
      await broker.close();
    },
  };
}
