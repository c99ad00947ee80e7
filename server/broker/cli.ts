/**
 * Runs the embedded broker on its own, so any AMQP client (amqplib, pika,
 * the Java client) can be pointed at it:
 *
 *   npm run broker -- --port 5673 --host 127.0.0.1 --memory-limit 512MB --data-dir ~/warren-data
 *   npm run broker -- --config rabbitmq.conf --config advanced.config
 *
 * What survives a restart is kept in --data-dir (by default the user's XDG
 * data directory); --in-memory keeps nothing. Flags given on the command
 * line win over what the configuration files set.
 *
 * While it runs it reads commands on its standard input, as rabbitmqctl
 * would take them: `set_vm_memory_high_watermark absolute 64MiB` changes
 * the memory limit at once, `status` shows memory and alarms.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CONSOLE_COMMANDS, runConsoleCommand } from './console-commands.js';
import { loadConfigFiles } from './config/load.js';
import { brokerOptionsFrom, ConfigError } from './config/settings.js';
import { checkDataDir, DataDirError, defaultDataDir } from './data-dir.js';
import { DataDirectoryLockedError, describeMemoryAlarm, startBroker, type BrokerOptions } from './index.js';
import { DEFAULT_MEMORY_LIMIT, MemoryLimitError, formatBytes, parseMemoryLimit } from './memory-limit.js';

const USAGE =
  'usage: npm run broker -- [--port <0-65535>] [--host <address>] [--memory-limit <size>] [--data-dir <directory> | --in-memory]\n' +
  '                         [--config <file.conf | file.config>]...\n' +
  `       (defaults: --port 5673 --host 127.0.0.1 --memory-limit ${formatBytes(DEFAULT_MEMORY_LIMIT)} --data-dir ${defaultDataDir()};` +
  ' no configuration file)';

/** Reads the flags and the configuration files; exits with status 2 and a message naming what is wrong otherwise. */
function readOptions(): BrokerOptions {
  let values: {
    port?: string;
    host?: string;
    'memory-limit'?: string;
    'data-dir'?: string;
    'in-memory'?: boolean;
    config?: string[];
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'memory-limit': { type: 'string' },
        'data-dir': { type: 'string' },
        'in-memory': { type: 'boolean' },
        config: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(
      `${error instanceof Error ? error.message : String(error)}; ` +
        'allowed flags are --port, --host, --memory-limit, --data-dir, --in-memory and --config',
    );
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const options = values.config === undefined ? {} : fromConfigFiles(values.config);
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) fail(`--port must be a whole number from 0 to 65535, got '${values.port}'`);
    options.port = port;
  }
  if (values.host !== undefined) {
    if (values.host.trim() === '') fail(`--host must be an address to listen on, such as 127.0.0.1 or 0.0.0.0, got '${values.host}'`);
    options.host = values.host;
  }
  if (values['memory-limit'] !== undefined) options.memoryLimit = readMemoryLimit(values['memory-limit']);
  options.dataDir = readDataDir(values['data-dir'], values['in-memory']);
  return { port: 5673, host: '127.0.0.1', memoryLimit: DEFAULT_MEMORY_LIMIT, ...options };
}

function fromConfigFiles(files: string[]): BrokerOptions {
  try {
    const { settings, warnings } = loadConfigFiles(files);
    for (const warning of warnings) console.error(`warren broker: ${warning}`);
    return brokerOptionsFrom(settings);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`warren broker: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

function readDataDir(text: string | undefined, inMemory: boolean | undefined): string | undefined {
  if (inMemory === true && text !== undefined)
    fail('--data-dir and --in-memory cannot both be given: keep data in a directory, or keep nothing');
  if (inMemory === true) return undefined;
  try {
    return checkDataDir(text ?? defaultDataDir());
  } catch (error) {
    if (error instanceof DataDirError) fail(`--data-dir ${error.message}`);
    throw error;
  }
}

function readMemoryLimit(text: string): number {
  try {
    return parseMemoryLimit(text);
  } catch (error) {
    if (error instanceof MemoryLimitError) fail(`--memory-limit ${error.message}`);
    throw error;
  }
}

function fail(message: string): never {
  console.error(`warren broker: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

async function main(): Promise<void> {
  const options = readOptions();
  const broker = await startBroker(options);
  broker.events.on('login-refused', ({ address, reason }) => console.error(`[warren broker] ${reason} (from ${address})`));
  broker.events.on('memory-alarm', (use) => console.error(`[warren broker] ${describeMemoryAlarm(use)}`));
  const memoryLimit = broker.memory().limit;
  console.log(`Memory limit: ${formatBytes(memoryLimit)} (${memoryLimit} bytes; publishers are blocked above it)`);
  console.log(
    options.dataDir === undefined
      ? 'Data: kept in memory only (--in-memory): nothing survives a restart'
      : `Data directory: ${options.dataDir} (vhosts, users and permissions, durable queues and exchanges, bindings and persistent messages survive a restart)`,
  );
  console.log(`Commands: ${CONSOLE_COMMANDS}`);
  const host = broker.host;
  const [user] = broker.users.listUsers();
  const vhost = options.vhosts?.[0] ?? '/';
  // Last, so whoever waits for the URL has read the lines above too.
  console.log(
    `Warren embedded broker listening on amqp://${host.includes(':') ? `[${host}]` : host}:${broker.port} (vhost ${vhost}, user ${user?.user ?? 'none'})`,
  );
  // Standard input ending (a background run) leaves the broker running.
  createInterface({ input: process.stdin, terminal: false }).on('line', (line) => {
    const answer = runConsoleCommand(broker, line);
    if (answer !== '') console.log(answer);
  });
  const stop = (): void => {
    void broker.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof DataDirectoryLockedError) {
    console.error(`warren broker: ${error.message}`);
    process.exit(1);
  }
  if (error instanceof DataDirError) {
    console.error(`warren broker: --data-dir ${error.message}`);
    process.exit(1);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    console.error(`warren broker: cannot listen there (${code}): ${(error as Error).message}`);
    process.exit(1);
  }
  if (error instanceof Error && error.name === 'AccessError') {
    console.error(`warren broker: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
