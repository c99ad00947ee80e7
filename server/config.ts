import { checkDataDir, DataDirError, defaultDataDir } from './broker/data-dir.js';
import { DEFAULT_LOOPBACK_USERS } from './broker/auth.js';
import { DEFAULT_MEMORY_LIMIT, MemoryLimitError, parseMemoryLimit } from './broker/memory-limit.js';

/** Settings the workbook server reads from its environment, checked once at start-up. */
export interface WorkbookConfig {
  /** Address the web server binds; loopback unless HOST says otherwise. */
  host: string;
  /** Port of the web server (PORT). */
  port: number;
  /** A RabbitMQ to use instead of the embedded broker (AMQP_URL), or undefined. */
  amqpUrl: string | undefined;
  /**
   * Where programs of your own connect (BROKER_PORT): the lab's port, in front of the embedded broker or, with
   * AMQP_URL, forwarding to that RabbitMQ; 5673 so it never collides with a local RabbitMQ.
   */
  brokerPort: number;
  /** The address that port listens on (BROKER_HOST); loopback unless told otherwise. */
  brokerHost: string;
  /** Memory limit of the embedded broker in bytes (BROKER_MEMORY_LIMIT); publishers are blocked above it. */
  brokerMemoryLimit: number;
  /** Where the embedded broker keeps what survives a restart (BROKER_DATA_DIR); the XDG data directory by default. */
  brokerDataDir: string;
  /**
   * A user of the embedded broker's for programs on other machines (BROKER_USER=name:password), who may use
   * vhost '/'; guest may only connect from this machine.
   */
  brokerUser: { username: string; password: string } | undefined;
}

/** Thrown when an environment variable holds something the server cannot use. */
export class ConfigError extends Error {}

function readPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a port: use a whole number from 0 to 65535`);
  }
  return port;
}

function readAmqpUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.AMQP_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`AMQP_URL=${JSON.stringify(raw)} is not a URL: use amqp://user:password@host:port/vhost`);
  }
  if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') {
    throw new ConfigError(`AMQP_URL must start with amqp:// or amqps://, not ${url.protocol}//`);
  }
  return raw;
}

function readMemoryLimit(env: NodeJS.ProcessEnv): number {
  const raw = env.BROKER_MEMORY_LIMIT;
  if (raw === undefined || raw === '') return DEFAULT_MEMORY_LIMIT;
  try {
    return parseMemoryLimit(raw);
  } catch (error) {
    if (error instanceof MemoryLimitError) throw new ConfigError(`BROKER_MEMORY_LIMIT: ${error.message}`);
    throw error;
  }
}

function readDataDir(env: NodeJS.ProcessEnv): string {
  const raw = env.BROKER_DATA_DIR;
  try {
    return checkDataDir(raw === undefined || raw === '' ? defaultDataDir(env) : raw);
  } catch (error) {
    if (error instanceof DataDirError) throw new ConfigError(`BROKER_DATA_DIR ${error.message}`);
    throw error;
  }
}

function readBrokerUser(env: NodeJS.ProcessEnv, amqpUrl: string | undefined): WorkbookConfig['brokerUser'] {
  const raw = env.BROKER_USER;
  if (raw === undefined || raw === '') return undefined;
  if (amqpUrl !== undefined) {
    throw new ConfigError(
      "BROKER_USER is for the embedded broker; on RabbitMQ (AMQP_URL) add the user there: rabbitmqctl add_user NAME PASSWORD, then rabbitmqctl set_permissions -p VHOST NAME '.*' '.*' '.*'",
    );
  }
  const colon = raw.indexOf(':');
  const username = colon < 0 ? raw : raw.slice(0, colon);
  const password = colon < 0 ? '' : raw.slice(colon + 1);
  if (username === '' || password === '') {
    throw new ConfigError('BROKER_USER must be name:password, both non-empty, e.g. BROKER_USER=alice:s3cret');
  }
  if (DEFAULT_LOOPBACK_USERS.includes(username)) {
    throw new ConfigError(`BROKER_USER cannot be ${username}: ${username} may only connect from this machine; choose another name`);
  }
  return { username, password };
}

/** Reads PORT, HOST, AMQP_URL and the BROKER_ variables, naming the variable at fault when one is wrong. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): WorkbookConfig {
  const amqpUrl = readAmqpUrl(env);
  return {
    host: env.HOST && env.HOST !== '' ? env.HOST : '127.0.0.1',
    port: readPort(env, 'PORT', 8080),
    amqpUrl,
    brokerPort: readPort(env, 'BROKER_PORT', 5673),
    brokerHost: env.BROKER_HOST && env.BROKER_HOST !== '' ? env.BROKER_HOST : '127.0.0.1',
    brokerMemoryLimit: readMemoryLimit(env),
    brokerDataDir: readDataDir(env),
    brokerUser: readBrokerUser(env, amqpUrl),
  };
}
