/**
 * `npm start`: loads the lessons, opens the broker (embedded unless AMQP_URL
 * names a RabbitMQ), and serves the workbook on HOST:PORT until Ctrl-C.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError, readConfig, type WorkbookConfig } from './config.js';
import { openBrokerTarget, redactUrl, type BrokerTarget } from './broker-connection.js';
import { DataDirError, DataDirectoryLockedError } from './broker/index.js';
import { formatBytes } from './broker/memory-limit.js';
import { loadLessons, type LessonCatalog } from './lessons/index.js';
import { createRunner, describeSweep, keepServingThroughFaults, type Runner } from './runs/index.js';
import { createWorkbookServer } from './web/server.js';
import { startLab, type Lab } from './lab/lab.js';
import { addRemoteUser, remoteAccessNotes, remoteUserHint } from './lab/remote-access.js';
import { rabbitAddress } from './runs/rabbitmq-space.js';

const LESSONS_DIR = fileURLToPath(new URL('../lessons/', import.meta.url));

/** Thrown for a start-up failure whose message already tells the user what to do. */
class StartupError extends Error {}

async function main(): Promise<void> {
  // A fault in a run fails that run (the runner sees to it); any other is logged, and the workbook goes on serving.
  keepServingThroughFaults((line) => console.error(line));
  const config = readConfig();
  const lessons = await loadCatalog();
  const broker = await openBroker(config);
  if (config.brokerUser !== undefined && broker.embedded !== undefined) addRemoteUser(broker.embedded, config.brokerUser);
  const lab = await openLab(config, broker).catch(async (error: unknown) => {
    await broker.close();
    throw error;
  });
  const runner = createRunner({ broker, lessons, programsUrl: lab.url });
  const server = await createWorkbookServer({ config, broker, lessons, runner, lab }).catch(async (error: unknown) => {
    await runner.close();
    await lab.close();
    await broker.close();
    throw listenError(error, config);
  });

  const memoryLimit = ` (memory limit ${formatBytes(config.brokerMemoryLimit)}, BROKER_MEMORY_LIMIT)`;
  console.log(
    broker.kind === 'embedded' ? `Broker: the embedded broker${memoryLimit}` : `Broker: RabbitMQ at ${redactUrl(broker.url)} (AMQP_URL)`,
  );
  if (broker.kind === 'embedded')
    console.log(`Broker data: ${config.brokerDataDir} (BROKER_DATA_DIR); what is durable there survives a restart`);
  console.log(`Lessons: ${lessons.list().length} loaded from ${LESSONS_DIR}`);
  console.log(`Programs of your own connect to ${lab.url} (BROKER_PORT); the Lab page shows them: ${server.url}lab`);
  const remote = { brokerHost: config.brokerHost, brokerKind: broker.kind, vhost: lab.vhost, remoteUser: config.brokerUser };
  for (const note of remoteAccessNotes(remote)) console.log(note);
  console.log(`Warren is running: open ${server.url}`);
  console.log('Press Ctrl-C to stop.');
  sweepLeftovers(runner, broker.kind === 'rabbitmq' ? 'RabbitMQ' : 'Embedded broker');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.log(`${signal} again: quitting without waiting for runs to end.`);
      process.exit(1);
    }
    stopping = true;
    console.log('Stopping: ending runs, closing the server and the broker ...');
    void (async () => {
      await server.close();
      await runner.close();
      await lab.close();
      await broker.close();
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Deletes the vhosts runs of an earlier workbook left on the broker (it was killed mid-run), in the background. */
function sweepLeftovers(runner: Runner, brokerName: string): void {
  runner.sweepLeftovers().then(
    (result) => {
      if (result !== undefined) console.log(describeSweep(result, brokerName));
    },
    (error: unknown) =>
      console.warn(
        `${brokerName}: could not look for vhosts left behind by Warren runs: ${error instanceof Error ? error.message : String(error)}`,
      ),
  );
}

/** The lessons that load; the rest are reported as warnings, because a broken lesson should not stop the others. */
async function loadCatalog(): Promise<LessonCatalog> {
  const lessons = await loadLessons(LESSONS_DIR).catch((error: unknown) => {
    throw new StartupError(`Cannot read the lessons folder ${LESSONS_DIR}: ${(error as Error).message}`);
  });
  for (const problem of lessons.problems) {
    console.warn(`Warning: ${problem.file}: ${problem.message} (this lesson is left out)`);
  }
  return lessons;
}

/** The embedded broker listens on a free loopback port of its own: programs of your own reach it through the lab's. */
async function openBroker(config: WorkbookConfig): Promise<BrokerTarget> {
  try {
    return await openBrokerTarget({ ...config, brokerPort: 0 });
  } catch (error) {
    if (error instanceof DataDirectoryLockedError || error instanceof DataDirError) {
      throw new StartupError(
        `The embedded broker cannot use its data directory: BROKER_DATA_DIR ${error.message.replace(/^data directory /, '')}`,
      );
    }
    throw error;
  }
}

/** The port for programs of your own (BROKER_PORT on BROKER_HOST), in front of the broker. */
async function openLab(config: WorkbookConfig, broker: BrokerTarget): Promise<Lab> {
  try {
    const remoteLoginHint = remoteUserHint({
      brokerKind: broker.kind,
      vhost: rabbitAddress(broker.url).vhost,
      remoteUser: config.brokerUser,
    });
    return await startLab({ broker, host: config.brokerHost, port: config.brokerPort, remoteLoginHint });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new StartupError(
        `Port ${config.brokerPort} for programs of your own is already in use (BROKER_PORT=${config.brokerPort}; is Warren already running?).\n` +
          `Choose another, e.g. BROKER_PORT=${config.brokerPort + 1} npm start, or BROKER_PORT=0 npm start for any free port.`,
      );
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new StartupError(
        `BROKER_HOST=${config.brokerHost} is not an address of this machine: use 127.0.0.1 (the default) or 0.0.0.0 for every interface.`,
      );
    }
    if (code === 'EACCES') {
      throw new StartupError(
        `Not allowed to listen on port ${config.brokerPort} (BROKER_PORT): use a port above 1023, e.g. BROKER_PORT=5673.`,
      );
    }
    throw error;
  }
}

/** A listen failure told with the variable that fixes it. */
function listenError(error: unknown, config: WorkbookConfig): Error {
  const where = `${config.host}:${config.port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new StartupError(
        `Port ${config.port} on ${config.host} is already in use (PORT=${config.port}; is Warren already running?).\n` +
          `Start on another port: PORT=${config.port + 1} npm start, or PORT=0 npm start for any free port.`,
      );
    case 'EACCES':
      return new StartupError(`Not allowed to listen on ${where} (PORT=${config.port}): use a port above 1023, e.g. PORT=8080 npm start.`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError(
        `HOST=${config.host} is not an address of this machine: use 127.0.0.1 (the default) or 0.0.0.0 for every interface.`,
      );
    default:
      return error as Error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
